/**
 * Collect the Vega-Lite/Vega outputs that become interactive charts. Each gets an id from its cell and output index.
 * For untrusted notebooks the spec is neutralised (no url, href, embedOptions); a spec that loaded data from a URL
 * is refused (its static SVG, if any, is shown with a notice), because without its data it would draw nothing.
 */
import { outputKey } from '../context.js';
import { jsonValue, vegaMode } from '../mime-types.js';
import { neutraliseVegaSpec } from '../vega-spec.js';
import type { DataOutput } from '../types.js';
import type { Preprocessor } from './registry.js';

export const collectCharts: Preprocessor = {
  name: 'charts',
  description: 'collect Vega-Lite/Vega outputs as interactive charts; neutralise untrusted specs',
  run(ctx) {
    for (const c of ctx.cells) {
      c.cell.outputs.forEach((o, oi) => {
        if (o.output_type !== 'display_data' && o.output_type !== 'execute_result') return;
        const data = (o as DataOutput).data;
        const mime = Object.keys(data).find((m) => vegaMode(m) !== undefined);
        if (!mime) return;
        const key = outputKey(c.index, oi);
        const spec = jsonValue(data[mime]);
        if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
          ctx.charts.set(key, { reason: `the ${mime} value is not a JSON object` });
          ctx.warnings.push(`cell ${c.index}: ${mime} output is not a JSON object; not rendered as a chart`);
          return;
        }
        if (ctx.opts.trusted) {
          ctx.charts.set(key, { id: `chart-${c.index}-${oi}`, mode: vegaMode(mime)!, spec, cellIndex: c.index });
          return;
        }
        const n = neutraliseVegaSpec(spec);
        if (n.urls.length > 0) {
          ctx.charts.set(key, { reason: `its spec loads data from ${n.urls.join(', ')} and the notebook is untrusted` });
          ctx.warnings.push(`cell ${c.index}: chart refused, its spec loads ${n.urls.join(', ')} (untrusted notebook; use trusted to allow)`);
          return;
        }
        if (n.hrefs > 0 || n.embedOptions) {
          ctx.warnings.push(`cell ${c.index}: removed ${n.hrefs} link(s)${n.embedOptions ? ' and usermeta.embedOptions' : ''} from an untrusted chart spec`);
        }
        ctx.charts.set(key, { id: `chart-${c.index}-${oi}`, mode: vegaMode(mime)!, spec: n.spec, cellIndex: c.index });
      });
    }
  },
};
