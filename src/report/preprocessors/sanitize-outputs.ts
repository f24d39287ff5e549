/**
 * Sanitise the HTML and SVG outputs of an untrusted notebook in place (the context holds a copy). Markdown is
 * sanitised where it is rendered; Vega specs by the charts preprocessor.
 */
import { joinText } from '../reader.js';
import { sanitizeUntrusted } from '../sanitize.js';
import type { DataOutput } from '../types.js';
import type { Preprocessor } from './registry.js';

const MARKUP_MIMES = ['text/html', 'image/svg+xml'];

export const sanitizeOutputs: Preprocessor = {
  name: 'sanitize',
  description: 'sanitise text/html and image/svg+xml outputs of untrusted notebooks',
  run(ctx) {
    if (ctx.opts.trusted) return;
    for (const c of ctx.cells) {
      for (const o of c.cell.outputs) {
        if (o.output_type !== 'display_data' && o.output_type !== 'execute_result') continue;
        const data = (o as DataOutput).data;
        for (const mime of MARKUP_MIMES) {
          if (data[mime] !== undefined) data[mime] = sanitizeUntrusted(joinText(data[mime]));
        }
      }
    }
  },
};
