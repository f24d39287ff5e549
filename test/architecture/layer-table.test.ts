/**
 * One layer table: nothing outside src/engine/graph looks at layer class names. Code elsewhere asks the table
 * (layerSpec(layer).kind) and switches over semslice's own kinds ('dense', 'max-pool', ...).
 */
import { strict as assert } from 'node:assert';
import { KNOWN_LAYER_CLASSES } from '../../src/engine/graph/layer-kinds.js';
import { codeOf, SRC, tsFiles } from './source-files.js';

/** Places in code (comments stripped) that name a layer class or compare one. */
export function classNameUses(code: string, names: readonly string[]): string[] {
  const hits: string[] = [];
  const lines = code.split('\n');
  const literal = new RegExp(`(['"\`])(${names.join('|')})\\1`);
  lines.forEach((l, i) => {
    if (literal.test(l)) hits.push(`${i + 1}: ${l.trim()}`);
    // Model classes (Sequential, Functional) are not layers: comparing those is fine.
    else if (/getClassName\(\)\s*[!=]==?(?!=)(?!\s*['"](Sequential|Functional|Model)['"])|className\s*(===|!==)|case\s+['"][A-Z][A-Za-z0-9]+['"]\s*:/.test(l)) hits.push(`${i + 1}: ${l.trim()}`);
  });
  return hits;
}

describe('architecture: one layer table', () => {
  it('no source outside src/engine/graph switches over layer class names', () => {
    const bad: string[] = [];
    for (const f of tsFiles(SRC)) {
      // backend/ names tfjs kernels ('Conv2D' is also a kernel), not layers.
      // The message module's entries name layer classes only in their example values (docs/errors.md).
      if (f.startsWith('src/engine/graph/') || f.startsWith('src/engine/backend/') || f.startsWith('src/engine/messages/')) continue;
      for (const h of classNameUses(codeOf(f), KNOWN_LAYER_CLASSES)) bad.push(`${f}:${h}`);
    }
    assert.deepEqual(bad, []);
  });

  it('the scan finds what it looks for', () => {
    assert.equal(classNameUses(`if (l.getClassName() === 'Dropout') x();`, KNOWN_LAYER_CLASSES).length, 1);
    assert.equal(classNameUses(`switch (c) {\n  case 'Conv2D': break;\n}`, KNOWN_LAYER_CLASSES).length, 1);
    assert.equal(classNameUses(`if (step.className === kind) y();`, KNOWN_LAYER_CLASSES).length, 1);
    assert.equal(classNameUses(`if (spec.kind === 'max-pool') y();`, KNOWN_LAYER_CLASSES).length, 0);
    assert.equal(classNameUses(`if (model.getClassName() === 'Sequential') y();`, KNOWN_LAYER_CLASSES).length, 0);
    assert.ok(KNOWN_LAYER_CLASSES.includes('Dense') && KNOWN_LAYER_CLASSES.includes('BatchNormalization'));
  });
});
