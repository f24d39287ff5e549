/*
 * Native float32 kernels for the wasm backend: convolution (forward, input gradient, filter gradient) and matrix
 * products as im2col + BLAS sgemm (OpenBLAS), computed in place on the wasm module's heap. The caller passes the
 * heap's ArrayBuffer and byte offsets of tensors the wasm backend already owns, so nothing is copied in or out.
 *
 * Layouts are tfjs': x [N, H, W, Ci] (NHWC), filter [KH, KW, Ci, Co] (row-major, which is also the [K, Co] matrix
 * with K = KH*KW*Ci), y [N, OH, OW, Co]. Padding is explicit (top, left); strides and dilations are any positive.
 *
 * Determinism: sgemm splits only the output (never the summed axis) across threads, and the filter gradient sums
 * its sample chunks in a fixed order, so a given thread count gives the same bytes run after run.
 *
 * Scratch (the im2col buffer) belongs to the calling Node environment (the main thread or one worker thread), so
 * workers never share it; it is freed when that environment exits.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <cblas.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

/* openblas_set_num_threads / openblas_get_num_threads are OpenBLAS extensions (declared in its cblas.h). */

typedef struct {
  float* buf;
  size_t cap;
} Scratch;

static void scratch_free(napi_env env, void* data, void* hint) {
  (void)env; (void)hint;
  Scratch* s = (Scratch*)data;
  free(s->buf);
  free(s);
}

static float* scratch_get(napi_env env, size_t n) {
  Scratch* s = NULL;
  napi_get_instance_data(env, (void**)&s);
  if (s == NULL) return NULL;
  if (n > s->cap) {
    free(s->buf);
    s->buf = (float*)malloc(n * sizeof(float));
    s->cap = s->buf ? n : 0;
  }
  return s->buf;
}

/* Largest im2col chunk, in floats: 4 Mi floats (16 MiB) keeps the buffer bounded for large batches. */
#define CHUNK_FLOATS (4u << 20)

typedef struct {
  int n, h, w, ci, kh, kw, co, oh, ow, sh, sw, pt, pl, dh, dw;
} Geom;

#define MAX_ARGS 24

static napi_value throw_msg(napi_env env, const char* msg) {
  napi_throw_error(env, "SEMSLICE_NATIVE", msg);
  return NULL;
}

/* Reads the heap ArrayBuffer (argument 0) and `count` int32 arguments after it. */
static int read_args(napi_env env, napi_callback_info info, size_t count, uint8_t** heap, size_t* heap_len, int64_t* out) {
  size_t argc = MAX_ARGS;
  napi_value argv[MAX_ARGS];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < count + 1) return 0;
  void* data = NULL;
  if (napi_get_arraybuffer_info(env, argv[0], &data, heap_len) != napi_ok) return 0;
  *heap = (uint8_t*)data;
  for (size_t i = 0; i < count; i++) {
    if (napi_get_value_int64(env, argv[i + 1], &out[i]) != napi_ok) return 0;
  }
  return 1;
}

static int geom_from(const int64_t* a, Geom* g) {
  g->n = (int)a[0]; g->h = (int)a[1]; g->w = (int)a[2]; g->ci = (int)a[3];
  g->kh = (int)a[4]; g->kw = (int)a[5]; g->co = (int)a[6]; g->oh = (int)a[7]; g->ow = (int)a[8];
  g->sh = (int)a[9]; g->sw = (int)a[10]; g->pt = (int)a[11]; g->pl = (int)a[12]; g->dh = (int)a[13]; g->dw = (int)a[14];
  return g->n > 0 && g->h > 0 && g->w > 0 && g->ci > 0 && g->kh > 0 && g->kw > 0 && g->co > 0 && g->oh > 0 &&
         g->ow > 0 && g->sh > 0 && g->sw > 0 && g->dh > 0 && g->dw > 0;
}

static int in_heap(size_t off, size_t floats, size_t heap_len) {
  return off % 4 == 0 && off <= heap_len && floats <= (heap_len - off) / 4;
}

/* A 1x1, stride-1, unpadded convolution reads x as the im2col matrix itself. */
static int is_pointwise(const Geom* g) {
  return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pl == 0 && g->oh == g->h && g->ow == g->w;
}

static size_t chunk_samples(const Geom* g) {
  size_t per = (size_t)g->oh * g->ow * g->kh * g->kw * g->ci;
  size_t s = per == 0 ? 1 : CHUNK_FLOATS / per;
  if (s < 1) s = 1;
  if (s > (size_t)g->n) s = (size_t)g->n;
  return s;
}

/* Short runs (one-channel images: 3-5 floats) are copied inline; a memcpy call per run costs more than the copy. */
static inline void copy_run(float* d, const float* src, size_t n) {
  if (n >= 16) { memcpy(d, src, n * sizeof(float)); return; }
  for (size_t i = 0; i < n; i++) d[i] = src[i];
}

static inline void zero_run(float* d, size_t n) {
  if (n >= 16) { memset(d, 0, n * sizeof(float)); return; }
  for (size_t i = 0; i < n; i++) d[i] = 0.f;
}

/* cols[(s*OH + oh)*OW + ow, (kh*KW + kw)*Ci + c] = x[n0 + s, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw, c] (0 outside). */
static void im2col(const Geom* g, const float* x, int n0, int ns, float* cols) {
  const size_t K = (size_t)g->kh * g->kw * g->ci;
  const size_t row_x = (size_t)g->w * g->ci;
  const size_t img_x = (size_t)g->h * row_x;
  for (int s = 0; s < ns; s++) {
    const float* xs = x + (size_t)(n0 + s) * img_x;
    for (int oh = 0; oh < g->oh; oh++) {
      for (int ow = 0; ow < g->ow; ow++) {
        float* dst = cols + (((size_t)s * g->oh + oh) * g->ow + ow) * K;
        const int iw0 = ow * g->sw - g->pl;
        const int contiguous = g->dw == 1 && iw0 >= 0 && iw0 + g->kw <= g->w;
        for (int kh = 0; kh < g->kh; kh++) {
          const int ih = oh * g->sh - g->pt + kh * g->dh;
          float* d = dst + (size_t)kh * g->kw * g->ci;
          if (ih < 0 || ih >= g->h) {
            zero_run(d, (size_t)g->kw * g->ci);
            continue;
          }
          const float* xr = xs + (size_t)ih * row_x;
          if (contiguous) {
            copy_run(d, xr + (size_t)iw0 * g->ci, (size_t)g->kw * g->ci);
            continue;
          }
          for (int kw = 0; kw < g->kw; kw++) {
            const int iw = iw0 + kw * g->dw;
            if (iw < 0 || iw >= g->w) zero_run(d + (size_t)kw * g->ci, (size_t)g->ci);
            else copy_run(d + (size_t)kw * g->ci, xr + (size_t)iw * g->ci, (size_t)g->ci);
          }
        }
      }
    }
  }
}

/*
 * One-channel inputs with unit column stride (a first layer on grey images): the transposed im2col matrix,
 * colsT[k, (s*OH + oh)*OW + ow] for k = kh*KW + kw, is built from whole shifted image rows (runs of OW floats)
 * instead of one short patch row per pixel, and sgemm reads it transposed.
 */
static int use_transposed_cols(const Geom* g) {
  return g->ci == 1 && g->sw == 1 && g->dw == 1;
}

static void im2col_t(const Geom* g, const float* x, int n0, int ns, float* colsT) {
  const size_t cols = (size_t)ns * g->oh * g->ow;
  for (int kh = 0; kh < g->kh; kh++) {
    for (int kw = 0; kw < g->kw; kw++) {
      float* dst = colsT + ((size_t)kh * g->kw + kw) * cols;
      /* iw = ow - pl + kw lies in [0, W) for ow in [lo, hi). */
      int lo = g->pl - kw, hi = g->w + g->pl - kw;
      if (lo < 0) lo = 0;
      if (hi > g->ow) hi = g->ow;
      for (int s = 0; s < ns; s++) {
        const float* xs = x + (size_t)(n0 + s) * g->h * g->w;
        for (int oh = 0; oh < g->oh; oh++) {
          float* d = dst + ((size_t)s * g->oh + oh) * g->ow;
          const int ih = oh * g->sh - g->pt + kh * g->dh;
          if (ih < 0 || ih >= g->h || lo >= hi) { memset(d, 0, sizeof(float) * g->ow); continue; }
          for (int ow = 0; ow < lo; ow++) d[ow] = 0.f;
          memcpy(d + lo, xs + (size_t)ih * g->w + (lo - g->pl + kw), sizeof(float) * (size_t)(hi - lo));
          for (int ow = hi; ow < g->ow; ow++) d[ow] = 0.f;
        }
      }
    }
  }
}

/* dx[n0 + s, ...] += cols rows, the adjoint of im2col. */
static void col2im_add(const Geom* g, const float* cols, int n0, int ns, float* dx) {
  const size_t K = (size_t)g->kh * g->kw * g->ci;
  const size_t row_x = (size_t)g->w * g->ci;
  const size_t img_x = (size_t)g->h * row_x;
  for (int s = 0; s < ns; s++) {
    float* xs = dx + (size_t)(n0 + s) * img_x;
    for (int oh = 0; oh < g->oh; oh++) {
      for (int ow = 0; ow < g->ow; ow++) {
        const float* src = cols + (((size_t)s * g->oh + oh) * g->ow + ow) * K;
        const int iw0 = ow * g->sw - g->pl;
        for (int kh = 0; kh < g->kh; kh++) {
          const int ih = oh * g->sh - g->pt + kh * g->dh;
          if (ih < 0 || ih >= g->h) continue;
          float* xr = xs + (size_t)ih * row_x;
          const float* srow = src + (size_t)kh * g->kw * g->ci;
          for (int kw = 0; kw < g->kw; kw++) {
            const int iw = iw0 + kw * g->dw;
            if (iw < 0 || iw >= g->w) continue;
            float* d = xr + (size_t)iw * g->ci;
            const float* sv = srow + (size_t)kw * g->ci;
            for (int c = 0; c < g->ci; c++) d[c] += sv[c];
          }
        }
      }
    }
  }
}

/* Activations the fused kernels apply in place: 0 linear, 1 relu, 2 relu6, 3 leakyrelu (alpha). */
static void bias_act(float* y, size_t rows, int cols, const float* bias, int act, float alpha) {
  for (size_t r = 0; r < rows; r++) {
    float* v = y + r * cols;
    if (bias) for (int c = 0; c < cols; c++) v[c] += bias[c];
    switch (act) {
      case 1: for (int c = 0; c < cols; c++) v[c] = v[c] > 0 ? v[c] : 0; break;
      case 2: for (int c = 0; c < cols; c++) v[c] = v[c] < 0 ? 0 : (v[c] > 6 ? 6 : v[c]); break;
      case 3: for (int c = 0; c < cols; c++) v[c] = v[c] > 0 ? v[c] : alpha * v[c]; break;
      default: break;
    }
  }
}

/* conv2d(heap, 15 geometry ints, xOff, wOff, yOff, biasOff (-1: none), act, alphaBits) */
static napi_value conv2d(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[21]; Geom g;
  if (!read_args(env, info, 21, &heap, &len, a) || !geom_from(a, &g)) return throw_msg(env, "conv2d: bad arguments");
  const size_t K = (size_t)g.kh * g.kw * g.ci, P = (size_t)g.oh * g.ow;
  const size_t nx = (size_t)g.n * g.h * g.w * g.ci, ny = (size_t)g.n * P * g.co;
  if (!in_heap(a[15], nx, len) || !in_heap(a[16], K * g.co, len) || !in_heap(a[17], ny, len) ||
      (a[18] >= 0 && !in_heap(a[18], g.co, len))) return throw_msg(env, "conv2d: tensor outside the heap");
  const float* x = (const float*)(heap + a[15]);
  const float* w = (const float*)(heap + a[16]);
  float* y = (float*)(heap + a[17]);
  const float* bias = a[18] >= 0 ? (const float*)(heap + a[18]) : NULL;
  float alpha; int32_t bits = (int32_t)a[20]; memcpy(&alpha, &bits, 4);
  if (is_pointwise(&g)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(g.n * P), g.co, (int)K, 1.f, x, (int)K, w, g.co, 0.f, y, g.co);
  } else {
    const size_t cs = chunk_samples(&g);
    float* cols = scratch_get(env, cs * P * K);
    if (!cols) return throw_msg(env, "conv2d: out of memory for the im2col buffer");
    for (int n0 = 0; n0 < g.n; n0 += (int)cs) {
      const int ns = (int)((size_t)(g.n - n0) < cs ? (size_t)(g.n - n0) : cs);
      if (use_transposed_cols(&g)) {
        im2col_t(&g, x, n0, ns, cols);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)(ns * P), g.co, (int)K, 1.f, cols, (int)(ns * P), w, g.co, 0.f,
                    y + (size_t)n0 * P * g.co, g.co);
        continue;
      }
      im2col(&g, x, n0, ns, cols);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(ns * P), g.co, (int)K, 1.f, cols, (int)K, w, g.co, 0.f,
                  y + (size_t)n0 * P * g.co, g.co);
    }
  }
  if (bias || a[19] != 0) bias_act(y, (size_t)g.n * P, g.co, bias, (int)a[19], alpha);
  return NULL;
}

/* conv2dBackpropInput(heap, 15 geometry ints, dyOff, wOff, dxOff) */
static napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[18]; Geom g;
  if (!read_args(env, info, 18, &heap, &len, a) || !geom_from(a, &g)) return throw_msg(env, "conv2dBackpropInput: bad arguments");
  const size_t K = (size_t)g.kh * g.kw * g.ci, P = (size_t)g.oh * g.ow;
  const size_t nx = (size_t)g.n * g.h * g.w * g.ci, ny = (size_t)g.n * P * g.co;
  if (!in_heap(a[15], ny, len) || !in_heap(a[16], K * g.co, len) || !in_heap(a[17], nx, len))
    return throw_msg(env, "conv2dBackpropInput: tensor outside the heap");
  const float* dy = (const float*)(heap + a[15]);
  const float* w = (const float*)(heap + a[16]);
  float* dx = (float*)(heap + a[17]);
  if (is_pointwise(&g)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(g.n * P), (int)K, g.co, 1.f, dy, g.co, w, g.co, 0.f, dx, (int)K);
    return NULL;
  }
  memset(dx, 0, nx * sizeof(float));
  const size_t cs = chunk_samples(&g);
  float* cols = scratch_get(env, cs * P * K);
  if (!cols) return throw_msg(env, "conv2dBackpropInput: out of memory for the im2col buffer");
  for (int n0 = 0; n0 < g.n; n0 += (int)cs) {
    const int ns = (int)((size_t)(g.n - n0) < cs ? (size_t)(g.n - n0) : cs);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(ns * P), (int)K, g.co, 1.f, dy + (size_t)n0 * P * g.co, g.co,
                w, g.co, 0.f, cols, (int)K);
    col2im_add(&g, cols, n0, ns, dx);
  }
  return NULL;
}

/* conv2dBackpropFilter(heap, 15 geometry ints, xOff, dyOff, dwOff) */
static napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[18]; Geom g;
  if (!read_args(env, info, 18, &heap, &len, a) || !geom_from(a, &g)) return throw_msg(env, "conv2dBackpropFilter: bad arguments");
  const size_t K = (size_t)g.kh * g.kw * g.ci, P = (size_t)g.oh * g.ow;
  const size_t nx = (size_t)g.n * g.h * g.w * g.ci, ny = (size_t)g.n * P * g.co;
  if (!in_heap(a[15], nx, len) || !in_heap(a[16], ny, len) || !in_heap(a[17], K * g.co, len))
    return throw_msg(env, "conv2dBackpropFilter: tensor outside the heap");
  const float* x = (const float*)(heap + a[15]);
  const float* dy = (const float*)(heap + a[16]);
  float* dw = (float*)(heap + a[17]);
  if (is_pointwise(&g)) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, g.co, (int)(g.n * P), 1.f, x, (int)K, dy, g.co, 0.f, dw, g.co);
    return NULL;
  }
  const size_t cs = chunk_samples(&g);
  float* cols = scratch_get(env, cs * P * K);
  if (!cols) return throw_msg(env, "conv2dBackpropFilter: out of memory for the im2col buffer");
  for (int n0 = 0; n0 < g.n; n0 += (int)cs) {
    const int ns = (int)((size_t)(g.n - n0) < cs ? (size_t)(g.n - n0) : cs);
    if (use_transposed_cols(&g)) {
      im2col_t(&g, x, n0, ns, cols);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)K, g.co, (int)(ns * P), 1.f, cols, (int)(ns * P),
                  dy + (size_t)n0 * P * g.co, g.co, n0 == 0 ? 0.f : 1.f, dw, g.co);
      continue;
    }
    im2col(&g, x, n0, ns, cols);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, g.co, (int)(ns * P), 1.f, cols, (int)K,
                dy + (size_t)n0 * P * g.co, g.co, n0 == 0 ? 0.f : 1.f, dw, g.co);
  }
  return NULL;
}

/*
 * matmul(heap, batch, m, k, n, transA, transB, strideA, strideB, aOff, bOff, yOff, biasOff, act, alphaBits)
 * y[b] = op(a[b]) x op(b[b]) (+ bias[n], activation); strideA/strideB are 0 for an operand shared by every batch.
 */
static napi_value matmul(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[14];
  if (!read_args(env, info, 14, &heap, &len, a)) return throw_msg(env, "matmul: bad arguments");
  const int batch = (int)a[0], m = (int)a[1], k = (int)a[2], n = (int)a[3], ta = (int)a[4], tb = (int)a[5];
  const size_t sa = (size_t)a[6], sb = (size_t)a[7];
  if (batch <= 0 || m <= 0 || k <= 0 || n <= 0) return throw_msg(env, "matmul: bad arguments");
  const size_t na = sa * (batch - 1) + (size_t)m * k, nb = sb * (batch - 1) + (size_t)k * n, ny = (size_t)batch * m * n;
  if (!in_heap(a[8], na, len) || !in_heap(a[9], nb, len) || !in_heap(a[10], ny, len) ||
      (a[11] >= 0 && !in_heap(a[11], n, len))) return throw_msg(env, "matmul: tensor outside the heap");
  const float* A = (const float*)(heap + a[8]);
  const float* B = (const float*)(heap + a[9]);
  float* Y = (float*)(heap + a[10]);
  const float* bias = a[11] >= 0 ? (const float*)(heap + a[11]) : NULL;
  float alpha; int32_t bits = (int32_t)a[13]; memcpy(&alpha, &bits, 4);
  if (sb == 0 && !ta && batch > 1 && sa == (size_t)m * k) {
    /* A batch of matrices times one matrix is one product with batch*m rows. */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, tb ? CblasTrans : CblasNoTrans, batch * m, n, k, 1.f, A, k, B, tb ? k : n, 0.f, Y, n);
  } else {
    for (int i = 0; i < batch; i++) {
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.f,
                  A + sa * i, ta ? m : k, B + sb * i, tb ? k : n, 0.f, Y + (size_t)i * m * n, n);
    }
  }
  if (bias || a[12] != 0) bias_act(Y, (size_t)batch * m, n, bias, (int)a[12], alpha);
  return NULL;
}

static float bits_float(int64_t b) {
  float f; int32_t i = (int32_t)b; memcpy(&f, &i, 4);
  return f;
}

/*
 * adam(heap, n, valueOff, mOff, vOff, gradOff, accBeta1Off, accBeta2Off, newValueOff, newMOff, newVOff,
 *      beta1, 1-beta1, beta2, 1-beta2, epsilon, -learningRate)   (the six scalars as float32 bit patterns)
 * One Adam step for one variable, written to new buffers, with the float32 operations of tfjs' AdamOptimizer in its
 * order (each rounded, no fused multiply-add), so the result is bit for bit what its dozen kernels give.
 */
static napi_value adam(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[16];
  if (!read_args(env, info, 16, &heap, &len, a) || a[0] <= 0) return throw_msg(env, "adam: bad arguments");
  const size_t n = (size_t)a[0];
  for (int i = 1; i <= 9; i++) {
    if (!in_heap(a[i], (i == 5 || i == 6) ? 1 : n, len)) return throw_msg(env, "adam: tensor outside the heap");
  }
  const float* value = (const float*)(heap + a[1]);
  const float* m = (const float*)(heap + a[2]);
  const float* v = (const float*)(heap + a[3]);
  const float* g = (const float*)(heap + a[4]);
  const float oneMinusAcc1 = 1.f - *(const float*)(heap + a[5]);
  const float oneMinusAcc2 = 1.f - *(const float*)(heap + a[6]);
  float* outValue = (float*)(heap + a[7]);
  float* outM = (float*)(heap + a[8]);
  float* outV = (float*)(heap + a[9]);
  const float b1 = bits_float(a[10]), omb1 = bits_float(a[11]), b2 = bits_float(a[12]), omb2 = bits_float(a[13]);
  const float eps = bits_float(a[14]), negLr = bits_float(a[15]);
  for (size_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float m1 = m[i] * b1 + gi * omb1;
    const float gg = gi * gi;
    const float v1 = v[i] * b2 + gg * omb2;
    const float mh = m1 / oneMinusAcc1;
    const float vh = v1 / oneMinusAcc2;
    const float den = sqrtf(vh) + eps;
    const float step = (mh / den) * negLr;
    outM[i] = m1;
    outV[i] = v1;
    outValue[i] = step + value[i];
  }
  return NULL;
}

/* Per-channel sums over rows of a [rows, C] matrix, in float blocks of 64 rows added into double (fixed order). */
static void channel_sums(const float* a, const float* b, const float* mean, size_t rows, size_t C, double* s1, double* s2, float* p) {
  for (size_t r0 = 0; r0 < rows; r0 += 64) {
    const size_t r1 = r0 + 64 < rows ? r0 + 64 : rows;
    memset(p, 0, 2 * C * sizeof(float));
    for (size_t r = r0; r < r1; r++) {
      const float* ar = a + r * C;
      const float* br = b ? b + r * C : NULL;
      for (size_t c = 0; c < C; c++) {
        const float d = (br ? br[c] : ar[c]) - mean[c];
        p[c] += ar[c];
        p[C + c] += b ? ar[c] * d : d * d;
      }
    }
    for (size_t c = 0; c < C; c++) { s1[c] += p[c]; s2[c] += p[C + c]; }
  }
}

/*
 * batchNormTrain(heap, rows, C, xOff, gammaOff, betaOff, yOff, statsOff, epsilon bits)
 * A BatchNormalization layer's training forward, channels last: the batch mean and (biased) variance per channel, then
 * y = (x - mean) * gamma / sqrt(var + eps) + beta. stats = [mean; variance], [2, C].
 */
static napi_value batch_norm_train(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[8];
  if (!read_args(env, info, 8, &heap, &len, a) || a[0] <= 0 || a[1] <= 0) return throw_msg(env, "batchNormTrain: bad arguments");
  const size_t rows = (size_t)a[0], C = (size_t)a[1], n = rows * C;
  if (!in_heap(a[2], n, len) || !in_heap(a[3], C, len) || !in_heap(a[4], C, len) || !in_heap(a[5], n, len) || !in_heap(a[6], 2 * C, len))
    return throw_msg(env, "batchNormTrain: tensor outside the heap");
  const float* x = (const float*)(heap + a[2]);
  const float* gamma = (const float*)(heap + a[3]);
  const float* beta = (const float*)(heap + a[4]);
  float* y = (float*)(heap + a[5]);
  float* st = (float*)(heap + a[6]);
  const float eps = bits_float(a[7]);
  double* s = (double*)calloc(2 * C, sizeof(double));
  float* p = (float*)calloc(3 * C, sizeof(float));
  if (!s || !p) { free(s); free(p); return throw_msg(env, "batchNormTrain: out of memory"); }
  float* zero = p + 2 * C;
  channel_sums(x, NULL, zero, rows, C, s, s + C, p); /* s[c] = sum x */
  for (size_t c = 0; c < C; c++) st[c] = (float)(s[c] / (double)rows);
  memset(s, 0, 2 * C * sizeof(double));
  channel_sums(x, NULL, st, rows, C, s, s + C, p);   /* s[C + c] = sum (x - mean)^2 */
  for (size_t c = 0; c < C; c++) st[C + c] = (float)(s[C + c] / (double)rows);
  for (size_t c = 0; c < C; c++) p[c] = sqrtf(st[C + c] + eps);
  for (size_t r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    float* yr = y + r * C;
    for (size_t c = 0; c < C; c++) yr[c] = (xr[c] - st[c]) * gamma[c] / p[c] + beta[c];
  }
  free(s);
  free(p);
  return NULL;
}

/*
 * batchNormTrainGrad(heap, rows, C, dyOff, xOff, gammaOff, statsOff, dxOff, dGammaOff, dBetaOff, epsilon bits)
 * The gradient of batchNormTrain through the batch statistics: with inv = 1/sqrt(var + eps), S1 = sum dy,
 * S2 = sum dy (x - mean): dbeta = S1, dgamma = inv S2, dx = gamma inv (dy - S1/N - (x - mean) inv^2 S2/N).
 */
static napi_value batch_norm_train_grad(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[10];
  if (!read_args(env, info, 10, &heap, &len, a) || a[0] <= 0 || a[1] <= 0) return throw_msg(env, "batchNormTrainGrad: bad arguments");
  const size_t rows = (size_t)a[0], C = (size_t)a[1], n = rows * C;
  if (!in_heap(a[2], n, len) || !in_heap(a[3], n, len) || !in_heap(a[4], C, len) || !in_heap(a[5], 2 * C, len) ||
      !in_heap(a[6], n, len) || !in_heap(a[7], C, len) || !in_heap(a[8], C, len)) return throw_msg(env, "batchNormTrainGrad: tensor outside the heap");
  const float* dy = (const float*)(heap + a[2]);
  const float* x = (const float*)(heap + a[3]);
  const float* gamma = (const float*)(heap + a[4]);
  const float* st = (const float*)(heap + a[5]);
  float* dx = (float*)(heap + a[6]);
  float* dGamma = (float*)(heap + a[7]);
  float* dBeta = (float*)(heap + a[8]);
  const float eps = bits_float(a[9]);
  double* s = (double*)calloc(2 * C, sizeof(double));
  float* p = (float*)calloc(5 * C, sizeof(float));
  if (!s || !p) { free(s); free(p); return throw_msg(env, "batchNormTrainGrad: out of memory"); }
  channel_sums(dy, x, st, rows, C, s, s + C, p);
  float* ka = p + 2 * C;
  float* kb = p + 3 * C;
  float* kc = p + 4 * C;
  for (size_t c = 0; c < C; c++) {
    const double inv = 1.0 / sqrt((double)(st[C + c] + eps));
    dBeta[c] = (float)s[c];
    dGamma[c] = (float)(inv * s[C + c]);
    ka[c] = (float)(gamma[c] * inv);
    kb[c] = (float)(s[c] / (double)rows);
    kc[c] = (float)(inv * inv * s[C + c] / (double)rows);
  }
  for (size_t r = 0; r < rows; r++) {
    const float* g = dy + r * C;
    const float* xr = x + r * C;
    float* d = dx + r * C;
    for (size_t c = 0; c < C; c++) d[c] = ka[c] * (g[c] - kb[c] - (xr[c] - st[c]) * kc[c]);
  }
  free(s);
  free(p);
  return NULL;
}

/* reluGrad(heap, n, dyOff, xOff, dxOff): dx = dy * step(x), step as tfjs' (1 above 0, NaN for NaN, else 0). */
static napi_value relu_grad(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[4];
  if (!read_args(env, info, 4, &heap, &len, a) || a[0] <= 0) return throw_msg(env, "reluGrad: bad arguments");
  const size_t n = (size_t)a[0];
  if (!in_heap(a[1], n, len) || !in_heap(a[2], n, len) || !in_heap(a[3], n, len)) return throw_msg(env, "reluGrad: tensor outside the heap");
  const float* dy = (const float*)(heap + a[1]);
  const float* x = (const float*)(heap + a[2]);
  float* dx = (float*)(heap + a[3]);
  for (size_t i = 0; i < n; i++) {
    const float s = x[i] > 0.f ? 1.f : (x[i] != x[i] ? x[i] : 0.f);
    dx[i] = dy[i] * s;
  }
  return NULL;
}

/*
 * batchNorm(heap, rows, channels, xOff, meanOff, varianceOff, offsetOff (-1: 0), scaleOff (-1: 1), yOff, epsilon bits)
 * y = offset + (x - mean) * scale / sqrt(var + eps), channels last, per element in the cpu backend's order.
 */
static napi_value batch_norm(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[9];
  if (!read_args(env, info, 9, &heap, &len, a) || a[0] <= 0 || a[1] <= 0) return throw_msg(env, "batchNorm: bad arguments");
  const size_t rows = (size_t)a[0], C = (size_t)a[1], n = rows * C;
  if (!in_heap(a[2], n, len) || !in_heap(a[3], C, len) || !in_heap(a[4], C, len) || (a[5] >= 0 && !in_heap(a[5], C, len)) ||
      (a[6] >= 0 && !in_heap(a[6], C, len)) || !in_heap(a[7], n, len)) return throw_msg(env, "batchNorm: tensor outside the heap");
  const float* x = (const float*)(heap + a[2]);
  const float* mean = (const float*)(heap + a[3]);
  const float* var = (const float*)(heap + a[4]);
  const float* off = a[5] >= 0 ? (const float*)(heap + a[5]) : NULL;
  const float* scale = a[6] >= 0 ? (const float*)(heap + a[6]) : NULL;
  float* y = (float*)(heap + a[7]);
  const float eps = bits_float(a[8]);
  float* sd = (float*)malloc(C * sizeof(float));
  if (!sd) return throw_msg(env, "batchNorm: out of memory");
  for (size_t c = 0; c < C; c++) sd[c] = sqrtf(var[c] + eps);
  for (size_t r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    float* yr = y + r * C;
    for (size_t c = 0; c < C; c++) {
      const float v = (xr[c] - mean[c]) * (scale ? scale[c] : 1.f) / sd[c];
      yr[c] = (off ? off[c] : 0.f) + v;
    }
  }
  free(sd);
  return NULL;
}

/*
 * batchNormGrad(heap, rows, channels, dyOff, xOff, meanOff, varianceOff, scaleOff (-1: ones), dxOff (-1: skip),
 *               statsOff (-1: skip), epsilon bits)
 * The gradients of FusedBatchNorm (channels last) in one pass over dy (and x for the statistics); sums in float
 * over blocks of 64 rows, then in double:
 *   inv = 1/sqrt(var + eps), S1 = sum(dy), S2 = sum(dy * (x - mean)), dx = dy * inv * scale,
 *   stats = [dmean, dvar, dscale, doffset] = [-inv*scale*S1, -0.5*inv^3*scale*S2, inv*S2, S1], each [C].
 */
static napi_value batch_norm_grad(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[10];
  if (!read_args(env, info, 10, &heap, &len, a) || a[0] <= 0 || a[1] <= 0) return throw_msg(env, "batchNormGrad: bad arguments");
  const size_t rows = (size_t)a[0], C = (size_t)a[1], n = rows * C;
  if (!in_heap(a[2], n, len) || !in_heap(a[3], n, len) || !in_heap(a[4], C, len) || !in_heap(a[5], C, len) ||
      (a[6] >= 0 && !in_heap(a[6], C, len)) || (a[7] >= 0 && !in_heap(a[7], n, len)) || (a[8] >= 0 && !in_heap(a[8], 4 * C, len)))
    return throw_msg(env, "batchNormGrad: tensor outside the heap");
  const float* dy = (const float*)(heap + a[2]);
  const float* x = (const float*)(heap + a[3]);
  const float* mean = (const float*)(heap + a[4]);
  const float* var = (const float*)(heap + a[5]);
  const float* scale = a[6] >= 0 ? (const float*)(heap + a[6]) : NULL;
  const float eps = bits_float(a[9]);
  double* s1 = (double*)calloc(2 * C, sizeof(double));
  float* inv = (float*)malloc(2 * C * sizeof(float));
  if (!s1 || !inv) { free(s1); free(inv); return throw_msg(env, "batchNormGrad: out of memory"); }
  double* s2 = s1 + C;
  float* dxScale = inv + C;
  for (size_t c = 0; c < C; c++) {
    inv[c] = 1.f / sqrtf(var[c] + eps);
    dxScale[c] = inv[c] * (scale ? scale[c] : 1.f);
  }
  if (a[7] >= 0) {
    float* dx = (float*)(heap + a[7]);
    for (size_t r = 0; r < rows; r++) {
      const float* g = dy + r * C;
      float* d = dx + r * C;
      for (size_t c = 0; c < C; c++) d[c] = g[c] * dxScale[c];
    }
  }
  if (a[8] >= 0) {
    float* p = (float*)calloc(2 * C, sizeof(float));
    if (!p) { free(s1); free(inv); return throw_msg(env, "batchNormGrad: out of memory"); }
    channel_sums(dy, x, mean, rows, C, s1, s2, p);
    free(p);
    float* st = (float*)(heap + a[8]);
    for (size_t c = 0; c < C; c++) {
      const double iv = inv[c], sc = scale ? scale[c] : 1.0;
      st[c] = (float)(-iv * sc * s1[c]);
      st[C + c] = (float)(-0.5 * iv * iv * iv * sc * s2[c]);
      st[2 * C + c] = (float)(iv * s2[c]);
      st[3 * C + c] = (float)s1[c];
    }
  }
  free(s1);
  free(inv);
  return NULL;
}

/* setThreads(n): OpenBLAS threads for this process (n >= 1); returns the count in effect. */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1; napi_value argv[1]; int32_t t = 1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) napi_get_value_int32(env, argv[0], &t);
  if (t >= 1) openblas_set_num_threads(t);
  napi_value r;
  napi_create_int32(env, openblas_get_num_threads(), &r);
  return r;
}

static napi_value config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  const char* c = openblas_get_config();
  napi_create_string_utf8(env, c ? c : "", NAPI_AUTO_LENGTH, &r);
  return r;
}

NAPI_MODULE_INIT() {
  Scratch* s = (Scratch*)calloc(1, sizeof(Scratch));
  napi_set_instance_data(env, s, scratch_free, NULL);
  napi_property_descriptor props[] = {
    {"conv2d", NULL, conv2d, NULL, NULL, NULL, napi_default, NULL},
    {"conv2dBackpropInput", NULL, conv2d_backprop_input, NULL, NULL, NULL, napi_default, NULL},
    {"conv2dBackpropFilter", NULL, conv2d_backprop_filter, NULL, NULL, NULL, napi_default, NULL},
    {"matmul", NULL, matmul, NULL, NULL, NULL, napi_default, NULL},
    {"adam", NULL, adam, NULL, NULL, NULL, napi_default, NULL},
    {"batchNormGrad", NULL, batch_norm_grad, NULL, NULL, NULL, napi_default, NULL},
    {"batchNorm", NULL, batch_norm, NULL, NULL, NULL, napi_default, NULL},
    {"reluGrad", NULL, relu_grad, NULL, NULL, NULL, napi_default, NULL},
    {"batchNormTrain", NULL, batch_norm_train, NULL, NULL, NULL, napi_default, NULL},
    {"batchNormTrainGrad", NULL, batch_norm_train_grad, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
    {"config", NULL, config, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
