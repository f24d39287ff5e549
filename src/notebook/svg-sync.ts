/**
 * A synchronous SVG render, for util.inspect.custom (a cell's last value is printed synchronously, and a display
 * sent after the cell finished would be lost to nbconvert). vega renders asynchronously, so a persistent worker
 * thread renders and the caller blocks on Atomics.wait, then takes the reply with receiveMessageOnPort. Best effort:
 * on any failure or timeout it returns undefined and the bundle goes out without its SVG.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { normaliseIds } from '../viz/render.js';
import type { ChartSpec } from './parts.js';

// Plain JS so the same worker starts from dist/ and under tsx. vega's warnings are dropped, as in viz's renderSvg.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const quiet = () => { let l = 2; const o = { level(x) { if (x === undefined) return l; l = x; return o; }, error() { return o; }, warn() { return o; }, info() { return o; }, debug() { return o; } }; return o; };
const ready = Promise.all([import(workerData.vega), import(workerData.vl)]);
workerData.port.on('message', async ({ spec, flag }) => {
  let reply;
  try {
    const [vega, vl] = await ready;
    const view = new vega.View(vega.parse(vl.compile(spec, { logger: quiet() }).spec), { renderer: 'none', logger: quiet() });
    try { reply = { svg: await view.toSVG() }; } finally { view.finalize(); }
  } catch (e) { reply = { error: String((e && e.message) || e) }; }
  workerData.port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

let port: MessagePort | undefined;
let failed = false;

function start(): MessagePort {
  const req = createRequire(import.meta.url);
  const { port1, port2 } = new MessageChannel();
  const w = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [],
    workerData: { port: port2, vega: pathToFileURL(req.resolve('vega')).href, vl: pathToFileURL(req.resolve('vega-lite')).href },
    transferList: [port2],
  });
  w.on('error', () => (failed = true));
  w.unref(); // never keeps the kernel or a script alive
  port1.unref();
  return port1;
}

/**
 * Render a Vega-Lite spec to SVG synchronously (blocks up to timeoutMs; the first call also starts the worker and
 * loads vega, about a second). Undefined when rendering failed or timed out.
 *
 * @example
 * const svg = chartSvgSync(spec); // same bytes as await chartSvg(spec)
 */
export function chartSvgSync(spec: ChartSpec, timeoutMs = 30_000): string | undefined {
  if (failed) return undefined;
  try {
    port ??= start();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    port.postMessage({ spec, flag });
    if (Atomics.wait(flag, 0, 0, timeoutMs) === 'timed-out') {
      failed = true; // a late reply would be taken as the answer to the next request
      return undefined;
    }
    const reply = receiveMessageOnPort(port)?.message as { svg?: string } | undefined;
    return typeof reply?.svg === 'string' ? normaliseIds(reply.svg) : undefined;
  } catch {
    failed = true;
    return undefined;
  }
}
