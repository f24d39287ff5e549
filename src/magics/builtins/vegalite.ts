/** `%%vegalite`: the cell body is a Vega-Lite spec (JSON); shows it as a chart bundle and returns the spec. */

import { fail } from '../../engine/messages/index.js';
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
      throw fail('MAGIC_BODY', { magic: '%%vegalite', case: 'not-json', error: (e as Error).message });
    }
    if (!isChartSpec(spec)) {
      throw fail('MAGIC_BODY', { magic: '%%vegalite', case: 'not-spec' });
    }
    await show(spec);
    return spec;
  },
};
