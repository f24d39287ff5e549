import { main } from '../../src/cli/main.js';

/** Run the CLI in-process, capturing stdout and stderr (console.* and direct stream writes). */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = { log: console.log, error: console.error, warn: console.warn, o: process.stdout.write, e: process.stderr.write };
  const savedEnv: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) { savedEnv[k] = process.env[k]; process.env[k] = v; }
  console.log = (...a: unknown[]) => { out += a.map(String).join(' ') + '\n'; };
  console.error = console.warn = (...a: unknown[]) => { err += a.map(String).join(' ') + '\n'; };
  process.stdout.write = ((s: string | Uint8Array) => { out += String(s); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => { err += String(s); return true; }) as typeof process.stderr.write;
  const prevExit = process.exitCode;
  try {
    const code = await main(['node', 'semslice', ...args]);
    return { code, out, err };
  } finally {
    Object.assign(console, { log: saved.log, error: saved.error, warn: saved.warn });
    process.stdout.write = saved.o;
    process.stderr.write = saved.e;
    process.exitCode = prevExit;
    for (const [k, v] of Object.entries(savedEnv)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
}
