import type { Command } from 'commander';
import { executeNotebook, formatExecuteResult } from '../../notebook/execute.js';
import { collectParam, intArg } from '../options.js';
import { EXIT } from '../errors.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Execute a notebook headless with Jupyter and the tslab kernel, with parameters, and check its outputs.')
    .argument('<notebook>', 'notebook to run (never overwritten)')
    .requiredOption('--out <file>', 'executed notebook to write (checked, with every --param, before Jupyter starts)')
    .option('--force', 'replace an existing --out notebook that semslice wrote (never other files)')
    .option('--param <name=value>', 'set a value of the parameters cell (repeatable)', collectParam, {})
    .option('--timeout <s>', 'per-cell timeout in seconds', intArg('--timeout'), 600)
    .option('--kernel <name>', 'kernel name', 'tslab')
    .action(async (nb: string, f: { out: string; force?: boolean; param: Record<string, string>; timeout: number; kernel: string }) => {
      const r = await executeNotebook(nb, { out: f.out, force: f.force ?? false, params: f.param, timeoutS: f.timeout, kernel: f.kernel });
      console.log(formatExecuteResult(r));
      if (!r.ok) process.exitCode = EXIT.failure;
    });
}
