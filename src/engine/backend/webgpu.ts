/**
 * The webgpu backend: @tensorflow/tfjs-backend-webgpu on Dawn's Node bindings (the npm package `webgpu`, which gives
 * Node a `navigator.gpu`). Both packages are optional peers: where either is missing or cannot load, the loader says
 * why and 'auto' goes on to wasm.
 *
 * Which adapter: Dawn's native backend for the platform (Vulkan on Linux, Metal on macOS, D3D12 on Windows), or the
 * one `backend=NAME` in SEMSLICE_WEBGPU_FLAGS names. 'auto' takes only a hardware adapter, and on Linux looks for
 * one only where a GPU device node exists (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg), so a CPU machine never
 * loads Dawn. A forced request (SEMSLICE_BACKEND=webgpu, { backend: 'webgpu' }) takes whatever adapter exists and,
 * on Linux, falls back to Dawn's OpenGL ES backend: on a machine without a GPU that is Mesa's llvmpipe, through
 * EGL's surfaceless platform and WebGPU's compatibility feature level (how CI runs the webgpu paths).
 *
 * tfjs-backend-webgpu's own factory asks only for a high-performance adapter, so semslice builds the device itself
 * (every limit the adapter offers) and registers `new WebGPUBackend(device, adapterInfo)` under the name 'webgpu'.
 * Dawn's instance keeps native threads: releaseWebGPU() destroys the device and removes navigator.gpu so Node can
 * exit (initBackend's releaseBackend() calls it).
 */
import { existsSync, readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

/** The adapter the webgpu backend runs on, as Dawn describes it. */
export interface WebGPUAdapterInfo {
  /** e.g. "nvidia", "amd", "intel"; empty where the driver does not say (Mesa's GL drivers). */
  vendor: string;
  /** e.g. "hopper", "rdna-3"; empty where unknown. */
  architecture: string;
  /** The device name, e.g. "NVIDIA H100 80GB HBM3" or "llvmpipe-llvm-15-0-6-256-bits-". */
  device: string;
  /** The driver's description, e.g. "NVIDIA: 550.54.15" or "OpenGL version OpenGL ES 3.2 Mesa 22.3.6". */
  description: string;
  /** Dawn's backend: 'vulkan', 'metal', 'd3d12', 'opengles', ... */
  dawnBackend: string;
  /** 'core' (full WebGPU) or 'compatibility' (the reduced feature level OpenGL ES offers). */
  featureLevel: 'core' | 'compatibility';
  /** A CPU implementation (llvmpipe, lavapipe, SwiftShader, WARP): never taken by 'auto'. */
  software: boolean;
}

/** What the loader needs of Dawn's objects (the package's own types stay out of semslice's declarations). */
interface GpuAdapter {
  info: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  features: ReadonlySet<string>;
  limits: object;
  requestDevice(descriptor?: object): Promise<GpuDevice>;
}
interface GpuDevice { destroy(): void }
interface GpuInstance { requestAdapter(options?: object): Promise<GpuAdapter | null> }
interface DawnModule { create(flags: string[]): GpuInstance; globals: Record<string, unknown> }
interface TfjsWebGPUModule { WebGPUBackend: new (device: GpuDevice, adapterInfo: object) => tf.KernelBackend }

/** The two optional packages, in the order they are loaded. */
export const WEBGPU_PACKAGES = ['webgpu', '@tensorflow/tfjs-backend-webgpu'] as const;

/**
 * @internal What the loader asks of the machine: how the optional packages are imported, and whether a GPU device
 * node exists. Tests replace these to simulate an install where a package is missing or fails to load, or a machine
 * with a GPU device; nothing else should touch them.
 */
export const webgpuProbe = {
  load: (name: string): Promise<unknown> => import(name),
  missingGpuDevice: (): string | undefined => missingGpuDevice(),
};

export type WebGPULoadResult =
  | { ok: true; detail: string; adapter: WebGPUAdapterInfo }
  | { ok: false; why: string };

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|basic render driver|\bwarp\b/i;
const NATIVE_BACKEND: Record<string, string> = { linux: 'vulkan', darwin: 'metal', win32: 'd3d12' };
const GL_BACKENDS = new Set(['opengl', 'opengles']);

let held: { device: GpuDevice; instance: GpuInstance; createdNavigator: boolean } | undefined;

function message(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') return 'not installed';
  // Dawn's messages list the backends or adapters it has on the following lines: keep them, on one line.
  return String(err?.message ?? e).split('\n').map((l) => l.trim()).filter(Boolean).join(' ').slice(0, 400);
}

/** SEMSLICE_WEBGPU_FLAGS: whitespace-separated create() options (key=value), e.g. "backend=vulkan adapter=NAME". */
export function webgpuFlags(env: string | undefined = process.env['SEMSLICE_WEBGPU_FLAGS']): { backend?: string; rest: string[] } {
  const tokens = (env ?? '').split(/\s+/).filter(Boolean);
  const backend = tokens.find((t) => t.startsWith('backend='))?.slice('backend='.length);
  return { ...(backend ? { backend } : {}), rest: tokens.filter((t) => !t.startsWith('backend=')) };
}

/** Linux: why no hardware adapter can exist (no GPU device node), or undefined. Other platforms: undefined. */
export function missingGpuDevice(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const dri = existsSync('/dev/dri') ? readdirSync('/dev/dri').some((f) => f.startsWith('renderD')) : false;
  const nvidia = existsSync('/dev') && readdirSync('/dev').some((f) => /^nvidia\d+$/.test(f));
  if (dri || nvidia || existsSync('/dev/dxg')) return undefined;
  return 'no GPU device (no /dev/dri/renderD*, /dev/nvidia*, /dev/dxg)';
}

function describe(adapter: GpuAdapter, dawnBackend: string, featureLevel: 'core' | 'compatibility'): WebGPUAdapterInfo {
  const i = adapter.info;
  const info = { vendor: i.vendor ?? '', architecture: i.architecture ?? '', device: i.device ?? '', description: i.description ?? '' };
  const software = i.isFallbackAdapter === true || SOFTWARE.test(Object.values(info).join(' '));
  return { ...info, dawnBackend, featureLevel, software };
}

/** One line naming the adapter: device, vendor, architecture, driver, Dawn backend, feature level, kind. */
export function adapterSummary(a: WebGPUAdapterInfo): string {
  const who = [a.vendor && `vendor ${a.vendor}`, a.architecture && `architecture ${a.architecture}`, a.description].filter(Boolean).join(', ');
  return `${a.device || 'unnamed adapter'}${who ? ` (${who})` : ''}; Dawn ${a.dawnBackend}${a.featureLevel === 'compatibility' ? ', compatibility mode' : ''}; ${a.software ? 'software adapter' : 'hardware adapter'}`;
}

/** Every numeric limit the adapter offers (the defaults are far lower, e.g. 256 threads per workgroup on GL). */
function allLimits(adapter: GpuAdapter): Record<string, number> {
  const out: Record<string, number> = {};
  for (let p: object | null = adapter.limits; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      const v = (adapter.limits as Record<string, unknown>)[k];
      if (typeof v === 'number' && !(k in out)) out[k] = v;
    }
  }
  return out;
}

function setNavigatorGpu(instance: GpuInstance): boolean {
  const g = globalThis as { navigator?: object };
  const created = g.navigator === undefined;
  if (created) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(g.navigator!, 'gpu', { value: instance, configurable: true, writable: true });
  return created;
}

/**
 * Load the webgpu backend and switch tfjs to it. `forced`: take a software adapter too (and try OpenGL ES on
 * Linux). Never throws for an unavailable backend: says why instead.
 */
export async function loadWebGPU(forced: boolean): Promise<WebGPULoadResult> {
  if (!forced) {
    const none = webgpuProbe.missingGpuDevice();
    if (none) return { ok: false, why: none };
  }
  const mods: unknown[] = [];
  for (const name of WEBGPU_PACKAGES) {
    try {
      mods.push(await webgpuProbe.load(name));
    } catch (e) {
      return { ok: false, why: `${name}: ${message(e)}` };
    }
  }
  const dawn = mods[0] as DawnModule, backendModule = mods[1] as TfjsWebGPUModule;
  if (typeof dawn.create !== 'function' || typeof backendModule.WebGPUBackend !== 'function') {
    return { ok: false, why: 'webgpu or @tensorflow/tfjs-backend-webgpu does not export what semslice uses (create, WebGPUBackend)' };
  }
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  const flags = webgpuFlags();
  const native = NATIVE_BACKEND[process.platform];
  const candidates = flags.backend ? [flags.backend] : [...(native ? [native] : []), ...(forced && process.platform === 'linux' ? ['opengles'] : [])];
  if (candidates.length === 0) return { ok: false, why: `no Dawn backend known for platform ${process.platform} (name one: SEMSLICE_WEBGPU_FLAGS=backend=NAME)` };
  const tried: string[] = [];
  for (const b of candidates) {
    // Mesa's EGL needs a platform without a display server; an explicit EGL_PLATFORM wins.
    if (GL_BACKENDS.has(b) && process.env['EGL_PLATFORM'] === undefined) process.env['EGL_PLATFORM'] = 'surfaceless';
    let instance: GpuInstance, adapter: GpuAdapter | null = null, level: 'core' | 'compatibility' = 'core';
    try {
      instance = dawn.create([`backend=${b}`, ...flags.rest]);
      for (level of ['core', 'compatibility'] as const) {
        adapter = await instance.requestAdapter({ powerPreference: 'high-performance', featureLevel: level });
        if (adapter) break;
      }
    } catch (e) {
      tried.push(`Dawn ${b}: ${message(e)}`);
      continue;
    }
    if (!adapter) { tried.push(`Dawn ${b}: no adapter`); continue; }
    const info = describe(adapter, b, level);
    if (info.software && !forced) {
      tried.push(`only the software adapter ${adapterSummary(info)} (not taken automatically; SEMSLICE_BACKEND=webgpu forces it)`);
      continue;
    }
    const chosen = adapter;
    let device: GpuDevice | undefined;
    try {
      device = await chosen.requestDevice({
        requiredLimits: allLimits(chosen),
        requiredFeatures: chosen.features.has('timestamp-query') ? ['timestamp-query'] : [],
      });
      releaseWebGPU(); // a device loaded before gives way to this one
      held = { device, instance, createdNavigator: setNavigatorGpu(instance) };
      if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
      const d = device;
      tf.registerBackend('webgpu', () => new backendModule.WebGPUBackend(d, chosen.info), 3);
      if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") failed to initialise');
      return { ok: true, detail: `${adapterSummary(info)}${tried.length ? `; not taken before it: ${tried.join('; ')}` : ''}`, adapter: info };
    } catch (e) {
      if (held?.device === device) releaseWebGPU();
      else device?.destroy();
      tried.push(`${adapterSummary(info)}: ${message(e)}`);
    }
  }
  return { ok: false, why: tried.join('; ') };
}

/**
 * Give back what the webgpu backend holds (its tfjs backend and buffers, the Dawn device, navigator.gpu) so Node can
 * exit. A no-op when webgpu was never loaded. Tensors on webgpu are invalid afterwards.
 */
export function releaseWebGPU(): void {
  if (!held) return;
  const h = held;
  held = undefined;
  // Removes the backend (disposing its buffers) and its factory; tf.findBackend would create one to look at it.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  h.device.destroy();
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator) delete g.navigator.gpu;
  if (h.createdNavigator) delete (globalThis as { navigator?: unknown }).navigator;
}
