/**
 * What magics print to stdout while a function runs (only then: mocha's reporter writes there too).
 *
 * @example
 * const { stdout, quiet } = stdoutCapture();
 * beforeEach(() => { stdout.length = 0; });
 * await quiet(() => dispatchMagic(...)); // stdout holds the writes
 */
export function stdoutCapture(): { stdout: string[]; quiet<T>(fn: () => Promise<T>): Promise<T> } {
  const stdout: string[] = [];
  const realWrite = process.stdout.write.bind(process.stdout);
  return {
    stdout,
    async quiet<T>(fn: () => Promise<T>): Promise<T> {
      process.stdout.write = ((s: string) => (stdout.push(String(s)), true)) as typeof process.stdout.write;
      try { return await fn(); } finally { process.stdout.write = realWrite; }
    },
  };
}
