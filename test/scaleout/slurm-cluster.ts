/**
 * A one-node Slurm cluster for tests, as a new user would set one up on Debian: munged with its own key, a
 * slurm.conf for this host (linuxproc process tracking, no task plugin, cons_tres, the node's CPUs, one partition,
 * SlurmUser root), slurmctld and slurmd. Every file (key, sockets, state, spool, logs) lives under one temporary
 * folder; the daemons run in the foreground as children of the test, and stop() ends them by their process ids.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

const TOOLS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo', 'scontrol', 'scancel'];

/** Why a Slurm cluster cannot be started here (undefined when it can). */
export function slurmUnavailable(): string | undefined {
  const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).status !== 0);
  if (missing.length) return `Slurm is not installed (missing ${missing.join(', ')}; on Debian: apt-get install slurmctld slurmd slurm-client munge)`;
  if (process.getuid?.() !== 0) return 'the one-node Slurm cluster runs its daemons as root (SlurmUser=root), and this process is not root';
  return undefined;
}

/** A free TCP port on this host. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface JobInfo {
  /** The JobState field of `scontrol show job` (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, ...). */
  state: string;
  reason: string;
  /** Every field, as scontrol prints it. */
  fields: Record<string, string>;
}

export class SlurmCluster {
  /** Environment for Slurm commands and the jobs they submit: this cluster's SLURM_CONF, no outer SLURM_* vars. */
  readonly env: NodeJS.ProcessEnv;
  private readonly daemons: Array<{ name: string; child: ChildProcess }> = [];

  private constructor(readonly dir: string, readonly conf: string, readonly nodeName: string) {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SLURM_')) env[k] = v;
    this.env = { ...env, SLURM_CONF: conf };
  }

  /** Starts munged, slurmctld and slurmd under a new temporary folder and waits for the node to be idle. */
  static async start(): Promise<SlurmCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'semslice-slurm-'));
    // munged refuses a socket whose parent folders are not searchable by all.
    chmodSync(dir, 0o755);
    for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, d), { mode: 0o755 });
    const key = join(dir, 'munge', 'munge.key');
    writeFileSync(key, randomBytes(1024), { mode: 0o600 });
    const host = hostname().split('.')[0]!;
    const node = 'ci-node';
    const detected = /\bCPUs=(\d+)/.exec(spawnSync('slurmd', ['-C'], { encoding: 'utf8' }).stdout ?? '');
    const cpus = detected ? Number(detected[1]) : availableParallelism();
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    const socket = join(dir, 'munge', 'munge.socket');
    const conf = join(dir, 'slurm.conf');
    writeFileSync(conf, [
      'ClusterName=semslice-ci',
      `SlurmctldHost=${host}(127.0.0.1)`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'MpiDefault=none',
      'ReturnToService=2',
      // Finished jobs stay visible to scontrol for an hour (there is no accounting database to ask).
      'MinJobAge=3600',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      `NodeName=${node} NodeAddr=127.0.0.1 NodeHostname=${host} CPUs=${cpus} State=UNKNOWN`,
      `PartitionName=ci Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'));
    const cluster = new SlurmCluster(dir, conf, node);
    try {
      cluster.daemon('munged', ['-F', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${join(dir, 'munge', 'munged.pid')}`,
        `--log-file=${join(dir, 'munge', 'munged.log')}`, `--seed-file=${join(dir, 'munge', 'munged.seed')}`]);
      await cluster.until(() => existsSync(socket), 10_000, 'munged to create its socket');
      cluster.daemon('slurmctld', ['-D', '-f', conf]);
      cluster.daemon('slurmd', ['-D', '-f', conf, '-N', node]);
      await cluster.until(() => /idle/.test(cluster.run('sinfo', ['-h', '-N', '-o', '%t']).stdout), 60_000, `node ${node} to be idle in sinfo`);
      return cluster;
    } catch (e) {
      await cluster.stop();
      throw e;
    }
  }

  private daemon(name: string, args: string[]): void {
    const log = openSync(join(this.dir, 'log', `${name}.out`), 'a');
    const child = spawn(name, args, { env: this.env, stdio: ['ignore', log, log] });
    closeSync(log);
    this.daemons.push({ name, child });
  }

  /** Runs a Slurm command against this cluster. */
  run(cmd: string, args: string[], opts: { cwd?: string } = {}): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(cmd, args, { env: this.env, encoding: 'utf8', ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** A job (or array task "12_0") as scontrol sees it; undefined when unknown. */
  job(id: string): JobInfo | undefined {
    const r = this.run('scontrol', ['show', 'job', '-o', id]);
    if (r.status !== 0 || !r.stdout.trim()) return undefined;
    const fields: Record<string, string> = {};
    for (const m of r.stdout.trim().split('\n')[0]!.matchAll(/(\w+)=(\S*)/g)) if (!(m[1]! in fields)) fields[m[1]!] = m[2]!;
    return { state: fields['JobState'] ?? '', reason: fields['Reason'] ?? '', fields };
  }

  /** Waits for a job to leave PENDING/RUNNING and returns its final state. */
  async finished(id: string, timeoutMs: number): Promise<JobInfo> {
    let info: JobInfo | undefined;
    await this.until(() => {
      info = this.job(id);
      return info !== undefined && !['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'REQUEUED', 'SUSPENDED'].includes(info.state);
    }, timeoutMs, `job ${id} to finish`);
    return info!;
  }

  /** Polls a condition; on timeout throws with the daemons' log tails. */
  async until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const t0 = Date.now();
    while (!cond()) {
      for (const d of this.daemons) {
        if (d.child.exitCode !== null || d.child.signalCode !== null) throw new Error(`${d.name} exited (${d.child.exitCode ?? d.child.signalCode}) while waiting for ${what}\n${this.logs()}`);
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${this.logs()}`);
      await sleep(100);
    }
  }

  /** The last lines of the daemons' logs, for failure messages. */
  logs(): string {
    const tail = (f: string): string => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').slice(-15).join('\n') : '(none)');
    return ['slurmctld.log', 'slurmd.log'].map((f) => `--- ${f}\n${tail(join(this.dir, 'log', f))}`).join('\n')
      + `\n--- munged.log\n${tail(join(this.dir, 'munge', 'munged.log'))}`;
  }

  /** Cancels this cluster's jobs, stops the daemons by their process ids (slurmd, slurmctld, munged) and removes the folder. */
  async stop(): Promise<void> {
    if (this.daemons.some((d) => d.name === 'slurmctld' && d.child.exitCode === null)) {
      this.run('scancel', ['--user', 'root']);
      const t0 = Date.now();
      while (this.run('squeue', ['-h']).stdout.trim() && Date.now() - t0 < 15_000) await sleep(200);
    }
    for (const d of [...this.daemons].reverse()) {
      const c = d.child;
      if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) continue;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      process.kill(c.pid, 'SIGTERM');
      if (await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]) === false) {
        process.kill(c.pid, 'SIGKILL');
        await exited;
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
