/**
 * Restructuring (RQ2) charts: accuracy against CR along the pruning iterations (a line per method), iterations
 * needed per method (NI bars), and the accuracy each class lost per method (per-class damage).
 */
import { fail } from '../engine/messages/index.js';
import { baseSpec, COUNT_AXIS, labelAngleFor, nominalRange, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertNonEmptyArray } from './validate.js';

/** One method's restructuring run: its per-iteration rows and outcome (a RestructureResult, named). */
export interface RestructureRun {
  method: string;
  rows: ReadonlyArray<{ iteration: number; cr: number; accuracy: number }>;
  ni?: number;
  cr?: number;
  ma?: number;
  reached?: boolean;
}

/** Options of {@link restructureCurves}: the stop rule's accuracy bound and target CR, drawn as rules. */
export interface RestructureCurvesOptions extends SizeOptions {
  bound?: number;
  targetCR?: number;
}

function methodsOf(runs: readonly { method: string }[], fn: string): string[] {
  const names = runs.map((r) => r.method);
  if (new Set(names).size !== names.length) {
    throw fail('VIZ_BAD_INPUT', { fn, case: 'repeat', item: 'method', names });
  }
  return names;
}

/**
 * Accuracy % against CR % along the iterations, a line per method (iteration 0 = after the pre-step).
 *
 * @example
 * ss.show(restructureCurves([{ method: 'slice + lamp', rows: r.rows }], { bound: r.original.accuracy - 0.01, targetCR: 0.9 }));
 */
export function restructureCurves(runs: readonly RestructureRun[], opts: RestructureCurvesOptions = {}): VegaLiteSpec {
  assertNonEmptyArray(runs, 'restructureCurves', 'runs', '[{ method, rows }]', 'restructure() results');
  const methods = methodsOf(runs, 'restructureCurves');
  const values = runs.flatMap((r) => {
    assertNonEmptyArray(r.rows, 'restructureCurves', `rows of "${r.method}"`, 'the rows', 'a restructure() result');
    return r.rows.map((x, i) => {
      assertFinite(x.cr, 'restructureCurves', `${r.method}.rows[${i}].cr`);
      assertFinite(x.accuracy, 'restructureCurves', `${r.method}.rows[${i}].accuracy`);
      return { method: r.method, iteration: x.iteration, crPct: round(100 * x.cr, 3), accuracyPct: round(100 * x.accuracy, 3) };
    });
  });
  const line = {
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'crPct', type: 'quantitative', title: 'compression rate (% of the original parameters removed)', scale: { zero: false } },
      y: { field: 'accuracyPct', type: 'quantitative', title: 'accuracy %', scale: { zero: false } },
      color: { field: 'method', type: 'nominal', title: 'method', sort: methods, scale: { domain: methods, range: nominalRange(methods.length) } },
      order: { field: 'iteration', type: 'quantitative' },
      tooltip: [
        { field: 'method', type: 'nominal' }, { field: 'iteration', type: 'quantitative' },
        { field: 'crPct', type: 'quantitative', title: 'CR %', format: '.1f' }, { field: 'accuracyPct', type: 'quantitative', title: 'accuracy %', format: '.2f' },
      ],
    },
  };
  const layers: unknown[] = [line];
  if (opts.bound !== undefined) {
    assertFinite(opts.bound, 'restructureCurves', 'bound');
    layers.push({ data: { values: [{ y: round(100 * opts.bound, 3), label: 'accuracy bound' }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#666' },
      encoding: { y: { field: 'y', type: 'quantitative' }, tooltip: [{ field: 'label', type: 'nominal', title: 'rule' }, { field: 'y', type: 'quantitative', title: 'accuracy %', format: '.2f' }] } });
  }
  if (opts.targetCR !== undefined) {
    assertFinite(opts.targetCR, 'restructureCurves', 'targetCR');
    layers.push({ data: { values: [{ x: round(100 * opts.targetCR, 3), label: 'target CR' }] }, mark: { type: 'rule', strokeDash: [2, 2], color: '#666' },
      encoding: { x: { field: 'x', type: 'quantitative' }, tooltip: [{ field: 'label', type: 'nominal', title: 'rule' }, { field: 'x', type: 'quantitative', title: 'CR %', format: '.1f' }] } });
  }
  const sub = [opts.bound !== undefined ? `dashed: accuracy bound ${round(100 * opts.bound, 2)}%` : '', opts.targetCR !== undefined ? `target CR ${round(100 * opts.targetCR, 1)}%` : ''].filter(Boolean).join(', ');
  return {
    ...baseSpec(opts.title ?? 'Restructuring: accuracy against compression, per iteration', `Accuracy % against compression rate % along the pruning iterations for ${methods.join(', ')}.`, sub || undefined),
    width: opts.width ?? 420,
    height: opts.height ?? 260,
    data: { values },
    layer: layers,
  } as VegaLiteSpec;
}

/**
 * Pruning iterations (NI) per method, one bar each; the tooltip gives CR, MA and whether the target was reached.
 *
 * @example
 * ss.show(niBars(results.map(([method, r]) => ({ method, rows: r.rows, ni: r.ni, cr: r.cr, ma: r.ma, reached: r.reached }))));
 */
export function niBars(runs: readonly RestructureRun[], opts: SizeOptions = {}): VegaLiteSpec {
  assertNonEmptyArray(runs, 'niBars', 'runs', '[{ method, ni, cr, ma, reached }]', 'restructure() results');
  const methods = methodsOf(runs, 'niBars');
  const values = runs.map((r) => {
    for (const k of ['ni', 'cr', 'ma'] as const) assertFinite(r[k], 'niBars', `${r.method}.${k}`);
    return { method: r.method, ni: r.ni!, crPct: round(100 * r.cr!, 2), maPct: round(100 * r.ma!, 2), outcome: r.reached ? 'target reached' : 'stopped before the target' };
  });
  const width = opts.width ?? Math.max(240, 40 * methods.length);
  const band = Math.max(24, Math.floor(width / methods.length));
  return {
    ...baseSpec(opts.title ?? 'Restructuring: pruning iterations per method', `Pruning iterations (NI) for ${methods.join(', ')}, with CR and MA in the tooltip.`, 'fewer is better at equal CR and accuracy'),
    width,
    height: opts.height ?? 220,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'method', type: 'nominal', title: 'method', sort: methods, axis: { labelAngle: labelAngleFor(methods, band) } },
      y: { field: 'ni', type: 'quantitative', title: 'pruning iterations (NI)', axis: COUNT_AXIS },
      color: { field: 'outcome', type: 'nominal', title: 'outcome', scale: { domain: ['target reached', 'stopped before the target'], range: ['#0072B2', '#E69F00'] } },
      tooltip: [
        { field: 'method', type: 'nominal' }, { field: 'ni', type: 'quantitative', title: 'NI' },
        { field: 'crPct', type: 'quantitative', title: 'CR %', format: '.1f' }, { field: 'maPct', type: 'quantitative', title: 'MA %', format: '.2f' },
        { field: 'outcome', type: 'nominal' },
      ],
    },
  } as VegaLiteSpec;
}

/** Input of {@link classDamage}: class names, the original per-class accuracy, and each method's after it. */
export interface ClassDamageInput {
  classNames: string[];
  before: number[];
  methods: Array<{ method: string; perClass: number[] }>;
}

/**
 * Accuracy each class lost (points, original minus result; negative = gained), grouped bars per class and method.
 *
 * @example
 * ss.show(classDamage({ classNames: data.classNames, before: r.original.perClass, methods: [{ method: 'slice + lamp', perClass: r.final.perClass }] }));
 */
export function classDamage(input: ClassDamageInput, opts: SizeOptions = {}): VegaLiteSpec {
  assertNonEmptyArray(input?.classNames, 'classDamage', 'class names', '{ classNames, before, methods }');
  assertNonEmptyArray(input.methods, 'classDamage', 'methods', 'at least one { method, perClass }');
  const methods = methodsOf(input.methods, 'classDamage');
  const n = input.classNames.length;
  const check = (a: number[], what: string) => {
    if (!Array.isArray(a) || a.length !== n) {
      throw fail('VIZ_BAD_INPUT', { fn: 'classDamage', case: 'per-class', what, got: Array.isArray(a) ? a.length : undefined, classes: n });
    }
  };
  check(input.before, 'before');
  const values = input.methods.flatMap((m) => {
    check(m.perClass, `method "${m.method}"`);
    return m.perClass.flatMap((a, k) => {
      const b = input.before[k]!;
      if (Number.isNaN(a) || Number.isNaN(b)) return [];
      assertFinite(a, 'classDamage', `${m.method} class ${k}`);
      return [{ class: input.classNames[k]!, method: m.method, dropPts: round(100 * (b - a), 2), beforePct: round(100 * b, 2), afterPct: round(100 * a, 2) }];
    });
  });
  const width = opts.width ?? Math.max(260, 14 * n * methods.length);
  return {
    ...baseSpec(opts.title ?? 'Restructuring: accuracy lost per class', `Accuracy points lost per class (original minus restructured) for ${methods.join(', ')}.`, 'below zero: the class gained'),
    width,
    height: opts.height ?? 220,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'class', type: 'nominal', title: 'class', sort: input.classNames, axis: { labelAngle: labelAngleFor(input.classNames, width / n) } },
      xOffset: { field: 'method', type: 'nominal', sort: methods },
      y: { field: 'dropPts', type: 'quantitative', title: 'accuracy lost (points)' },
      color: { field: 'method', type: 'nominal', title: 'method', sort: methods, scale: { domain: methods, range: nominalRange(methods.length) } },
      tooltip: [
        { field: 'class', type: 'nominal' }, { field: 'method', type: 'nominal' },
        { field: 'beforePct', type: 'quantitative', title: 'before %', format: '.2f' }, { field: 'afterPct', type: 'quantitative', title: 'after %', format: '.2f' },
        { field: 'dropPts', type: 'quantitative', title: 'lost (points)', format: '.2f' },
      ],
    },
  } as VegaLiteSpec;
}
