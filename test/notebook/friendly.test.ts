import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { SemsliceError } from '../../src/engine/errors.js';
import type { ErrorCode } from '../../src/engine/errors.js';
import { formatError, friendly, installFriendlyErrors } from '../../src/notebook/friendly.js';

describe('notebook/friendly', () => {
  it('turns a SemsliceError into message + hint and returns undefined', async () => {
    const out: string[] = [];
    const r = await friendly(() => { throw new SemsliceError('X' as ErrorCode, 'No model at models/x.', 'Train one first.'); }, (s) => out.push(s));
    assert.equal(r, undefined);
    assert.deepEqual(out, ['error: No model at models/x.\n  hint: Train one first.\n']);
  });

  it('passes results through and rethrows other errors', async () => {
    assert.equal(await friendly(async () => 5), 5);
    await assert.rejects(friendly(() => { throw new TypeError('bug'); }), TypeError);
  });

  it('does not patch errors outside a kernel unless forced', () => {
    assert.equal(installFriendlyErrors(), false);
    const e = new SemsliceError('X' as ErrorCode, 'msg', 'fix');
    assert.match(inspect(e), /at /, 'a real stack outside the kernel');
    assert.equal(formatError(e), 'error: msg\n  hint: fix');
  });
});
