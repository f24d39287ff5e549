import assert from 'node:assert/strict';
import { SemsliceError } from '../../src/engine/errors.js';
import { Registry, type RegistryOptions } from '../../src/engine/registry.js';

interface Shape { name: string; sides: number }

const shapes = (opts: Partial<RegistryOptions<Shape>> = {}): Registry<Shape> =>
  new Registry<Shape>({ kind: 'shape', codePrefix: 'STUDY', ...opts });

const isError = (code: string, message?: RegExp, hint?: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof SemsliceError, `not a SemsliceError: ${String(e)}`);
  assert.equal(e.code, code);
  if (message) assert.match(e.message, message);
  if (hint) assert.match(e.hint ?? '', hint);
  return true;
};

describe('engine/registry', () => {
  it('registers and gets entries', () => {
    const r = shapes();
    const tri = { name: 'triangle', sides: 3 };
    r.register(tri);
    assert.equal(r.get('triangle'), tri);
    assert.ok(r.has('triangle'));
    assert.ok(!r.has('square'));
    assert.equal(r.kind, 'shape');
  });

  it('refuses a duplicate name with DUPLICATE_<PREFIX>', () => {
    const r = shapes();
    r.register({ name: 'triangle', sides: 3 });
    assert.throws(() => r.register({ name: 'triangle', sides: 4 }),
      isError('DUPLICATE_STUDY', /^A shape named "triangle" is already registered\.$/, /override: true/));
    assert.equal(r.get('triangle').sides, 3);
  });

  it('override replaces an entry and keeps its place', () => {
    const r = shapes();
    r.register({ name: 'triangle', sides: 3 });
    r.register({ name: 'square', sides: 4 });
    r.register({ name: 'triangle', sides: 30 }, { override: true });
    assert.equal(r.get('triangle').sides, 30);
    assert.deepEqual(r.names(), ['triangle', 'square']);
    r.register({ name: 'pentagon', sides: 5 }, { override: true }); // override of a new name just registers it
    assert.ok(r.has('pentagon'));
  });

  it('unknown names throw UNKNOWN_<PREFIX> with a did-you-mean and the choices', () => {
    const r = shapes();
    r.register({ name: 'triangle', sides: 3 });
    r.register({ name: 'square', sides: 4 });
    assert.throws(() => r.get('triangel'),
      isError('UNKNOWN_STUDY', /^Unknown shape "triangel"\. Did you mean "triangle"\?$/, /^Available: triangle, square\.$/));
    assert.throws(() => r.get('hexagon'), isError('UNKNOWN_STUDY', /^Unknown shape "hexagon"\.$/));
  });

  it('lists entries and names in registration order', () => {
    const r = shapes();
    for (const [name, sides] of [['square', 4], ['triangle', 3], ['hexagon', 6]] as const) r.register({ name, sides });
    assert.deepEqual(r.names(), ['square', 'triangle', 'hexagon']);
    assert.deepEqual(r.list().map((e) => e.sides), [4, 3, 6]);
    r.names().push('mutated');
    assert.equal(r.names().length, 3, 'names() is a copy');
  });

  it('unregister removes an entry and returns whether it was there', () => {
    const r = shapes();
    r.register({ name: 'triangle', sides: 3 });
    assert.equal(r.unregister('triangle'), true);
    assert.equal(r.unregister('triangle'), false);
    assert.ok(!r.has('triangle'));
    assert.throws(() => r.get('triangle'), isError('UNKNOWN_STUDY'));
    r.register({ name: 'triangle', sides: 3 }); // the name is free again
  });

  it('checks namePattern first, then validate, then duplicates', () => {
    const calls: string[] = [];
    const r = shapes({
      namePattern: /^[a-z][a-z0-9-]*$/,
      validate: (e) => {
        calls.push(e.name);
        if (!(e.sides >= 3)) throw new RangeError(`Shape "${e.name}" needs at least 3 sides.`);
      },
    });
    assert.throws(() => r.register({ name: 'Bad Name', sides: 3 }), isError('BAD_STUDY_NAME', /^Invalid shape name "Bad Name"\.$/));
    assert.throws(() => r.register({ name: undefined as unknown as string, sides: 3 }), isError('BAD_STUDY_NAME'));
    assert.throws(() => r.register(undefined as unknown as Shape), isError('BAD_STUDY_NAME'));
    assert.deepEqual(calls, [], 'validate runs only on a valid name');
    assert.throws(() => r.register({ name: 'line', sides: 2 }), /at least 3 sides/);
    r.register({ name: 'triangle', sides: 3 });
    assert.throws(() => r.register({ name: 'triangle', sides: 2 }), /at least 3 sides/, 'validate runs before the duplicate check');
    assert.deepEqual(r.names(), ['triangle']);
  });

  it('custom codes, noun and sorted choices', () => {
    const r = shapes({
      what: 'polygon',
      sortChoices: true,
      namePattern: /^[a-z]+$/,
      codes: { unknown: 'VIZ_UNKNOWN_CHART', duplicate: 'VIZ_DUPLICATE_CHART', badName: 'VIZ_BAD_CHART_NAME' },
    });
    r.register({ name: 'triangle', sides: 3 });
    r.register({ name: 'square', sides: 4 });
    assert.throws(() => r.get('squar'), isError('VIZ_UNKNOWN_CHART', /^Unknown polygon "squar"\. Did you mean "square"\?$/, /^Available: square, triangle\.$/));
    assert.throws(() => r.register({ name: 'square', sides: 4 }), isError('VIZ_DUPLICATE_CHART', /^A shape named "square" is already registered\.$/, /override: true/));
    assert.throws(() => r.register({ name: 'sq-2', sides: 4 }), isError('VIZ_BAD_CHART_NAME', /^Invalid shape name "sq-2"\.$/, /matches \/\^\[a-z\]\+\$\//));
    assert.deepEqual(r.names(), ['triangle', 'square'], 'sortChoices only sorts the error\'s choices');
  });

  it('registries are independent', () => {
    const a = shapes();
    const b = shapes();
    a.register({ name: 'triangle', sides: 3 });
    assert.ok(!b.has('triangle'));
  });
});
