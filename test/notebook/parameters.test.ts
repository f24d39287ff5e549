import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { declaredRange, injectParameters, parameterDecls, parametersCell } from '../../src/notebook/parameters.js';
import { cellSource, type Ipynb } from '../../src/notebook/ipynb.js';

function nb(): Ipynb {
  return {
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: [
      { id: 'm', cell_type: 'markdown', metadata: {}, source: ['# t'] },
      { id: 'p', cell_type: 'code', metadata: { tags: ['parameters'] }, outputs: [], execution_count: null,
        source: ['const epochs = 1; // full run: 10\n', 'const theta: number = 0.95;\n', 'let dataset = "mnist";\n', 'const fast = true;'] },
      { id: 'c', cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: 'epochs' },
    ],
  };
}

describe('notebook/parameters', () => {
  it('finds the declarations of the parameters cell', () => {
    assert.deepEqual(parameterDecls(parametersCell(nb())!).map((d) => [d.name, d.literal]), [['epochs', '1'], ['theta', '0.95'], ['dataset', '"mnist"'], ['fast', 'true']]);
  });

  it('rewrites the given assignments in place, coercing CLI strings, keeping comments', () => {
    const input = nb();
    const out = injectParameters(input, { epochs: '3', theta: 0.9, dataset: 'fashion-mnist', fast: 'false' });
    const cell = out.cells[1]!;
    assert.equal(cellSource(cell), 'const epochs = 3; // full run: 10\nconst theta: number = 0.9;\nlet dataset = "fashion-mnist";\nconst fast = false;');
    assert.deepEqual(cell.metadata.tags, ['parameters', 'injected-parameters']);
    assert.deepEqual((out.metadata.semslice as { parameters: object }).parameters, { epochs: '3', theta: 0.9, dataset: 'fashion-mnist', fast: 'false' });
    assert.equal(out.cells.length, 3, 'no extra cell (a second declaration would only confuse readers)');
    assert.equal(cellSource(input.cells[1]!).includes('epochs = 1'), true, 'the input is not mutated');
  });

  it('rejects unknown names with the known ones, and values of the wrong kind', () => {
    assert.throws(() => injectParameters(nb(), { thetaa: 1 }), (e: Error & { hint?: string }) =>
      /Unknown parameter "thetaa". Did you mean "theta"\?/.test(e.message) && /epochs, theta, dataset, fast/.test(e.hint ?? ''));
    assert.throws(() => injectParameters(nb(), { epochs: 'many' }), /epochs is a number/);
    assert.throws(() => injectParameters(nb(), { fast: 'yes' }), /fast is a boolean/);
  });

  it('needs a parameters cell only when parameters are given', () => {
    const plain = nb();
    plain.cells[1]!.metadata = {};
    assert.equal(injectParameters(plain, {}).cells.length, 3);
    assert.throws(() => injectParameters(plain, { epochs: 2 }), /no cell tagged "parameters"/);
  });
});

describe('notebook/parameters: declared ranges (issue 10, point 14)', () => {
  function ranged(): Ipynb {
    const n = nb();
    n.cells[1]!.source = ['const theta = 0.95; // range (0, 1]; share kept\n', 'const samples = 500; // integer range [1, 60000]\n', 'const lr = 0.001; // range (0, ]'];
    return n;
  }
  it('reads the convention from the comment', () => {
    assert.deepEqual(declaredRange('// range (0, 1]; share kept'), { min: 0, max: 1, minOpen: true, maxOpen: false, integer: false, text: '(0, 1]' });
    assert.equal(declaredRange('// integer range [1, 60000]')?.integer, true);
    assert.equal(declaredRange('// full run: 10'), undefined);
  });
  it('refuses a value outside the declared range before anything runs, naming the range and the default', () => {
    assert.throws(() => injectParameters(ranged(), { theta: '1.5' }), (e: Error & { code?: string; hint?: string }) =>
      e.code === 'BAD_PARAMETER' && /theta=1.5 is outside its range \(0, 1\]/.test(e.message) && /default is 0.95/.test(e.hint ?? ''));
    assert.throws(() => injectParameters(ranged(), { theta: 0 }), /outside its range/);
    assert.throws(() => injectParameters(ranged(), { samples: '2.5' }), /outside its integer range \[1, 60000\]/);
    assert.throws(() => injectParameters(ranged(), { lr: '-1' }), /outside its range \(0, \]/);
    assert.match(cellSource(injectParameters(ranged(), { theta: '1', samples: 60000, lr: 5 }).cells[1]!), /theta = 1; \/\/ range/);
  });
  it('the shipped notebooks declare theta\'s range', () => {
    for (const f of ['notebooks/00-quickstart.ipynb', 'notebooks/01-slicing-fidelity.ipynb']) {
      const book = JSON.parse(readFileSync(f, 'utf8')) as Ipynb;
      assert.throws(() => injectParameters(book, { theta: 1.5 }), /outside its range \(0, 1\]/, f);
    }
    // The maintenance notebooks' theta is auto or a number: both checked before anything runs.
    for (const f of ['notebooks/02-restructuring.ipynb', 'notebooks/03-readaptation.ipynb']) {
      const book = JSON.parse(readFileSync(f, 'utf8')) as Ipynb;
      assert.throws(() => injectParameters(book, { theta: 1.5 }), /theta="1\.5" is not one of auto, a number in \(0, 1\]/, f);
      assert.throws(() => injectParameters(book, { theta: 'often' }), /is not one of auto/, f);
      assert.match(JSON.stringify(injectParameters(book, { theta: '0.9' })), /const theta = \\"0\.9\\"/, f);
      assert.doesNotThrow(() => injectParameters(book, { theta: 'auto' }));
    }
  });

  it('string parameters are checked against the choices their line declares, before anything runs', () => {
    for (const f of ['notebooks/02-restructuring.ipynb', 'notebooks/03-readaptation.ipynb', 'notebooks/04-incremental.ipynb']) {
      const book = JSON.parse(readFileSync(f, 'utf8')) as Ipynb;
      assert.throws(() => injectParameters(book, { dataset: 'nosuch' }),
        (e: Error & { hint?: string }) => /dataset="nosuch" is not one of mnist, fashion-mnist/.test(e.message) && /\{ params: \{ dataset: X \} \}/.test(e.hint!), f);
      assert.doesNotThrow(() => injectParameters(book, { dataset: 'fashion-mnist' }), f);
    }
    assert.throws(() => injectParameters(JSON.parse(readFileSync('notebooks/00-quickstart.ipynb', 'utf8')) as Ipynb, { metric: 'tailor' }), /not one of avg, var, taylor, deeplift, ens/);
  });
});

describe('notebook/parseParamAssignments', () => {
  it('parses name=value and rejects the rest', async () => {
    const { parseParamAssignments } = await import('../../src/notebook/parameters.js');
    assert.deepEqual(parseParamAssignments(['theta=0.9', 'datasets=mnist,fashion-mnist', 'label=a=b', 'theta=0.8']), { theta: '0.8', datasets: 'mnist,fashion-mnist', label: 'a=b' });
    assert.throws(() => parseParamAssignments(['theta']), /Malformed parameter "theta"/);
  });
});

describe('notebooks/ parameters', () => {
  it('01-slicing-fidelity takes theta, as `semslice run ... --param theta=0.95` passes it', async () => {
    const nb = JSON.parse(readFileSync('notebooks/01-slicing-fidelity.ipynb', 'utf8')) as Ipynb;
    const cell = parametersCell(injectParameters(nb, { theta: '0.9' }));
    assert.ok(cell);
    assert.match(cellSource(cell), /const theta = 0\.9;/);
  });
});
