/**
 * enableMagics(): make `%%name` / `%name` cells work in a tslab kernel by wrapping the kernel's
 * JupyterHandlerImpl.prototype.handleExecuteImpl (tslab has no magic API). Feature-detected,
 * idempotent, optional: everything also works through the `magic` tagged template.
 */
import { kernelJupyterModule, inKernel } from '../notebook/kernel.js';
import { installFriendlyErrors } from '../notebook/friendly.js';
import { DISPATCH_GLOBAL, rewriteMagicCell } from './cell.js';
import { dispatchMagic } from './registry.js';
import { registerBuiltinMagics } from './builtins/register-all.js';

const WRAPPED = Symbol.for('semslice.magics.wrapped');

type ExecuteImpl = ((this: unknown, req: { code: string }, ...rest: unknown[]) => unknown) & { [WRAPPED]?: true };

/** Install the global dispatcher the rewritten cells call. */
export function installDispatcher(): void {
  (globalThis as Record<string, unknown>)[DISPATCH_GLOBAL] = dispatchMagic;
}

/**
 * Enable `%%magic` cells for the following cells of this kernel. Returns false (and says why, on stdout: stderr
 * would count as an error in an executed notebook) outside a kernel or when tslab's internals are not found.
 *
 * @example
 * ss.enableMagics();   // then, in a new cell:  %%slice model=models/lenet5 data=mnist theta=0.95 as=s
 */
export function enableMagics(opts: { write?: (s: string) => void } = {}): boolean {
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  registerBuiltinMagics();
  if (!inKernel()) {
    write('enableMagics: not running in a tslab kernel; %% cells need Jupyter with tslab. The magic`...` tagged template works everywhere.\n');
    return false;
  }
  const proto = kernelJupyterModule()?.JupyterHandlerImpl?.prototype as { handleExecuteImpl?: ExecuteImpl } | undefined;
  const orig = proto?.handleExecuteImpl;
  if (!proto || typeof orig !== 'function') {
    write('enableMagics: this tslab version has no JupyterHandlerImpl.handleExecuteImpl to hook; use the magic`...` tagged template.\n');
    return false;
  }
  installDispatcher();
  installFriendlyErrors();
  if (orig[WRAPPED]) return true;
  const wrapped: ExecuteImpl = function (this: unknown, req, ...rest) {
    const code = typeof req?.code === 'string' ? rewriteMagicCell(req.code) : undefined;
    return orig.call(this, code === undefined ? req : { ...req, code }, ...rest);
  };
  wrapped[WRAPPED] = true;
  proto.handleExecuteImpl = wrapped;
  return true;
}
