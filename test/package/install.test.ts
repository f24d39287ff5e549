/**
 * Issue 10, point 8: `npm install` on a Node the package declares gives no EBADENGINE (every locked package supports
 * the lowest declared Node), and `prepare` fails the install when the build fails instead of hiding it.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

// semver comes with npm's own dependency tree here (no @types): the two functions used, typed.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

describe('package: install on the declared Node', function () {
  this.timeout(120_000);

  it('every locked package supports the lowest Node we declare and the Node running now', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };
    const lowest = semver.minVersion(pkg.engines.node)!.version;
    const bad: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      if (!path || !range) continue;
      for (const v of [lowest, process.versions.node]) {
        if (!semver.satisfies(v, range)) bad.push(`${path} needs node ${range}, not ${v}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('prepare fails when the build fails (no `|| true`)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    assert.doesNotMatch(pkg.scripts['prepare']!, /\|\|\s*true/);
    const dir = mkdtempSync(join(tmpdir(), 'semslice-prepare-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      copyFileSync('scripts/prepare.mjs', join(dir, 'scripts', 'prepare.mjs'));
      symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
      writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [] }, files: ['bad.ts'] }));
      writeFileSync(join(dir, 'bad.ts'), 'const x: number = "not a number";\nexport { x };\n');
      const r = spawnSync(process.execPath, ['scripts/prepare.mjs'], { cwd: dir, encoding: 'utf8' });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /the build failed/);
      writeFileSync(join(dir, 'bad.ts'), 'const x: number = 1;\nexport { x };\n');
      assert.equal(spawnSync(process.execPath, ['scripts/prepare.mjs'], { cwd: dir }).status, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
