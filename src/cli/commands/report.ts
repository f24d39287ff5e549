import type { Command } from 'commander';
import { writeReport, listTemplates } from '../../report/index.js';
import { writeFileOut } from '../output.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Write one self-contained HTML report from an executed notebook (.ipynb).')
    .argument('<notebook>', 'executed notebook (nbformat 4)')
    .requiredOption('-o, --out <file>', 'output HTML file (written atomically; never the input)')
    .option('--force', 'replace an existing -o file that semslice wrote (never other files)')
    .option('--template <name>', `template name under reports/templates (${safeTemplates()}) or a template folder`, 'default')
    .option('--no-input', 'leave out the code cells')
    .option('--fold-code', 'fold code cells (click to show)')
    .option('--trusted', 'trust the notebook: keep its HTML, SVG and scripts unsanitised')
    .option('--title <text>', 'report title (default: notebook title or first heading)')
    .action(async (nb: string, f: { out: string; force?: boolean; template: string; input: boolean; foldCode?: boolean; trusted?: boolean; title?: string }) => {
      let r: Awaited<ReturnType<typeof writeReport>> | undefined;
      await writeFileOut(f.out, 'report', f.force, [nb], async (real) => {
        r = await writeReport(nb, real, {
          template: f.template, noInput: !f.input, codeFolding: f.foldCode ? 'fold' : undefined, trusted: Boolean(f.trusted), title: f.title,
        });
      });
      for (const w of r!.warnings) console.error(`warning: ${w}`);
      console.log(`report written to ${f.out} (${(r!.bytes / 1024).toFixed(0)} KiB, ${r!.charts} interactive chart(s))`);
    });
}

function safeTemplates(): string {
  try {
    return listTemplates().map((t) => t.name).join(', ');
  } catch {
    return 'default';
  }
}
