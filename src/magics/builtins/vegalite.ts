/** `%%vegalite`: the cell body is a Vega-Lite spec (JSON); shows it as a chart bundle and returns the spec. */
import { SemsliceError } from '../../engine/errors.js';
import { show } from '../../notebook/show.js';
import { isChartSpec } from '../../notebook/parts.js';
import type { MagicSpec } from '../registry.js';

export const vegaliteMagic: MagicSpec = {
  name: 'vegalite',
  kind: 'cell',
  description: 'Display the cell body, a Vega-Lite spec in JSON, as a chart.',
  args: { as: { type: 'identifier', description: 'bind the parsed spec to this global variable' } },
  async run({ body }) {
    let spec: unknown;
    try {
      spec = JSON.parse(body);
    } catch (e) {
      throw new SemsliceError('MAGIC_BODY', `%%vegalite: the cell body is not valid JSON (${(e as Error).message}).`, 'Write the spec as JSON below the %%vegalite line (double-quoted keys, no trailing commas).');
    }
    if (!isChartSpec(spec)) {
      throw new SemsliceError('MAGIC_BODY', '%%vegalite: the JSON is not a Vega-Lite spec (no mark, layer or concat, or a non-vega-lite $schema).', 'Give at least {"mark": ..., "data": ..., "encoding": ...}.');
    }
    await show(spec);
    return spec;
  },
};
