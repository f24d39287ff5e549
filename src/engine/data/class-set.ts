/** Class sets on the command line: "0-4", "1,3,5", "0-2,7" (sorted, without duplicates). */
import { fail } from '../messages/index.js';

/**
 * Parse a class-set flag value; `max` (exclusive) bounds the classes when known.
 *
 * @example
 * parseClassSet('0-2,7', '--old'); // [0, 1, 2, 7]
 */
export function parseClassSet(v: string, flag: string, max?: number): number[] {
  const out = new Set<number>();
  const at = { flag, value: String(v), ...(max !== undefined ? { max } : {}) };
  for (const part of String(v).split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw fail('BAD_CLASS_SET', { ...at, case: 'not-a-class', part });
    const a = Number(m[1]), b = m[2] !== undefined ? Number(m[2]) : a;
    if (b < a) throw fail('BAD_CLASS_SET', { ...at, case: 'empty-range', part });
    for (let c = a; c <= b; c++) out.add(c);
  }
  if (out.size === 0) throw fail('BAD_CLASS_SET', { ...at, case: 'empty' });
  const cs = [...out].sort((x, y) => x - y);
  if (max !== undefined && cs.at(-1)! >= max) throw fail('BAD_CLASS_SET', { ...at, case: 'no-such-class', cls: cs.at(-1)!, max });
  return cs;
}
