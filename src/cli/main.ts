/**
 * The `semslice` command. Each command is a thin wrapper over the public API; see src/cli/commands/.
 *
 * @example
 * // from a shell:  semslice train --model lenet5 --data mnist --epochs 1 --out models/lenet5-mnist
 * import { main } from 'semslice/dist/cli/main.js'; process.exitCode = await main(process.argv);
 */
import { Command, CommanderError } from 'commander';
import { setLogger } from '../engine/log.js';
import { isInterrupted } from '../engine/output-target.js';
import { reportError, EXIT, inCliTerms, flagsOf } from './errors.js';
import { handleInterrupts } from './interrupt.js';
import { COMMANDS } from './commands/index.js';
import { packageVersion } from './version.js';
import { releaseBackend } from '../engine/backend/index.js';

export function buildProgram(): Command {
  const program = new Command('semslice')
    .description('Neuron-level semantic slicing of image classifiers, and model maintenance built on it.')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

/**
 * Run the CLI with the given argv (process.argv shape) and return the exit code. While it runs, engine warnings are
 * printed in the CLI's terms (flags, not API options) and Ctrl-C undoes the outputs in progress (interrupt.ts).
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // The command that runs: errors and warnings name only its flags.
  let running: Command | undefined;
  program.hook('preAction', (_program, action) => { running = action; });
  const previous = setLogger({
    warn: (m, text) => console.warn(`semslice: ${inCliTerms(text ?? m, flagsOf(running))}`),
    info: (m) => console.error(`semslice: ${m}`),
  });
  const stopHandling = handleInterrupts();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help'
        ? EXIT.ok
        : EXIT.usage;
    }
    // Interrupted: the command was stopped on purpose; the handler says so and sets the exit code.
    if (isInterrupted()) return EXIT.interrupted;
    return reportError(e, undefined, flagsOf(running));
  } finally {
    stopHandling();
    setLogger(previous);
    // webgpu: Dawn's device and navigator.gpu keep Node alive until given back.
    releaseBackend();
  }
}
