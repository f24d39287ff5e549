import type { Command } from 'commander';
import { initCliBackend } from '../backend.js';
import { BACKEND_FLAG } from '../options.js';

/**
 * `semslice backend`: which tfjs backend a run here would take, and why (on a GPU server: the adapter, or why
 * webgpu was not taken).
 *
 * @example
 * // from a shell:  semslice backend            or   SEMSLICE_BACKEND=webgpu semslice backend
 */
export function registerBackend(program: Command): void {
  program
    .command('backend')
    .description('Show the tfjs backend this machine gives (and, for webgpu, the adapter), or why the others were skipped.')
    .option(...BACKEND_FLAG)
    .action(async (f: { backend?: string }) => {
      const info = await initCliBackend(f.backend, true);
      console.log(`backend: ${info.name} (${info.detail})`);
      console.log(`why: ${info.reason}`);
    });
}
