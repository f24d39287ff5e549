/**
 * A promise nobody awaits runs on after the statement: its work lands later than the code around it assumes, and its
 * rejection escapes every try block. (A pruning step left unawaited let fine-tuning read the old masks, so pruned
 * weights grew back.) This check type-checks src/ and test/ and fails on every expression statement whose value is a
 * promise unless it is awaited, `void`ed on purpose, an assignment, or a chain that handles rejection (`.catch` or a
 * two-argument `.then`).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './source-files.js';

/** `file:line: statement` for each floating promise among the given files (all of the project when none). */
export function floatingPromises(program: ts.Program, only?: (file: string) => boolean): string[] {
  const checker = program.getTypeChecker();
  const isPromise = (t: ts.Type): boolean => (t.getSymbol() ?? t.aliasSymbol)?.getName() === 'Promise' || (t.isUnion() && t.types.some(isPromise));
  const handled = (e: ts.Expression): boolean => {
    if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression)) return false;
    const name = e.expression.name.text;
    return name === 'catch' || (name === 'then' && e.arguments.length >= 2) || (name === 'finally' && handled(e.expression.expression));
  };
  const out: string[] = [];
  for (const sf of program.getSourceFiles()) {
    const rel = path.relative(ROOT, sf.fileName).split(path.sep).join('/');
    if (sf.isDeclarationFile || rel.startsWith('..') || rel.includes('node_modules') || (only && !only(rel))) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isExpressionStatement(n)) {
        const e = n.expression;
        const assignment = ts.isBinaryExpression(e) && e.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && e.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
        if (!ts.isAwaitExpression(e) && !ts.isVoidExpression(e) && !assignment && !handled(e) && isPromise(checker.getTypeAtLocation(e))) {
          out.push(`${rel}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${n.getText().split('\n')[0]!.slice(0, 100)}`);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

function programOf(files: string[], options: ts.CompilerOptions): ts.Program {
  return ts.createProgram(files, { ...options, noEmit: true });
}

describe('architecture: no floating promises', function () {
  this.timeout(180_000);

  it('the check finds an unawaited promise and accepts the handled forms', () => {
    const file = path.join(ROOT, 'test/architecture/__floating_sample.ts');
    const text = [
      'async function f(): Promise<number> { return 1; }',
      'export async function g(): Promise<void> {',
      '  f();',                                   // floating
      '  await f();',
      '  void f();',
      '  f().catch(() => 0);',
      '  f().then(() => 0, () => 0);',
      '  f().then(() => 0);',                     // floating: no rejection handler
      '  let p: Promise<number> | undefined; p ??= f(); await p;',
      '}',
    ].join('\n');
    const host = ts.createCompilerHost({ strict: true, target: ts.ScriptTarget.ES2022 });
    const read = host.readFile.bind(host);
    host.readFile = (f) => (path.resolve(f) === file ? text : read(f));
    const exists = host.fileExists.bind(host);
    host.fileExists = (f) => path.resolve(f) === file || exists(f);
    const getSource = host.getSourceFile.bind(host);
    host.getSourceFile = (f, v) => (path.resolve(f) === file ? ts.createSourceFile(f, text, v) : getSource(f, v));
    const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], noEmit: true }, host);
    assert.deepEqual(floatingPromises(program).map((x) => x.replace(/^.*__floating_sample\.ts:/, '')), ['3: f();', '8: f().then(() => 0);']);
  });

  it('none in src/ and test/', () => {
    const cfg = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
    assert.ok(cfg);
    const found = floatingPromises(programOf(cfg.fileNames, cfg.options), (f) => f.startsWith('src/') || f.startsWith('test/'));
    assert.deepEqual(found, [], `await these (or void them on purpose):\n${found.join('\n')}`);
  });
});
