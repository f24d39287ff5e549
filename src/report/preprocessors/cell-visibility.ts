/**
 * Decide per cell what is shown: code inputs shown, folded or hidden (report option, then cell tags as in nbconvert:
 * remove-cell, remove-input, remove-output, hide-input; and JupyterLab's metadata.jupyter.source_hidden).
 */
import type { Preprocessor } from './registry.js';

function tags(meta: Record<string, unknown>): string[] {
  return Array.isArray(meta.tags) ? meta.tags.filter((t): t is string => typeof t === 'string') : [];
}

export const cellVisibility: Preprocessor = {
  name: 'cell-visibility',
  description: 'hide or fold code inputs (options and cell tags), drop remove-cell cells',
  run(ctx) {
    ctx.cells = ctx.cells.filter((c) => !tags(c.cell.metadata).includes('remove-cell'));
    for (const c of ctx.cells) {
      const t = tags(c.cell.metadata);
      const jupyter = c.cell.metadata.jupyter as { source_hidden?: unknown; outputs_hidden?: unknown } | undefined;
      if (t.includes('remove-input')) c.input = 'hide';
      else if (c.input === 'show' && (t.includes('hide-input') || jupyter?.source_hidden === true)) c.input = 'fold';
      if (t.includes('remove-output')) c.showOutputs = false;
    }
  },
};
