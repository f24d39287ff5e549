/** Class sets on the command line: "0-4", "1,3,5", "0-2,7" (sorted, without duplicates). */
import { SemsliceError } from '../errors.js';

/**
 * Parse a class-set flag value; `max` (exclusive) bounds the classes when known.
 *
 * @example
 * parseClassSet('0-2,7', '--old'); // [0, 1, 2, 7]
 */
export function parseClassSet(v: string, flag: string, max?: number): number[] {
  const out = new Set<number>();
  const bad = (why: string): SemsliceError => new SemsliceError('BAD_OPTION', `${flag} "${v}": ${why}.`, `Name classes as a range or a list, e.g. ${flag} 0-4 or ${flag} 1,3,5${max !== undefined ? ` (classes 0..${max - 1})` : ''}.`);
  for (const part of String(v).split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw bad(`"${part}" is not a class number or range`);
    const a = Number(m[1]), b = m[2] !== undefined ? Number(m[2]) : a;
    if (b < a) throw bad(`the range ${part} is empty`);
    for (let c = a; c <= b; c++) out.add(c);
  }
  if (out.size === 0) throw bad('the class set is empty');
  const cs = [...out].sort((x, y) => x - y);
  if (max !== undefined && cs.at(-1)! >= max) throw bad(`class ${cs.at(-1)} does not exist (the dataset has classes 0..${max - 1})`);
  return cs;
}
