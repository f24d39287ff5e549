/**
 * An independent float64 reference of the profiling statistics, in plain TypeScript (no tfjs arithmetic: weights
 * are read once with dataSync). Supports Sequential models of Conv2D (stride 1, same/valid, relu/linear),
 * MaxPooling2D (2x2, stride 2, valid; gradient to the FIRST maximal element, dead windows kept), Flatten and Dense.
 * Definitions as in src/engine/slicing/profile.ts, computed the slow, obvious way (per sample, two-pass variance).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../../../src/engine/data/types.js';

type Shape = [number, number, number]; // h, w, c (a dense vector is [1, 1, n])
interface RefLayer {
  kind: 'conv' | 'pool' | 'flatten' | 'dense';
  name: string;
  relu: boolean;
  w?: Float64Array; b?: Float64Array; kh?: number; kw?: number; same?: boolean;
  inShape: Shape; outShape: Shape;
}

function f64(t: tf.Tensor): Float64Array {
  return Float64Array.from(t.dataSync());
}

export function refLayers(model: tf.LayersModel): RefLayer[] {
  const out: RefLayer[] = [];
  let shape = model.inputs[0]!.shape.slice(1) as Shape;
  for (const l of model.layers) {
    const cfg = l.getConfig() as Record<string, unknown>;
    const cls = l.getClassName();
    const relu = cfg['activation'] === 'relu';
    if (cls === 'Conv2D') {
      const [k, b] = l.getWeights();
      const [kh, kw, , co] = k!.shape as number[];
      const same = cfg['padding'] === 'same';
      const o: Shape = same ? [shape[0], shape[1], co!] : [shape[0] - kh! + 1, shape[1] - kw! + 1, co!];
      out.push({ kind: 'conv', name: l.name, relu, w: f64(k!), b: f64(b!), kh, kw, same, inShape: shape, outShape: o });
      shape = o;
    } else if (cls === 'MaxPooling2D') {
      const o: Shape = [Math.floor(shape[0] / 2), Math.floor(shape[1] / 2), shape[2]];
      out.push({ kind: 'pool', name: l.name, relu: false, inShape: shape, outShape: o });
      shape = o;
    } else if (cls === 'Flatten') {
      const o: Shape = [1, 1, shape[0] * shape[1] * shape[2]];
      out.push({ kind: 'flatten', name: l.name, relu: false, inShape: shape, outShape: o });
      shape = o;
    } else if (cls === 'Dense') {
      const [k, b] = l.getWeights();
      const o: Shape = [1, 1, k!.shape[1]!];
      out.push({ kind: 'dense', name: l.name, relu, w: f64(k!), b: f64(b!), inShape: shape, outShape: o });
      shape = o;
    } else {
      throw new Error(`reference: unsupported layer ${cls}`);
    }
  }
  return out;
}

const idx = (s: Shape, y: number, x: number, c: number) => (y * s[1] + x) * s[2] + c;

function forwardLayer(L: RefLayer, x: Float64Array): { pre: Float64Array; out: Float64Array } {
  const [oh, ow, oc] = L.outShape;
  const [ih, iw, ic] = L.inShape;
  const pre = new Float64Array(oh * ow * oc);
  if (L.kind === 'conv') {
    const kh = L.kh!, kw = L.kw!;
    const pt = L.same ? Math.floor((kh - 1) / 2) : 0, pl = L.same ? Math.floor((kw - 1) / 2) : 0;
    for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let co = 0; co < oc; co++) {
      let s = L.b![co]!;
      for (let dy = 0; dy < kh; dy++) for (let dx = 0; dx < kw; dx++) {
        const sy = y + dy - pt, sx = xx + dx - pl;
        if (sy < 0 || sx < 0 || sy >= ih || sx >= iw) continue;
        for (let ci = 0; ci < ic; ci++) s += x[idx(L.inShape, sy, sx, ci)]! * L.w![((dy * kw + dx) * ic + ci) * oc + co]!;
      }
      pre[idx(L.outShape, y, xx, co)] = s;
    }
  } else if (L.kind === 'pool') {
    for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let c = 0; c < oc; c++) {
      let m = -Infinity;
      for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) m = Math.max(m, x[idx(L.inShape, 2 * y + dy, 2 * xx + dx, c)]!);
      pre[idx(L.outShape, y, xx, c)] = m;
    }
  } else if (L.kind === 'flatten') {
    pre.set(x);
  } else {
    const n = x.length;
    for (let o = 0; o < oc; o++) {
      let s = L.b![o]!;
      for (let i = 0; i < n; i++) s += x[i]! * L.w![i * oc + o]!;
      pre[o] = s;
    }
  }
  const out = L.relu ? pre.map((v) => (v > 0 ? v : 0)) : pre;
  return { pre, out };
}

/** dL/d(input) of layer L given dL/d(output), its input x and pre-activation. */
function backwardLayer(L: RefLayer, x: Float64Array, pre: Float64Array, gOut: Float64Array): Float64Array {
  const g = L.relu ? gOut.map((v, i) => (pre[i]! > 0 ? v : 0)) : gOut;
  const [oh, ow, oc] = L.outShape;
  const [ih, iw, ic] = L.inShape;
  const gi = new Float64Array(ih * iw * ic);
  if (L.kind === 'conv') {
    const kh = L.kh!, kw = L.kw!;
    const pt = L.same ? Math.floor((kh - 1) / 2) : 0, pl = L.same ? Math.floor((kw - 1) / 2) : 0;
    for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let co = 0; co < oc; co++) {
      const gv = g[idx(L.outShape, y, xx, co)]!;
      for (let dy = 0; dy < kh; dy++) for (let dx = 0; dx < kw; dx++) {
        const sy = y + dy - pt, sx = xx + dx - pl;
        if (sy < 0 || sx < 0 || sy >= ih || sx >= iw) continue;
        for (let ci = 0; ci < ic; ci++) gi[idx(L.inShape, sy, sx, ci)]! += gv * L.w![((dy * kw + dx) * ic + ci) * oc + co]!;
      }
    }
  } else if (L.kind === 'pool') {
    for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let c = 0; c < oc; c++) {
      let best = -1, m = -Infinity;
      for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) {
        const j = idx(L.inShape, 2 * y + dy, 2 * xx + dx, c);
        if (x[j]! > m) { m = x[j]!; best = j; } // strict >: the first maximal element wins
      }
      gi[best]! += g[idx(L.outShape, y, xx, c)]!;
    }
  } else if (L.kind === 'flatten') {
    gi.set(g);
  } else {
    const n = gi.length;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let o = 0; o < oc; o++) s += L.w![i * oc + o]! * g[o]!;
      gi[i] = s;
    }
  }
  return gi;
}

export interface RefStats {
  counts: number[];
  /** metric -> site -> [classes * neurons] */
  stats: Record<'avg' | 'var' | 'taylor' | 'deeplift', Record<string, Float64Array>>;
  global: Record<'avg' | 'var' | 'taylor' | 'deeplift', Record<string, Float64Array>>;
}

function runSample(layers: RefLayer[], x: Float64Array) {
  const ins: Float64Array[] = [], pres: Float64Array[] = [], outs: Float64Array[] = [];
  let h = x;
  for (const L of layers) {
    const r = forwardLayer(L, h);
    ins.push(h); pres.push(r.pre); outs.push(r.out);
    h = r.out;
  }
  return { ins, pres, outs, logits: h };
}

/** Reference profile: sites are every conv/dense layer but the last; values read at the layer output. */
export function referenceProfile(model: tf.LayersModel, data: Dataset, onlyCorrect: boolean): RefStats {
  const layers = refLayers(model);
  const last = layers.length - 1;
  const siteIdx = layers.map((L, i) => (i < last && (L.kind === 'conv' || L.kind === 'dense') ? i : -1)).filter((i) => i >= 0);
  const C = layers[last]!.outShape[2];
  const zero = runSample(layers, new Float64Array(data.sampleShape[0] * data.sampleShape[1] * data.sampleShape[2]));
  // per site: per class: list of per-sample [a, t, d] vectors
  const rows: Array<Array<{ a: number[]; t: number[]; d: number[] }[]>> = siteIdx.map(() => Array.from({ length: C }, () => []));
  const counts = new Array<number>(C).fill(0);
  for (let s = 0; s < data.size; s++) {
    const x = Float64Array.from(data.sample(s));
    const y = data.label(s);
    const r = runSample(layers, x);
    let arg = 0;
    for (let k = 1; k < C; k++) if (r.logits[k]! > r.logits[arg]!) arg = k;
    if (onlyCorrect && arg !== y) continue;
    counts[y]!++;
    // backward of z_y down to the first site, recording g at every site output
    let g: Float64Array = new Float64Array(C);
    g[y] = 1;
    const gAt = new Map<number, Float64Array>();
    for (let i = last; i > siteIdx[0]!; i--) {
      g = backwardLayer(layers[i]!, r.ins[i]!, r.pres[i]!, g);
      gAt.set(i - 1, g);
    }
    siteIdx.forEach((li, k) => {
      const L = layers[li]!;
      const a = r.outs[li]!, ga = gAt.get(li)!, ar = zero.outs[li]!;
      const [h, w, n] = L.outShape;
      const P = h * w;
      const av: number[] = [], tv: number[] = [], dv: number[] = [];
      for (let c = 0; c < n; c++) {
        let sa = 0, st = 0, sd = 0;
        for (let p = 0; p < P; p++) {
          const j = p * n + c;
          sa += a[j]!; st += a[j]! * ga[j]!; sd += (a[j]! - ar[j]!) * ga[j]!;
        }
        av.push(sa / P); tv.push(Math.abs(st) / P); dv.push(Math.abs(sd) / P);
      }
      rows[k]![y]!.push({ a: av, t: tv, d: dv });
    });
  }
  const mk = () => ({ avg: {}, var: {}, taylor: {}, deeplift: {} }) as RefStats['stats'];
  const out: RefStats = { counts, stats: mk(), global: mk() };
  siteIdx.forEach((li, k) => {
    const name = layers[li]!.name, n = layers[li]!.outShape[2];
    const st = { avg: new Float64Array(C * n), var: new Float64Array(C * n), taylor: new Float64Array(C * n), deeplift: new Float64Array(C * n) };
    const all = rows[k]!.flat();
    const gl = { avg: new Float64Array(n), var: new Float64Array(n), taylor: new Float64Array(n), deeplift: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < C; c++) {
        const rs = rows[k]![c]!;
        const mean = rs.reduce((s, r) => s + r.a[i]!, 0) / rs.length;
        st.avg[c * n + i] = mean;
        st.var[c * n + i] = rs.reduce((s, r) => s + (r.a[i]! - mean) ** 2, 0) / rs.length;
        st.taylor[c * n + i] = rs.reduce((s, r) => s + r.t[i]!, 0) / rs.length;
        st.deeplift[c * n + i] = rs.reduce((s, r) => s + r.d[i]!, 0) / rs.length;
      }
      const mean = all.reduce((s, r) => s + r.a[i]!, 0) / all.length;
      gl.avg[i] = mean;
      gl.var[i] = all.reduce((s, r) => s + (r.a[i]! - mean) ** 2, 0) / all.length;
      gl.taylor[i] = all.reduce((s, r) => s + r.t[i]!, 0) / all.length;
      gl.deeplift[i] = all.reduce((s, r) => s + r.d[i]!, 0) / all.length;
    }
    for (const m of ['avg', 'var', 'taylor', 'deeplift'] as const) { out.stats[m][name] = st[m]; out.global[m][name] = gl[m]; }
  });
  return out;
}

/** How often the first pooling layer sees all-dead windows (max <= 0) and ties at a positive maximum. */
export function poolWindowCensus(model: tf.LayersModel, data: Dataset): { dead: number; positiveTies: number } {
  const layers = refLayers(model);
  const p = layers.findIndex((L) => L.kind === 'pool');
  let dead = 0, positiveTies = 0;
  for (let s = 0; s < data.size; s++) {
    const r = runSample(layers, Float64Array.from(data.sample(s)));
    const x = r.ins[p]!, L = layers[p]!;
    const [oh, ow, oc] = L.outShape;
    for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let c = 0; c < oc; c++) {
      const v = [0, 1, 2, 3].map((k) => x[idx(L.inShape, 2 * y + (k >> 1), 2 * xx + (k & 1), c)]!);
      const m = Math.max(...v);
      if (m <= 0) dead++;
      else if (v.filter((u) => u === m).length > 1) positiveTies++;
    }
  }
  return { dead, positiveTies };
}
