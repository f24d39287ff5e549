import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { fail } from '../../src/engine/messages/index.js';
import { formatError, friendly, installFriendlyErrors } from '../../src/notebook/friendly.js';

describe('notebook/friendly', () => {
  it('turns a SemsliceError into message + hint and returns undefined', async () => {
    const out: string[] = [];
    const r = await friendly(() => { throw fail('UNKNOWN_MODEL', { what: 'model', name: 'lenet', choices: ['lenet5', 'mlp'] }); }, (s) => out.push(s));
    assert.equal(r, undefined);
    assert.deepEqual(out, ['error: Unknown model "lenet".\n  hint: Available: lenet5, mlp.\n']);
  });

  it('passes results through and rethrows other errors', async () => {
    assert.equal(await friendly(async () => 5), 5);
    await assert.rejects(friendly(() => { throw new TypeError('bug'); }), TypeError);
  });

  it('does not patch errors outside a kernel unless forced', () => {
    assert.equal(installFriendlyErrors(), false);
    const e = fail('UNKNOWN_MODEL', { what: 'model', name: 'x', choices: ['mlp'] });
    assert.match(inspect(e), /at /, 'a real stack outside the kernel');
    assert.equal(formatError(e), 'error: Unknown model "x".\n  hint: Available: mlp.');
  });
});
