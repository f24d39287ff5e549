import { strict as assert } from 'node:assert';
import { validateArgs } from '../../src/magics/args.js';
import { sliceMagic } from '../../src/magics/builtins/slice.js';
import { registerMetric, unregisterMetric, SLICE_DEFAULTS } from '../../src/engine/slicing/index.js';
import { runCli } from '../cli/run-cli.js';

describe('slice defaults are declared once (API, CLI, %%slice)', () => {
  it('%%slice fills the engine defaults', () => {
    const a = validateArgs('%%slice', { model: 'm' }, sliceMagic.args);
    for (const k of ['metric', 'method', 'theta', 'tau'] as const) assert.equal(a[k], SLICE_DEFAULTS[k], k);
  });

  it('%%slice accepts a metric registered by the user, and still rejects an unknown one', () => {
    registerMetric({ name: 'my-avg', score: (s, site) => s.stats['avg']![site]!, scoreGlobal: (s, site) => s.global['avg']![site]! });
    try {
      assert.equal(validateArgs('%%slice', { model: 'm', metric: 'my-avg' }, sliceMagic.args)['metric'], 'my-avg');
      assert.throws(() => validateArgs('%%slice', { model: 'm', metric: 'nope' }, sliceMagic.args), /my-avg/);
    } finally {
      unregisterMetric('my-avg');
    }
  });

  it('the CLI help shows the engine defaults', async () => {
    const r = await runCli(['slice', '--help']);
    assert.match(r.out, new RegExp(`--metric <name>.*\\(default: "${SLICE_DEFAULTS.metric}"\\)`, 's'));
    assert.match(r.out, new RegExp(`--tau <x\\|auto>.*\\(default: "?${SLICE_DEFAULTS.tau}"?\\)`, 's'));
    assert.match(r.out, new RegExp(`default ${SLICE_DEFAULTS.theta}`));
  });
});
