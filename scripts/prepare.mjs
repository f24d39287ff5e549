// `npm install` in a clone (and installs from git) build dist/ here. A failed build must fail the install, loudly:
// a swallowed error left users with a stale or missing dist/ and "Cannot find module" errors later. Only when the
// compiler itself is absent (an install without dev dependencies) is there nothing to build, and we say so.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const tsc = 'node_modules/typescript/bin/tsc';
if (!existsSync(tsc)) {
  console.warn('semslice prepare: TypeScript is not installed (no dev dependencies), so dist/ was not built; run `npm install` with dev dependencies, then `npm run build`.');
  process.exit(0);
}
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error('semslice prepare: the build failed (errors above); dist/ is incomplete. Fix them and run `npm run build`.');
  process.exit(r.status ?? 1);
}
