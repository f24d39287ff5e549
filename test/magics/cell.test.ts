import assert from 'node:assert/strict';
import { parseMagicCell, rewriteMagicCell } from '../../src/magics/cell.js';

describe('magics/cell rewriting', () => {
  it('parses cell and line magics; normal code is left alone', () => {
    assert.deepEqual(parseMagicCell('\n%%vegalite as=v\n{"mark": "bar"}\n'), { name: 'vegalite', args: 'as=v', body: '{"mark": "bar"}\n', rest: '', cell: true });
    assert.deepEqual(parseMagicCell('%lsmagic\nconst x = 1;'), { name: 'lsmagic', args: '', body: '', rest: 'const x = 1;', cell: false });
    assert.equal(parseMagicCell('const a = 5 % 2;'), undefined);
    assert.equal(parseMagicCell('// %%slice'), undefined);
    assert.equal(rewriteMagicCell('x + 1'), undefined);
  });

  it('rewrites into a dispatcher call that dodges the tslab pitfalls', () => {
    const code = rewriteMagicCell('%%slice model=m theta=0.9\n');
    assert.equal(code, 'await Promise.resolve((globalThis as any).__nbmagic__("slice", "model=m theta=0.9", "", true)).then(() => undefined);');
    assert.doesNotMatch(code!, /await \(/, 'no `await (` (not seen as top-level await by tslab)');
    assert.doesNotMatch(code!.replace('(globalThis as any).__nbmagic__', ''), /\b__/, 'no declared identifier starting with __');
  });

  it('binds as=NAME with a const typed any, and escapes the body as a string literal', () => {
    const code = rewriteMagicCell('%%vegalite as=spec\n{"title": "a \\"q\\" `b` ${x}"}')!;
    assert.match(code, /^const spec: any = await Promise\.resolve\(/);
    const body = /, ("(?:[^"\\]|\\.)*"), true\)\);$/.exec(code)![1]!;
    assert.equal(JSON.parse(body), '{"title": "a \\"q\\" `b` ${x}"}');
    assert.match(rewriteMagicCell('%%slice as=__x')!, /^await /, 'a __ name is not declared (tslab pitfall); the dispatcher still binds the global');
    assert.match(rewriteMagicCell('%lsmagic\nconst y = 2;\ny')!, /\.then\(\(\) => undefined\);\nconst y = 2;\ny$/);
  });
});
