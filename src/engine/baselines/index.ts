/**
 * Baselines the maintenance strategies compare against, as plain functions (DeepArc, EWC, replay). Nothing here
 * registers itself: each strategy's method list (engine/maintenance/STRATEGY/methods.ts) names and wires them.
 */
export * from './deeparc/index.js';
export * from './incremental/index.js';
