import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { injectParameters, parameterDecls, parametersCell } from '../../src/notebook/parameters.js';
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
