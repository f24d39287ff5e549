/**
 * Report generation benchmark: a 20-chart notebook (real vega-rendered SVG fallbacks, markdown, streams, a table)
 * -> HTML. The first run is reported separately because it reads and hashes the three vega bundles (cached per
 * process afterwards). Target: median < 2 s.
 *
 *   npx tsx bench/report.ts            # print the numbers
 *   npx tsx bench/report.ts --record   # also append a "Report generation" section to BENCHMARKS.md
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { buildReport } from '../src/report/index.js';
import { barSpec, chartOutput, codeCell, display, heatmapSpec, lineSpec, markdownCell, notebook, RUN_META, stream } from '../test/report/helpers/notebook.js';

const CHARTS = 20;
const RUNS = 7;

async function makeNotebook(): Promise<unknown> {
  const cells: Array<Record<string, unknown>> = [markdownCell('# Benchmark report\n\nTwenty charts.'),
    codeCell('ss.showRun()', [display({ 'application/vnd.semslice.run+json': RUN_META, 'text/plain': ['run'] })])];
  for (let i = 0; i < CHARTS; i++) {
    const spec = i % 3 === 0 ? lineSpec() : i % 3 === 1 ? barSpec(i) : heatmapSpec(8);
    cells.push(markdownCell(`## Chart ${i + 1}`));
    cells.push(codeCell(`ss.show(chart${i})`, [await chartOutput(spec), stream('stdout', '<Chart>\n')]));
  }
  cells.push(codeCell('table', [display({ 'text/html': ['<table><tr><th>a</th></tr>', ...Array.from({ length: 200 }, (_, i) => `<tr><td>${i}</td></tr>`), '</table>'] })]));
  return notebook(cells);
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const nb = await makeNotebook();
const json = JSON.stringify(nb);
let bytes = 0;
let charts = 0;
const first = time(() => { const r = buildReport(json); bytes = r.html.length; charts = r.charts; });
const warm = Array.from({ length: RUNS }, () => time(() => buildReport(json))).sort((a, b) => a - b);
const median = warm[Math.floor(RUNS / 2)]!;
const untrustedVsTrusted = time(() => buildReport(json, { trusted: true }));

const lines = [
  `notebook: ${CHARTS} Vega-Lite charts (with SVG fallbacks), ${(json.length / 1024).toFixed(0)} KB .ipynb; report ${(bytes / 1024).toFixed(0)} KB, ${charts} interactive charts`,
  `first run (reads + hashes vega bundles): ${first.toFixed(0)} ms`,
  `warm runs (n=${RUNS}): median ${median.toFixed(0)} ms, min ${warm[0]!.toFixed(0)} ms, max ${warm[RUNS - 1]!.toFixed(0)} ms (untrusted: sanitising every SVG)`,
  `trusted (no sanitising): ${untrustedVsTrusted.toFixed(0)} ms`,
  `target < 2000 ms: ${median < 2000 ? 'met' : 'MISSED'}`,
];
console.log(lines.join('\n'));

if (process.argv.includes('--record')) {
  const file = 'BENCHMARKS.md';
  const section = ['', '## Report generation', '',
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, shared with other jobs (numbers are noisy). Date: ${new Date().toISOString().slice(0, 10)}.`,
    'Command: `npx tsx bench/report.ts`', '', ...lines.map((l) => `- ${l}`), ''].join('\n');
  // Another bench may have written meanwhile: re-read right before appending, and only append.
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nMeasured by the scripts in bench/; newest sections appended.\n';
  writeFileSync(file, current.replace(/\n*$/, '\n') + section);
  console.log(`appended to ${file}`);
}
