// Builds the optional native addon (native/semslice_native.c: convolutions and matrix products on OpenBLAS) at
// install. It needs a C compiler, Node's headers and OpenBLAS (Debian: `apt-get install gcc libopenblas-dev`).
// Without them semslice runs on its wasm kernels alone, slower, with the same results up to float rounding: so a
// missing tool is a one-line note and exit 0, never a failed install. `--required` makes any failure an error
// (CI, and anyone who wants to be sure the fast path is there). SEMSLICE_NATIVE=0 skips the build.
//
// A direct compiler call rather than node-gyp: node-gyp fetches Node's headers from nodejs.org when it does not
// find them, which fails offline, while Node installs ship the headers beside the binary.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native', 'semslice_native.c');
const out = join(root, 'native', 'build', 'semslice_native.node');
const required = process.argv.includes('--required');

function note(message) {
  if (required) {
    console.error(`semslice build:native: ${message}`);
    process.exit(1);
  }
  console.warn(`semslice build:native: ${message} semslice still works, on its wasm kernels alone (slower training).`);
  process.exit(0);
}

if (process.env.SEMSLICE_NATIVE === '0' || process.env.SEMSLICE_NATIVE === 'false') {
  if (required) note('SEMSLICE_NATIVE=0 is set, so the addon is not built.');
  process.exit(0);
}
if (!existsSync(source)) process.exit(0); // an install without the native sources: nothing to build

// Node's headers: beside the binary (official and Debian installs), or where npm's nodedir says.
const candidates = [
  join(dirname(process.execPath), '..', 'include', 'node'),
  ...(process.env.npm_config_nodedir ? [join(process.env.npm_config_nodedir, 'include', 'node')] : []),
];
const headers = candidates.find((d) => existsSync(join(d, 'node_api.h')));
if (!headers) note(`Node's headers (node_api.h) were not found in ${candidates.join(' or ')}.`);

const cc = process.env.CC || 'cc';
const tmp = join(dirname(out), `.partial-${process.pid}.node`); // .node: require() loads it as an addon
mkdirSync(dirname(out), { recursive: true });
const args = ['-shared', '-fPIC', '-O3', '-std=c11', '-ffp-contract=off', '-fno-fast-math', '-fno-math-errno', '-Wall', `-I${headers}`, '-I/usr/include/openblas', source, '-lopenblas', '-lm', '-o', tmp];
const r = spawnSync(cc, args, { encoding: 'utf8' });
if (r.error || r.status !== 0) {
  rmSync(tmp, { force: true });
  const why = r.error ? `${cc} could not run (${r.error.message})` : (r.stderr || '').split('\n').find((l) => /error/i.test(l)) ?? `${cc} exited ${r.status}`;
  note(`the native addon was not built: ${why.trim()}. Install a C compiler and OpenBLAS (Debian: apt-get install gcc libopenblas-dev) and run \`npm run build:native\`.`);
}
// Loading it proves the link: a missing libopenblas.so at run time fails here, not in the middle of training.
const check = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(tmp)}).config()`], { encoding: 'utf8' });
if (check.status !== 0) {
  rmSync(tmp, { force: true });
  note(`the native addon was built but does not load: ${(check.stderr || '').split('\n').find((l) => l.trim()) ?? 'unknown error'}.`);
}
renameSync(tmp, out);
console.log(`semslice build:native: built ${join('native', 'build', 'semslice_native.node')} (OpenBLAS).`);
