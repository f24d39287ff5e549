/**
 * Summarises bench/results/restructure-full/results.jsonl (the `restructure` study) as the markdown tables of
 * BENCHMARKS.md: per model/dataset, bound and target, per pre-step and pruner, NI, CR and MA as mean ± sd over
 * seeds, and paired per-seed comparisons of the slice pre-step with the others.
 * Usage: npx tsx bench/restructure-summary.ts [results.jsonl]
 */
import { readFileSync } from 'node:fs';

interface Row { maxDrop: number; targetCR: number; ni: number; cr: number; ma: number; reached: boolean; stop: string; originalAccuracy: number; preCR: number; preAccuracy: number; note: string; blocksRemoved: string }
interface Rec { params: { model: string; dataset: string; width: number; seed: number; pre: string; pruner: string }; rows: Row[]; seconds: number }

const file = process.argv[2] ?? 'bench/results/restructure-full/results.jsonl';
const recs: Rec[] = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => { try { return [JSON.parse(l) as Rec]; } catch { return []; } });
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const sd = (a: number[]) => (a.length < 2 ? 0 : Math.sqrt(a.reduce((x, y) => x + (y - mean(a)) ** 2, 0) / (a.length - 1)));
const ms = (a: number[], k = 1, d = 1) => `${(mean(a) * k).toFixed(d)} ± ${(sd(a) * k).toFixed(d)}`;
const cfg = (r: Rec) => `${r.params.model}${r.params.width !== 1 ? ` (width ${r.params.width})` : ''} / ${r.params.dataset}`;
const configs = [...new Set(recs.map(cfg))];
const pruners = ['lamp', 'global', 'uniform-plus', 'erk'];
const pres = ['none', 'slice', 'random', 'deeparc'];
const out: string[] = [];
const secs = recs.reduce((a, r) => a + r.seconds, 0);
out.push(`${recs.length} cells, ${(secs / 60).toFixed(1)} min of cell time in all.`, '');

for (const c of configs) {
  const mine = recs.filter((r) => cfg(r) === c);
  const seeds = [...new Set(mine.map((r) => r.params.seed))].sort();
  const orig = seeds.map((s) => mine.find((r) => r.params.seed === s)!.rows[0]!.originalAccuracy);
  out.push(`#### ${c}`, '', `Seeds ${seeds.join(', ')}; original test accuracy ${ms(orig, 100, 2)}%. Cells: ${mine.length}.`, '');
  for (const drop of [0.01, 0.03]) {
    out.push(`Bound ${drop * 100} point${drop === 0.01 ? '' : 's'}: NI / CR % / MA % (mean ± sd over seeds), target reached in n of seeds; pre-step CR % and accuracy % after its fine-tuning. A run whose pre-step already broke the bound reports NI 0 and the pre-step's CR and accuracy.`, '');
    out.push('| pre | pruner | pre-step CR | pre-step acc | NI @0.90 | CR @0.90 | MA @0.90 | reached @0.90 | NI @0.95 | CR @0.95 | MA @0.95 | reached @0.95 |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const pre of pres) for (const p of pruners) {
      const cells = mine.filter((r) => r.params.pre === pre && r.params.pruner === p);
      if (cells.length === 0) continue;
      const at = (t: number) => cells.map((r) => r.rows.find((x) => x.maxDrop === drop && x.targetCR === t)!);
      const a = at(0.9), b = at(0.95);
      const first = cells[0]!.rows[0]!;
      out.push(`| ${pre}${first.note ? ` (${first.note})` : ''} | ${p} | ${ms(cells.map((r) => r.rows[0]!.preCR), 100)} | ${ms(cells.map((r) => r.rows[0]!.preAccuracy), 100, 2)} | ${ms(a.map((x) => x.ni))} | ${ms(a.map((x) => x.cr), 100)} | ${ms(a.map((x) => x.ma), 100, 2)} | ${a.filter((x) => x.reached).length}/${a.length} | ${ms(b.map((x) => x.ni))} | ${ms(b.map((x) => x.cr), 100)} | ${ms(b.map((x) => x.ma), 100, 2)} | ${b.filter((x) => x.reached).length}/${b.length} |`);
    }
    out.push('');
  }
}

/** Paired per (config, pruner, seed, bound, target): reaching the target beats not; both reached: fewer NI wins; neither: higher CR wins (both within the bound). */
function duel(a: Row, b: Row): number {
  // A pre-step that already broke the bound is no result (its row shows the pre-step's CR and accuracy).
  const ok = (x: Row) => x.stop !== 'pre-step-accuracy';
  if (ok(a) !== ok(b)) return ok(a) ? 1 : -1;
  if (!ok(a)) return 0;
  if (a.reached !== b.reached) return a.reached ? 1 : -1;
  if (a.reached) return a.ni === b.ni ? 0 : a.ni < b.ni ? 1 : -1;
  return Math.abs(a.cr - b.cr) < 1e-9 ? 0 : a.cr > b.cr ? 1 : -1;
}
out.push('Paired comparisons of the slice pre-step (per model/dataset, pruner, seed, bound and target; wins / ties / losses of slice): reaching the target within the bound beats not reaching it; when both reach it, fewer iterations win; when neither does, the higher CR within the bound wins; a pre-step that already broke the bound loses to any result within it (two such: a tie).', '');
out.push('| model / dataset | bound | target | slice vs none | slice vs random | slice vs deeparc |', '|---|---|---|---|---|---|');
for (const c of configs) for (const drop of [0.01, 0.03]) for (const t of [0.9, 0.95]) {
  const cell = (pre: string) => {
    let w = 0, tie = 0, l = 0, n = 0;
    for (const s of recs.filter((r) => cfg(r) === c && r.params.pre === 'slice')) {
      const o = recs.find((r) => cfg(r) === c && r.params.pre === pre && r.params.pruner === s.params.pruner && r.params.seed === s.params.seed);
      if (!o) continue;
      const pick = (r: Rec) => r.rows.find((x) => x.maxDrop === drop && x.targetCR === t)!;
      const d = duel(pick(s), pick(o));
      n++; if (d > 0) w++; else if (d < 0) l++; else tie++;
    }
    return n === 0 ? 'n/a' : `${w} / ${tie} / ${l}`;
  };
  out.push(`| ${c} | ${drop * 100} pt | ${t} | ${cell('none')} | ${cell('random')} | ${cell('deeparc')} |`);
}
console.log(out.join('\n'));
