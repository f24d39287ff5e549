/**
 * Give the ids inside each SVG output a per-output prefix. vega's SVG renderer numbers ids per view (gradient_0,
 * clip1, ...), so two inlined SVGs would share ids and the second would draw with the first one's gradient or clip.
 * The prefix comes from the cell and output index, so the result stays deterministic.
 */
import { joinText } from '../reader.js';
import type { DataOutput } from '../types.js';
import type { Preprocessor } from './registry.js';

/** Prefix every id="..." and its same-document references url(#...), href="#...", xlink:href="#...". */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/(\sid=)(["'])([^"']+)\2/g, (_, a: string, q: string, id: string) => `${a}${q}${prefix}${id}${q}`)
    .replace(/url\(\s*(['"]?)#([^)'"]+)\1\s*\)/g, (_, q: string, id: string) => `url(${q}#${prefix}${id}${q})`)
    .replace(/(\s(?:xlink:)?href=)(["'])#([^"']+)\2/g, (_, a: string, q: string, id: string) => `${a}${q}#${prefix}${id}${q}`);
}

export const svgIds: Preprocessor = {
  name: 'svg-ids',
  description: 'prefix ids inside SVG outputs per output so inlined SVGs do not collide',
  run(ctx) {
    for (const c of ctx.cells) {
      c.cell.outputs.forEach((o, oi) => {
        if (o.output_type !== 'display_data' && o.output_type !== 'execute_result') return;
        const data = (o as DataOutput).data;
        if (data['image/svg+xml'] !== undefined) data['image/svg+xml'] = prefixSvgIds(joinText(data['image/svg+xml']), `o${c.index}-${oi}-`);
      });
    }
  },
};
