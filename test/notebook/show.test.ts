import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import * as aq from 'arquero';
import { show } from '../../src/notebook/show.js';
import { registerDisplay, displayNames } from '../../src/notebook/display-registry.js';
import { installRichDisplay, table } from '../../src/notebook/rich.js';
import { inKernel } from '../../src/notebook/kernel.js';

describe('notebook/show outside a kernel', () => {
  const capture = () => {
    const out: string[] = [];
    return { out, write: (s: string) => out.push(s) };
  };

  it('is not in a kernel under mocha', () => assert.equal(inKernel(), false));

  it('prints a chart as its title and a description, a table as text', async () => {
    const c = capture();
    await show({ title: 'Acc', mark: 'line', data: { values: [{ x: 1 }] }, encoding: { x: { field: 'x' } } }, { write: c.write });
    await show(aq.table({ a: [1, 2, 3] }), { write: c.write, limit: 2 });
    assert.deepEqual(c.out, ['Chart: Acc (line; 1 data rows; fields: x)\n', 'a\n-\n1\n2\n… 1 more row\n']);
  });

  it('uses registered displays, latest first, and rejects duplicate names', async () => {
    class Thing { constructor(readonly n: number) {} }
    registerDisplay((x: unknown): x is Thing => x instanceof Thing, (t) => ({ kind: 'text', text: `thing ${t.n}` }), { name: 'thing-test' });
    const c = capture();
    await show(new Thing(7), { write: c.write });
    assert.deepEqual(c.out, ['thing 7\n']);
    assert.throws(() => registerDisplay(() => false, () => ({ kind: 'text', text: '' }), { name: 'thing-test' }), /already registered[\s\S]*/);
    registerDisplay((x: unknown): x is Thing => x instanceof Thing, () => ({ kind: 'text', text: 'v2' }), { name: 'thing-test', override: true });
    await show(new Thing(1), { write: c.write });
    assert.equal(c.out[1], 'v2\n');
    assert.ok(displayNames().includes('thing-test'));
  });

  it('falls back to util.inspect for unknown values', async () => {
    const c = capture();
    await show({ a: 1 }, { write: c.write });
    assert.deepEqual(c.out, ['{ a: 1 }\n']);
  });

  it('installRichDisplay gives a short text on inspect and a rich show()', async () => {
    class Res { constructor(readonly k: number) {} }
    installRichDisplay(Res, (r) => [{ kind: 'text', text: `res ${r.k}` }, { kind: 'table', table: aq.table({ k: [r.k] }) }], { text: (r) => `<Res ${r.k}>` });
    assert.equal(inspect(new Res(3)), '<Res 3>');
    const c = capture();
    await show(new Res(4), { write: c.write });
    assert.deepEqual(c.out, ['res 4\n', 'k\n-\n4\n']);
  });

  it('table() displays itself with its limit', async () => {
    const shown = table(aq.table({ a: [1, 2, 3] }), { limit: 1, title: 'T' });
    assert.equal(inspect(shown), 'T\na\n-\n1\n… 2 more rows');
    const c = capture();
    await show(shown, { write: c.write });
    assert.deepEqual(c.out, ['T\na\n-\n1\n… 2 more rows\n']);
  });
});
