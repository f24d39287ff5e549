import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { buildChart, listCharts, type VegaLiteSpec } from '../../src/viz/index.js';
import { CLASS_NAMES, fidelityFixture, historyFixture, sliceFixture } from './fixtures.js';

/**
 * JupyterLab renders charts with vega-lite 5. When a vega-lite 5 package is at hand, every built-in chart must pass
 * its schema and compile without warnings. Point SEMSLICE_VL5_DIR at an installed vega-lite 5 package folder
 * (e.g. `npm install --prefix /tmp/vl5 vega-lite@5.6.1`, then SEMSLICE_VL5_DIR=/tmp/vl5/node_modules/vega-lite),
 * or install it as the alias package "vega-lite-v5"; otherwise this suite is skipped.
 */
function findVl5(): string | undefined {
  const fromEnv = process.env.SEMSLICE_VL5_DIR;
  if (fromEnv && existsSync(join(fromEnv, 'package.json'))) return fromEnv;
  const alias = join(process.cwd(), 'node_modules', 'vega-lite-v5');
  return existsSync(join(alias, 'package.json')) ? alias : undefined;
}

const INPUTS: Record<string, unknown> = {
  forgetting: [{ method: 'naive', oldBefore: 0.97, oldAfter: 0.3, newAfter: 0.95, allAfter: 0.47 }, { method: 'ours', oldBefore: 0.96, oldAfter: 0.96, newAfter: 0.9 }],
  capacity: { tasks: ['0-4'], sites: [{ site: 'fc1', neurons: 10, perTask: [7], used: 7, free: 3 }], minFree: 0.1 },
  'critical-neurons': sliceFixture(),
  'similarity-heatmap': sliceFixture(),
  components: sliceFixture(),
  'fidelity-curves': fidelityFixture(),
  'training-curves': historyFixture(),
  'per-class-accuracy': { classNames: CLASS_NAMES, series: [{ name: 'a', perClass: [0.9, 0.8, 0.7] }, { name: 'b', perClass: [0.7, 0.8, 0.9] }] },
  'restructure-curves': [{ method: 'a', rows: [{ iteration: 0, cr: 0, accuracy: 0.9 }, { iteration: 1, cr: 0.2, accuracy: 0.89 }] }],
  'class-damage': { classNames: CLASS_NAMES, before: [0.9, 0.8, 0.7], methods: [{ method: 'a', perClass: [0.8, 0.8, 0.7] }] },
};

describe('viz/vega-lite 5 compatibility', function () {
  const dir = findVl5();
  before(function () {
    if (!dir) this.skip();
  });

  it('every built-in chart validates against the v5 schema and compiles without warnings', () => {
    const pkg = JSON.parse(readFileSync(join(dir!, 'package.json'), 'utf8')) as { version: string };
    assert.match(pkg.version, /^5\./);
    const vl5 = createRequire(join(dir!, 'package.json'))(dir!) as { compile: (s: unknown, o: unknown) => unknown };
    const schema = JSON.parse(readFileSync(join(dir!, 'build', 'vega-lite-schema.json'), 'utf8')) as object;
    const validate = new Ajv({ strict: false, allowUnionTypes: true, validateFormats: false, logger: false }).compile(schema);
    assert.deepEqual(Object.keys(INPUTS).sort(), listCharts().map((c) => c.name).filter((n) => n in INPUTS).sort());
    for (const name of Object.keys(INPUTS)) {
      const spec: VegaLiteSpec = buildChart(name, INPUTS[name]);
      assert.ok(validate(spec), `${name}: ${JSON.stringify(validate.errors?.slice(0, 2))}`);
      const warnings: string[] = [];
      const logger = { level: () => logger, info: () => logger, debug: () => logger,
        warn: (...a: unknown[]) => { warnings.push(a.join(' ')); return logger; }, error: (...a: unknown[]) => { warnings.push(a.join(' ')); return logger; } };
      vl5.compile(spec, { logger });
      assert.deepEqual(warnings, [], name);
    }
  });
});
