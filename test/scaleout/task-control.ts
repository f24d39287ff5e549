/**
 * Holding a running batch task between two of its cells, so that a test can kill it there: the task's processes
 * (found by the SLURM_ARRAY_JOB_ID / SLURM_ARRAY_TASK_ID in their environment) are stopped and let run in short
 * slices until its results.jsonl has the wanted number of lines. Without this a kill "after the first cell" races a
 * second cell that may take only milliseconds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readRecords } from '../../src/engine/studies/index.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Process ids whose environment names this array job and task (the job's own processes, not slurmstepd). */
export function taskPids(arrayJob: string, task: number): number[] {
  const want = [`SLURM_ARRAY_JOB_ID=${arrayJob}`, `SLURM_ARRAY_TASK_ID=${task}`];
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (want.every((w) => env.includes(w))) out.push(Number(name));
    } catch {
      // The process ended, or is not ours to read.
    }
  }
  return out;
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const p of pids) {
    try { process.kill(p, sig); } catch { /* ended */ }
  }
}

/**
 * Waits for the task's processes, then runs them in slices of `sliceMs` until `dir`'s results.jsonl has `cells`
 * finished cells; returns with the processes stopped (SIGSTOP). Throws if the task finished more cells than that
 * within one slice, or does not get there in time.
 */
export async function holdAfterCells(arrayJob: string, task: number, dir: string, cells: number, opts: { sliceMs?: number; timeoutMs?: number } = {}): Promise<number[]> {
  const slice = opts.sliceMs ?? 20;
  const t0 = Date.now();
  const timeout = opts.timeoutMs ?? 300_000;
  let pids: number[] = [];
  while ((pids = taskPids(arrayJob, task)).length === 0) {
    if (Date.now() - t0 > timeout) throw new Error(`array task ${arrayJob}_${task} did not start within ${timeout / 1000} s`);
    await sleep(20);
  }
  signal(pids, 'SIGSTOP');
  for (;;) {
    const done = readRecords(dir).length;
    if (done === cells) return pids;
    if (done > cells) throw new Error(`array task ${arrayJob}_${task} finished ${done} cells in one ${slice} ms slice; cannot stop it after ${cells}`);
    if (Date.now() - t0 > timeout) throw new Error(`array task ${arrayJob}_${task} did not finish ${cells} cells within ${timeout / 1000} s`);
    signal(pids, 'SIGCONT');
    await sleep(slice);
    signal(pids, 'SIGSTOP');
  }
}
