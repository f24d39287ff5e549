import assert from 'node:assert/strict';
import { parseArgs, validateArgs, type ArgsSchema } from '../../src/magics/args.js';

const schema: ArgsSchema = {
  model: { type: 'ref', required: true, description: 'model folder or variable' },
  theta: { type: 'number', default: 0.95, description: 'threshold' },
  limit: { type: 'integer', description: 'samples' },
  metric: { type: 'string', choices: ['avg', 'taylor'], default: 'taylor', description: 'metric' },
  fast: { type: 'boolean', description: 'fast mode' },
  classes: { type: 'list', description: 'class labels' },
  as: { type: 'identifier', description: 'variable' },
};

describe('magics/args', () => {
  it('parses quotes, numbers, booleans and lists', () => {
    assert.deepEqual(parseArgs(`model=models/lenet5 theta=0.9 fast=true label="two words" q='x=y' classes=1,2,3 names=a,b neg=-1e-3 empty=""`), {
      model: 'models/lenet5', theta: 0.9, fast: true, label: 'two words', q: 'x=y', classes: [1, 2, 3], names: ['a', 'b'], neg: -0.001, empty: '',
    });
    assert.deepEqual(parseArgs(`n="3" esc="a \\"b\\""`), { n: '3', esc: 'a "b"' }, 'quoted values stay strings');
    assert.deepEqual(parseArgs('   '), {});
  });

  it('rejects malformed arguments, naming the magic and the allowed ones', () => {
    assert.throws(() => parseArgs('theta 0.9', '%%slice', schema), (e: Error & { hint?: string }) =>
      e.message === '%%slice: malformed argument "theta" (expected key=value)' && /Allowed: model, theta/.test(e.hint!));
    assert.throws(() => parseArgs('label="open', '%%slice'), /%%slice: unclosed quote/);
    assert.throws(() => parseArgs('a=1 a=2', '%%slice'), /argument "a" given twice/);
  });

  it('validates names, types and choices, and fills defaults', () => {
    assert.deepEqual(validateArgs('%%slice', parseArgs('model=m limit=5 classes=3 as=s'), schema), { model: 'm', limit: 5, classes: [3], as: 's', theta: 0.95, metric: 'taylor' });
    assert.throws(() => validateArgs('%%slice', { model: 'm', thta: 1 }, schema), (e: Error & { hint?: string }) =>
      e.message === '%%slice: unknown argument "thta". Did you mean "theta"?' && e.hint === 'Allowed arguments of %%slice: model, theta, limit, metric, fast, classes, as.');
    assert.throws(() => validateArgs('%%slice', { model: 'm', theta: 'high' }, schema), /theta expects a number, got "high"/);
    assert.throws(() => validateArgs('%%slice', { model: 'm', limit: 2.5 }, schema), /limit expects an integer/);
    assert.throws(() => validateArgs('%%slice', { model: 'm', metric: 'tylor' }, schema), /metric expects one of avg, taylor, got "tylor"/);
    assert.throws(() => validateArgs('%%slice', { model: 'm', as: '1x' }, schema), /as expects an identifier/);
    assert.throws(() => validateArgs('%%slice', { theta: 1 }, schema), /missing required argument "model"/);
    assert.throws(() => validateArgs('%x', { a: 1 }, {}), (e: Error & { hint?: string }) => e.hint === '%x takes no arguments.');
  });
});
