/**
 * Colours and shared spec fragments. Palettes are given explicitly as scale ranges (never a named scheme that
 * differs between vega versions), and all are readable by colour-blind viewers.
 */
import type { NeuronCategory, SliceMethod } from '../engine/slicing/types.js';
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from './types.js';

/** Okabe-Ito palette (Okabe & Ito 2008), distinguishable under the common colour-vision deficiencies. Black last. */
export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#000000'] as const;

/** Category colours: exclusive = blue, shared = orange, common = bluish green, idle = grey. */
export const CATEGORY_COLORS: Record<NeuronCategory, string> = {
  exclusive: '#0072B2',
  shared: '#E69F00',
  common: '#009E73',
  idle: '#999999',
};

/** Method colours and display names for the RQ1 comparison. Semantic slicing gets the strongest colour. */
export const METHOD_STYLE: Record<SliceMethod | 'low-activation', { label: string; color: string }> = {
  semantic: { label: 'semantic (θ)', color: '#D55E00' },
  'category-topk': { label: 'category-wise top-k%', color: '#0072B2' },
  'global-topk': { label: 'global top-k%', color: '#009E73' },
  'low-activation': { label: 'most active, same count (θ)', color: '#CC79A7' },
};

/** Palette for `n` nominal values: Okabe-Ito, cycled when there are more than eight. */
export function nominalRange(n: number): string[] {
  return Array.from({ length: n }, (_, i) => OKABE_ITO[i % OKABE_ITO.length]!);
}

/** Shared config: plain background and a readable font size; kept small so VL5 and VL6 render alike. */
export const BASE_CONFIG = {
  background: 'white',
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 240 },
  title: { fontSize: 14, anchor: 'start' },
} as const;

/** Starts a spec with the fields every builder sets. */
export function baseSpec(title: string, description: string, subtitle?: string): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: subtitle ? { text: title, subtitle } : title,
    description,
    config: BASE_CONFIG,
  };
}

/** Rounds for display data (keeps specs small and byte-stable). */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Tilts x labels by -45 degrees when the longest would not fit its band (about 6.5 px per character at 11 px). */
export function labelAngleFor(labels: readonly string[], bandPx: number): number {
  const longest = labels.reduce((m, l) => Math.max(m, l.length), 0);
  return longest * 6.5 > bandPx ? -45 : 0;
}

/**
 * Axis for counts: integer ticks. vega 5 (JupyterLab) ignores tickMinStep on independent facet scales and would
 * print "0 1 1 2 2" with format 'd', so non-integer ticks get an empty label instead.
 */
export const COUNT_AXIS = { tickMinStep: 1, labelExpr: "datum.value % 1 === 0 ? format(datum.value, 'd') : ''" } as const;
