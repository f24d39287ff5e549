/**
 * The dependency directions of the layout: cli -> {magics, notebook, report} -> {viz, engine}; notebook and report
 * read notebooks through ipynb (which needs only the error class); viz uses only result
 * types of the engine (plus its error and registry classes); report reads notebooks and never the engine's
 * computation; inside the engine, graph <- masks <- train <- slicing <- {surgery, pruning, workloads} <- baselines
 * <- maintenance/common <- maintenance/{restructure, readapt, extend} (siblings never import each other) <-
 * maintenance (its index) <- studies, over the base modules (errors, registry, rng, log, backend, data, models).
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { importsOf, SRC, tsFiles, type ImportEdge } from './source-files.js';

/** Engine levels: a module may import its own folder or a strictly lower level. */
const ENGINE_LEVEL: Record<string, number> = {
  '': 0, // the base: files at src/engine/ root (errors, registry, rng, log, fingerprint, atomic-write, ...) and messages/
  backend: 1, data: 1, models: 2,
  graph: 3, masks: 4, train: 5, slicing: 6,
  surgery: 7, pruning: 7, workloads: 7,
  baselines: 8,
  'maintenance/common': 9,
  'maintenance/restructure': 10, 'maintenance/readapt': 10, 'maintenance/extend': 10,
  maintenance: 11,
  studies: 12,
};
/** Engine modules anything may use for its errors and registries: the error class, the registry, the messages. */
const isEngineBase = (f: string): boolean => f === 'src/engine/errors.ts' || f === 'src/engine/registry.ts' || f.startsWith('src/engine/messages/');

function area(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src') return 'outside';
  return parts.length === 2 ? parts[1]!.replace(/\.ts$/, '') : parts[1]!;
}

/** The engine folder a file belongs to for the levels: its top folder, or maintenance/SUB inside maintenance. */
function engineFolder(file: string): string {
  const parts = file.split('/');
  if (parts.length === 3 || parts[2] === 'messages') return '';
  return parts[2] === 'maintenance' && parts.length > 4 ? `maintenance/${parts[3]}` : parts[2]!;
}

/** Why an edge breaks the layout, or undefined when it is allowed. */
function violation(e: ImportEdge): string | undefined {
  const from = area(e.from);
  const to = area(e.to);
  if (to === 'outside') return 'imports a file outside src/';
  if (from === to && from !== 'engine') return undefined;
  switch (from) {
    case 'index': case 'cli': return undefined;
    case 'engine': {
      if (to !== 'engine') return `the engine must not import ${to}/`;
      const a = engineFolder(e.from);
      const b = engineFolder(e.to);
      if (a === b) return undefined;
      const la = ENGINE_LEVEL[a];
      const lb = ENGINE_LEVEL[b];
      if (la === undefined) return `engine folder ${a}/ has no level in this test: add it`;
      if (lb === undefined) return `engine folder ${b}/ has no level in this test: add it`;
      return lb < la ? undefined : `engine/${a}/ (level ${la}) must not import engine/${b}/ (level ${lb})`;
    }
    case 'viz':
      if (to === 'engine' && (isEngineBase(e.to) || e.typeOnly)) return undefined;
      return to === 'engine' ? 'viz may use only result types of the engine (import type)' : `viz must not import ${to}/`;
    case 'ipynb':
      return to === 'engine' && isEngineBase(e.to) ? undefined : `ipynb (the notebook document) must not import ${to === 'engine' ? e.to : `${to}/`}`;
    case 'notebook':
      return to === 'engine' || to === 'viz' || to === 'ipynb' ? undefined : `notebook must not import ${to}/`;
    case 'magics':
      return to === 'engine' || to === 'viz' || to === 'notebook' ? undefined : `magics must not import ${to}/`;
    case 'report':
      return (to === 'engine' && isEngineBase(e.to)) || to === 'ipynb' ? undefined : `report reads notebooks only; it must not import ${to === 'engine' ? e.to : `${to}/`}`;
    default:
      return `no rule for src/${from}: add one`;
  }
}

describe('architecture: dependency directions', () => {
  const files = tsFiles(SRC);

  it('every import in src/ follows the layout', () => {
    const bad: string[] = [];
    for (const f of files) for (const e of importsOf(f)) {
      const why = violation(e);
      if (why) bad.push(`${e.from}:${e.line} -> ${e.to}: ${why}`);
    }
    assert.deepEqual(bad, []);
  });

  it('the rules themselves reject what they should (a checker that accepts everything proves nothing)', () => {
    const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly, line: 1 });
    assert.ok(violation(edge('src/engine/graph/executor.ts', 'src/engine/train/train.ts')));
    assert.ok(violation(edge('src/engine/slicing/slice.ts', 'src/engine/maintenance/restructure.ts')));
    assert.ok(violation(edge('src/engine/surgery/remove.ts', 'src/engine/pruning/lamp.ts')));
    assert.ok(violation(edge('src/engine/train/train.ts', 'src/notebook/show.ts')));
    assert.ok(violation(edge('src/viz/render.ts', 'src/engine/slicing/slice.ts')));
    assert.ok(violation(edge('src/report/reader.ts', 'src/engine/models/io-load.ts')));
    assert.ok(violation(edge('src/notebook/show.ts', 'src/magics/registry.ts')));
    assert.ok(violation(edge('src/engine/maintenance/readapt/readapt.ts', 'src/engine/maintenance/extend/extend.ts')));
    assert.ok(violation(edge('src/engine/maintenance/common/data.ts', 'src/engine/maintenance/restructure/methods.ts')));
    assert.ok(violation(edge('src/engine/maintenance/extend/extend.ts', 'src/engine/maintenance/index.ts')));
    assert.ok(violation(edge('src/engine/baselines/deeparc/deeparc.ts', 'src/engine/maintenance/common/params.ts')));
    assert.equal(violation(edge('src/engine/maintenance/extend/extend.ts', 'src/engine/maintenance/common/task-slice.ts')), undefined);
    assert.equal(violation(edge('src/viz/render.ts', 'src/engine/slicing/types.ts', true)), undefined);
    assert.equal(violation(edge('src/engine/maintenance/restructure/restructure.ts', 'src/engine/graph/index.ts')), undefined);
  });

  it('every engine folder has a level', () => {
    const folders = new Set(files.filter((f) => area(f) === 'engine').map(engineFolder));
    assert.deepEqual([...folders].filter((d) => ENGINE_LEVEL[d] === undefined), []);
    assert.ok(path.isAbsolute(SRC));
  });
});
