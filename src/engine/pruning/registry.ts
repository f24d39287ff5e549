/**
 * The pruner registry: every magnitude pruner is a layer-wise sparsity scheme, `counts(layers, amount)` -> how many
 * more entries of each kernel to prune. Built-ins: lamp, global, uniform-plus, erk (pruners.ts).
 *
 * @example
 * registerPruner({ name: 'half-last', description: 'prune only the last layer',
 *   counts: (layers, amount) => layers.map((l, i) => (i === layers.length - 1 ? Math.round(amount * l.values.length) : 0)) });
 */
import { Registry, type RegisterOptions } from '../registry.js';
import { fail } from '../messages/index.js';
import { erkCounts, globalCounts, lampCounts, uniformPlusCounts, type PrunableLayer } from './pruners.js';

/** A pruner: how many more entries to prune per kernel so that `amount` (0..1) of the surviving weights go. */
export interface PrunerDef {
  name: string;
  description: string;
  counts(layers: readonly PrunableLayer[], amount: number): number[];
}

const registry = new Registry<PrunerDef>({
  kind: 'pruner',
  codePrefix: 'PRUNER',
  namePattern: /^[a-z][a-z0-9-]*$/,
  validate: (e) => {
    if (typeof e.counts !== 'function') {
      throw fail('BAD_PRUNER', { pruner: e.name });
    }
  },
});

registry.register({ name: 'lamp', description: 'LAMP scores (w^2 over the sum of larger w^2 in the layer), one model-wide cut', counts: lampCounts });
registry.register({ name: 'global', description: 'one global magnitude threshold over all kernels', counts: globalCounts });
registry.register({ name: 'uniform-plus', description: 'the same fraction per layer; first conv unpruned; last layer keeps >= 20%', counts: uniformPlusCounts });
registry.register({ name: 'erk', description: 'Erdos-Renyi-Kernel: survivors proportional to the sum of kernel dimensions', counts: erkCounts });

/** Add a pruner (names unique unless { override: true }). */
export function registerPruner(def: PrunerDef, opts?: RegisterOptions): void { registry.register(def, opts); }
/** A pruner by name (UNKNOWN_PRUNER with a did-you-mean otherwise). */
export function getPruner(name: string): PrunerDef { return registry.get(name); }
/** Registered pruner names, built-ins first. */
export function listPruners(): string[] { return registry.names(); }
