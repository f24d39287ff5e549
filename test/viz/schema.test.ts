import assert from 'node:assert/strict';
import { VEGA_LITE_SCHEMA } from '../../src/viz/index.js';
import { validateVegaLite } from './helpers.js';

describe('viz/schema check (the validator the chart tests rely on)', () => {
  const good = { $schema: VEGA_LITE_SCHEMA, data: { values: [{ a: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'quantitative' } } };

  it('accepts a minimal valid spec', () => {
    assert.equal(validateVegaLite(good).valid, true);
  });

  it('rejects broken specs, so the chart tests can fail', () => {
    assert.equal(validateVegaLite({ ...good, mark: 'barr' }).valid, false);
    assert.equal(validateVegaLite({ ...good, encoding: { x: { field: 'a', type: 'quantitive' } } }).valid, false);
    assert.equal(validateVegaLite({ ...good, encoding: { x: { field: 'a', type: 'quantitative', axis: { labelAngel: 3 } } } }).valid, false);
  });
});
