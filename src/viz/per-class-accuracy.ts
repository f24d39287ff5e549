/**
 * Per-class accuracy of several models or conditions as grouped bars (e.g. original vs masked vs fine-tuned).
 */
import { fail } from '../engine/messages/index.js';
import { baseSpec, labelAngleFor, nominalRange, round } from './theme.js';
import type { SizeOptions, VegaLiteSpec } from './types.js';
import { assertFinite, assertNonEmptyArray } from './validate.js';

/** Input of {@link perClassAccuracy}: class names and one accuracy-per-class array (in [0, 1]) per series. */
export interface PerClassAccuracyInput {
  classNames: string[];
  series: { name: string; perClass: number[] }[];
}

/** Options of {@link perClassAccuracy}. Default height 200; width = 16 px per bar, at least 240. */
export type PerClassAccuracyOptions = SizeOptions;

/** One bar. */
export interface PerClassPoint {
  class: string;
  series: string;
  accuracyPct: number;
}

/**
 * Bars in class-major order; accuracy in percent. Checks every series has one value per class.
 *
 * @example
 * perClassPoints({ classNames: ['a', 'b'], series: [{ name: 's', perClass: [0.5, 1] }] }); // accuracyPct 50, 100
 */
export function perClassPoints(input: PerClassAccuracyInput): PerClassPoint[] {
  const { classNames, series } = input;
  return series.flatMap((s) => {
    if (!Array.isArray(s.perClass) || s.perClass.length !== classNames.length) {
      throw fail('VIZ_BAD_INPUT', { fn: 'perClassAccuracy', case: 'per-class', what: `series "${s.name}"`, got: Array.isArray(s.perClass) ? s.perClass.length : undefined, classes: classNames.length });
    }
    return s.perClass.map((v, c) => {
      assertFinite(v, 'perClassAccuracy', `series "${s.name}" class ${c}`);
      return { class: classNames[c]!, series: s.name, accuracyPct: round(100 * v, 3) };
    });
  });
}

/**
 * Grouped bars: x = class (in classNames order), one bar per series within each class, y = accuracy %.
 *
 * @example
 * perClassAccuracy({ classNames: data.classNames, series: [
 *   { name: 'original', perClass: base.perClass }, { name: 'sliced θ=0.95', perClass: masked.perClass } ] });
 */
export function perClassAccuracy(input: PerClassAccuracyInput, opts: PerClassAccuracyOptions = {}): VegaLiteSpec {
  assertNonEmptyArray(input?.classNames, 'perClassAccuracy', 'class names', '{ classNames, series }');
  assertNonEmptyArray(input.series, 'perClassAccuracy', 'series', 'at least one { name, perClass } series');
  const names = input.series.map((s) => s.name);
  if (new Set(names).size !== names.length) {
    throw fail('VIZ_BAD_INPUT', { fn: 'perClassAccuracy', case: 'repeat', item: 'series', names });
  }
  const points = perClassPoints(input);
  const width = opts.width ?? Math.max(240, 16 * input.classNames.length * names.length);
  return {
    ...baseSpec(opts.title ?? 'Accuracy per class', `Per-class accuracy of ${names.length} series over ${input.classNames.length} classes.`),
    data: { values: points },
    width,
    height: opts.height ?? 200,
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'class', type: 'nominal', title: 'class', sort: input.classNames, axis: { labelAngle: labelAngleFor(input.classNames, width / input.classNames.length) } },
      xOffset: { field: 'series', type: 'nominal', sort: names },
      y: { field: 'accuracyPct', type: 'quantitative', title: 'accuracy (%)', scale: { domain: [0, 100] } },
      color: { field: 'series', type: 'nominal', title: 'series', sort: names, scale: { domain: names, range: nominalRange(names.length) } },
      tooltip: [
        { field: 'class', type: 'nominal', title: 'class' },
        { field: 'series', type: 'nominal', title: 'series' },
        { field: 'accuracyPct', type: 'quantitative', title: 'accuracy %', format: '.2f' },
      ],
    },
  };
}
