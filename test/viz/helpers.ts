/**
 * Test helpers for charts: vega-lite's own JSON schema (compiled once per process: about 3 s), a compile check
 * that collects vega-lite's warnings, an SVG render, and a walk over the rendered scenegraph to count marks.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { compileSpec, loadVega, renderSvg, type VegaLiteSpec } from '../../src/viz/index.js';

let validator: ValidateFunction | undefined;

/** Validates against node_modules/vega-lite/build/vega-lite-schema.json (draft-07). */
export function validateVegaLite(spec: unknown): { valid: boolean; errors: string } {
  if (!validator) {
    const schema = createRequire(import.meta.url)('vega-lite/vega-lite-schema.json') as object;
    // strict: false for vega-lite's non-standard keywords; formats unchecked (ajv-formats is not a dependency).
    validator = new Ajv({ strict: false, allowUnionTypes: true, validateFormats: false, logger: false }).compile(schema);
  }
  const valid = validator(spec) as boolean;
  return { valid, errors: valid ? '' : JSON.stringify(validator.errors?.slice(0, 3)) };
}

/** One mark in the rendered scenegraph. */
export interface SceneMark {
  marktype: string;
  role: string;
  name: string;
  items: number;
}

/** Renders the spec headlessly and lists every mark (role 'mark' = data marks) with its item count. */
export async function sceneMarks(spec: VegaLiteSpec): Promise<SceneMark[]> {
  const { vega } = await loadVega();
  const { vega: vg } = await compileSpec(spec);
  const view = new vega.View(vega.parse(vg as never), { renderer: 'none' });
  try {
    await view.runAsync();
    const out: SceneMark[] = [];
    type Node = { marktype?: string; role?: string; name?: string; items?: Node[] };
    const walk = (mark: Node) => {
      out.push({ marktype: mark.marktype ?? '', role: mark.role ?? '', name: mark.name ?? '', items: mark.items?.length ?? 0 });
      if (mark.marktype === 'group') for (const g of mark.items ?? []) for (const m of g.items ?? []) walk(m);
    };
    walk((view.scenegraph() as unknown as { root: Node }).root);
    return out;
  } finally {
    view.finalize();
  }
}

/** Data marks of one type (e.g. every series line, every rect mark). */
export async function dataMarks(spec: VegaLiteSpec, marktype: string): Promise<SceneMark[]> {
  return (await sceneMarks(spec)).filter((m) => m.role === 'mark' && m.marktype === marktype);
}

/** The checks every builder must pass: schema-valid, compiles without warnings, renders an SVG with its title. */
export async function assertGoodChart(spec: VegaLiteSpec): Promise<string> {
  const v = validateVegaLite(spec);
  assert.ok(v.valid, `spec fails the vega-lite schema: ${v.errors}`);
  assert.equal(spec.$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
  const { warnings } = await compileSpec(spec);
  assert.deepEqual(warnings, []);
  const renderWarnings: string[] = [];
  const svg = await renderSvg(spec, { onWarning: (w) => renderWarnings.push(w) });
  assert.deepEqual(renderWarnings, []);
  assert.ok(svg.startsWith('<svg'), svg.slice(0, 40));
  const title = typeof spec.title === 'string' ? spec.title : spec.title.text;
  assert.ok(svg.includes(escapeXml(title)), `SVG lacks the title "${title}"`);
  return svg;
}

/** Rows of the spec's inline data. */
export function dataValues<T = Record<string, unknown>>(spec: VegaLiteSpec): T[] {
  return (spec.data as { values: T[] }).values;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
