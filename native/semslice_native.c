/*
 * Native float32 kernels for the wasm backend: convolution (forward, input gradient, filter gradient) and matrix
 * products as im2col + BLAS sgemm (OpenBLAS), depthwise convolution and its gradients as direct loops over rows, computed in place on the wasm module's heap. The caller passes the
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

/*
 * Largest im2col chunk, in floats (whole samples, at least one): 64 Ki floats (256 KiB) keeps the chunk and sgemm's
 * packed panels in L2 while the product reads them. Measured on LeNet-5 training (one thread, batch 64): 16 MiB
 * chunks 6,600 samples/s, 1 MiB 7,200, 256 KiB 8,650, 64 KiB 8,200; vgg-small 500 against 590.
 */
#define CHUNK_FLOATS (64u << 10)

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

/*
 * Small patches (K = KH*KW*Ci < 32, e.g. a first layer on grey images) with unit column stride and dilation: a direct
 * convolution over image rows. The KH*Ci input rows an output row reads are copied once, zero-padded, and every
 * output channel is a sum of shifted rows (vectorised along the row); im2col + sgemm would build and read a K-wide
 * matrix for a product with only Co columns.
 */
#define DIRECT_MAX_K 32

/* Four floats as one SSE register (GCC/Clang vector extension); aligned(4) makes loads and stores unaligned-safe. */
typedef float v4f __attribute__((vector_size(16), aligned(4)));
typedef int32_t v4i __attribute__((vector_size(16), aligned(4)));
/* The bit pattern of 1.0f: a comparison mask ANDed with it is 1.0f or 0.0f per lane. */
#define ONE_BITS ((v4i){0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000})

static int use_direct(const Geom* g) {
  return (size_t)g->kh * g->kw * g->ci < DIRECT_MAX_K && g->sw == 1 && g->dw == 1;
}

/* Outputs of a row are computed 32 at a time (8 SSE accumulators, independent add chains); rows are padded to that. */
#define DIRECT_GROUP 32

static size_t direct_row(const Geom* g) {
  return ((size_t)g->ow + DIRECT_GROUP - 1) / DIRECT_GROUP * DIRECT_GROUP;
}

static size_t direct_floats(const Geom* g) {
  const size_t wp = direct_row(g) + g->kw - 1;
  return (size_t)g->kh * g->ci * wp + (size_t)g->co * direct_row(g);
}

/* xpad[(kh*Ci + c)*Wp + j] = x[s, oh*sh - pt + kh*dh, j - pl, c] (0 outside the image and past its row). */
static void padded_rows(const Geom* g, const float* x, int s, int oh, float* xpad, int wp) {
  for (int kh = 0; kh < g->kh; kh++) {
    const int ih = oh * g->sh - g->pt + kh * g->dh;
    for (int c = 0; c < g->ci; c++) {
      float* r = xpad + ((size_t)kh * g->ci + c) * wp;
      if (ih < 0 || ih >= g->h) { memset(r, 0, sizeof(float) * wp); continue; }
      const float* xr = x + (((size_t)s * g->h + ih) * g->w) * g->ci + c;
      for (int j = 0; j < wp; j++) {
        const int iw = j - g->pl;
        r[j] = iw >= 0 && iw < g->w ? xr[(size_t)iw * g->ci] : 0.f;
      }
    }
  }
}

__attribute__((target_clones("avx2", "default")))
static void conv_direct(const Geom* g, const float* x, const float* w, float* y, float* buf) {
  const int row = (int)direct_row(g), wp = row + g->kw - 1, ow = g->ow, co = g->co;
  const int taps = g->kh * g->kw * g->ci;
  float* xpad = buf;
  float* t = buf + (size_t)g->kh * g->ci * wp;
  size_t off[DIRECT_MAX_K];
  for (int k = 0; k < taps; k++) {
    const int kh = k / (g->kw * g->ci), kw = (k / g->ci) % g->kw, c = k % g->ci;
    off[k] = ((size_t)kh * g->ci + c) * wp + kw;
  }
  for (int s = 0; s < g->n; s++) {
    for (int oh = 0; oh < g->oh; oh++) {
      padded_rows(g, x, s, oh, xpad, wp);
      for (int o = 0; o < co; o++) {
        for (int j = 0; j < row; j += DIRECT_GROUP) {
          v4f q[DIRECT_GROUP / 4] = {{0}};
          for (int k = 0; k < taps; k++) {
            const float wv = w[(size_t)k * co + o];
            const float* r = xpad + off[k] + j;
            for (int b = 0; b < DIRECT_GROUP / 4; b++) q[b] += wv * *(const v4f*)(r + 4 * b);
          }
          for (int b = 0; b < DIRECT_GROUP / 4; b++) *(v4f*)(t + (size_t)o * row + j + 4 * b) = q[b];
        }
      }
      float* yr = y + (((size_t)s * g->oh + oh) * ow) * co;
      for (int j = 0; j < ow; j++) for (int o = 0; o < co; o++) yr[(size_t)j * co + o] = t[(size_t)o * row + j];
    }
  }
}

static float bits_float(int64_t b);

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
  } else if (use_direct(&g)) {
    float* buf = scratch_get(env, direct_floats(&g));
    if (!buf) return throw_msg(env, "conv2d: out of memory for the row buffers");
    conv_direct(&g, x, w, y, buf);
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
 * Depthwise convolution, channels last: y[n, oh, ow, c*M + q] = sum over (kh, kw) of
 * x[n, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw, c] * w[kh, kw, c, q] (0 outside), with Ci = C input channels,
 * Co = C*M outputs and the filter [KH, KW, C, M]. Each tap adds a whole output row at once (the loop over
 * channels is contiguous and vectorises); taps are summed in the cpu backend's order (kh, then kw), bias last.
 */
static inline void dw_range(const Geom* g, int kw, int* lo, int* hi) {
  /* ow with 0 <= ow*sw - pl + kw*dw < W */
  const int off = kw * g->dw - g->pl;
  int a = off >= 0 ? 0 : (-off + g->sw - 1) / g->sw;
  int b = g->w - off <= 0 ? 0 : (g->w - off - 1) / g->sw + 1;
  if (b > g->ow) b = g->ow;
  *lo = a; *hi = b < a ? a : b;
}

/*
 * Unit column dilation, multiplier 1: a tap's inputs for a run of outputs are one stretch of the input row (with a
 * column stride above 1, gathered first into a contiguous row, xg), so each tap is one long elementwise product with
 * the tap's weights laid out along the row (wrow[t][ow*C + c] = w[t][c]), which vectorises fully instead of C
 * channels at a time. The products and sums are the same as the direct loops', in the same order.
 */
static int dw_rows(const Geom* g) {
  return g->dw == 1 && g->co == g->ci;
}

/* The inputs of tap column kw for outputs [lo, hi) of an input row: in place when the column stride is 1, else gathered. */
static inline const float* dw_tap_row(const Geom* g, const float* xr, int kw, int lo, int hi, float* xg) {
  const size_t C = (size_t)g->ci;
  if (g->sw == 1) return xr + (size_t)(lo - g->pl + kw) * C;
  for (int ow = lo; ow < hi; ow++) memcpy(xg + (size_t)(ow - lo) * C, xr + (size_t)(ow * g->sw - g->pl + kw) * C, C * sizeof(float));
  return xg;
}

/* The weights of every tap repeated along an output row: KH*KW rows of OW*C floats. */
static void dw_weight_rows(const Geom* g, const float* w, float* wrow) {
  const size_t C = (size_t)g->ci, row = (size_t)g->ow * C;
  for (int t = 0; t < g->kh * g->kw; t++)
    for (int ow = 0; ow < g->ow; ow++) memcpy(wrow + t * row + (size_t)ow * C, w + (size_t)t * C, C * sizeof(float));
}

__attribute__((target_clones("avx2", "default")))
static void depthwise_fwd(const Geom* g, const float* restrict x, const float* restrict w, float* restrict y, const float* restrict wrow, float* restrict xg) {
  const int C = g->ci, M = g->co / g->ci, CO = g->co;
  const size_t row_x = (size_t)g->w * C, row_y = (size_t)g->ow * CO;
  if (wrow) {
    for (int s = 0; s < g->n; s++) {
      for (int oh = 0; oh < g->oh; oh++) {
        float* restrict yr = y + ((size_t)s * g->oh + oh) * row_y;
        memset(yr, 0, row_y * sizeof(float));
        for (int kh = 0; kh < g->kh; kh++) {
          const int ih = oh * g->sh - g->pt + kh * g->dh;
          if (ih < 0 || ih >= g->h) continue;
          const float* restrict xr = x + ((size_t)s * g->h + ih) * row_x;
          for (int kw = 0; kw < g->kw; kw++) {
            int lo, hi;
            dw_range(g, kw, &lo, &hi);
            const float* restrict xp = dw_tap_row(g, xr, kw, lo, hi, xg);
            const float* restrict wp = wrow + ((size_t)kh * g->kw + kw) * row_y + (size_t)lo * C;
            float* restrict yp = yr + (size_t)lo * C;
            const size_t n = (size_t)(hi - lo) * C;
            for (size_t j = 0; j < n; j++) yp[j] += xp[j] * wp[j];
          }
        }
      }
    }
    return;
  }
  for (int s = 0; s < g->n; s++) {
    for (int oh = 0; oh < g->oh; oh++) {
      float* restrict yr = y + ((size_t)s * g->oh + oh) * row_y;
      memset(yr, 0, row_y * sizeof(float));
      for (int kh = 0; kh < g->kh; kh++) {
        const int ih = oh * g->sh - g->pt + kh * g->dh;
        if (ih < 0 || ih >= g->h) continue;
        const float* restrict xr = x + ((size_t)s * g->h + ih) * row_x;
        for (int kw = 0; kw < g->kw; kw++) {
          const float* restrict wt = w + ((size_t)kh * g->kw + kw) * CO;
          int lo, hi;
          dw_range(g, kw, &lo, &hi);
          for (int ow = lo; ow < hi; ow++) {
            const float* restrict xp = xr + (size_t)(ow * g->sw - g->pl + kw * g->dw) * C;
            float* restrict yp = yr + (size_t)ow * CO;
            if (M == 1) for (int c = 0; c < C; c++) yp[c] += xp[c] * wt[c];
            else for (int c = 0; c < C; c++) for (int q = 0; q < M; q++) yp[c * M + q] += xp[c] * wt[c * M + q];
          }
        }
      }
    }
  }
}

/* dx, the adjoint of depthwise_fwd: every tap's products scattered back, in the forward's order. */
__attribute__((target_clones("avx2", "default")))
static void depthwise_bwd_input(const Geom* g, const float* restrict dy, const float* restrict w, float* restrict dx, const float* restrict wrow, float* restrict tmp) {
  const int C = g->ci, M = g->co / g->ci, CO = g->co;
  const size_t row_x = (size_t)g->w * C, row_y = (size_t)g->ow * CO;
  memset(dx, 0, (size_t)g->n * g->h * row_x * sizeof(float));
  if (wrow) {
    for (int s = 0; s < g->n; s++) {
      for (int oh = 0; oh < g->oh; oh++) {
        const float* restrict gr = dy + ((size_t)s * g->oh + oh) * row_y;
        for (int kh = 0; kh < g->kh; kh++) {
          const int ih = oh * g->sh - g->pt + kh * g->dh;
          if (ih < 0 || ih >= g->h) continue;
          float* restrict xr = dx + ((size_t)s * g->h + ih) * row_x;
          for (int kw = 0; kw < g->kw; kw++) {
            int lo, hi;
            dw_range(g, kw, &lo, &hi);
            const float* restrict wp = wrow + ((size_t)kh * g->kw + kw) * row_y + (size_t)lo * C;
            const float* restrict gp = gr + (size_t)lo * C;
            const size_t n = (size_t)(hi - lo) * C;
            if (g->sw == 1) {
              float* restrict xp = xr + (size_t)(lo - g->pl + kw) * C;
              for (size_t j = 0; j < n; j++) xp[j] += gp[j] * wp[j];
              continue;
            }
            /* Products along the row first, then each output's C values added to its input column. */
            for (size_t j = 0; j < n; j++) tmp[j] = gp[j] * wp[j];
            for (int ow = lo; ow < hi; ow++) {
              float* restrict xp = xr + (size_t)(ow * g->sw - g->pl + kw) * C;
              const float* restrict tp = tmp + (size_t)(ow - lo) * C;
              for (int c = 0; c < C; c++) xp[c] += tp[c];
            }
          }
        }
      }
    }
    return;
  }
  for (int s = 0; s < g->n; s++) {
    for (int oh = 0; oh < g->oh; oh++) {
      const float* restrict gr = dy + ((size_t)s * g->oh + oh) * row_y;
      for (int kh = 0; kh < g->kh; kh++) {
        const int ih = oh * g->sh - g->pt + kh * g->dh;
        if (ih < 0 || ih >= g->h) continue;
        float* restrict xr = dx + ((size_t)s * g->h + ih) * row_x;
        for (int kw = 0; kw < g->kw; kw++) {
          const float* restrict wt = w + ((size_t)kh * g->kw + kw) * CO;
          int lo, hi;
          dw_range(g, kw, &lo, &hi);
          for (int ow = lo; ow < hi; ow++) {
            float* restrict xp = xr + (size_t)(ow * g->sw - g->pl + kw * g->dw) * C;
            const float* restrict gp = gr + (size_t)ow * CO;
            if (M == 1) for (int c = 0; c < C; c++) xp[c] += gp[c] * wt[c];
            else for (int c = 0; c < C; c++) { float t = 0.f; for (int q = 0; q < M; q++) t += gp[c * M + q] * wt[c * M + q]; xp[c] += t; }
          }
        }
      }
    }
  }
}

/*
 * dw[kh, kw, c, q] = sum over samples and output pixels of x[...] * dy[...]: each sample's sums in float (part), added
 * to a double total in sample order, so the result does not depend on the batch's length beyond one sample's rounding.
 */
__attribute__((target_clones("avx2", "default")))
static void depthwise_bwd_filter(const Geom* g, const float* restrict x, const float* restrict dy, float* restrict part, double* restrict total, float* restrict rows, float* restrict xg) {
  const int C = g->ci, M = g->co / g->ci, CO = g->co;
  const size_t row_x = (size_t)g->w * C, row_y = (size_t)g->ow * CO, taps = (size_t)g->kh * g->kw * CO;
  if (rows) {
    /* Per sample, every tap's products summed along whole rows (rows[t][ow*C + c]), then folded over ow. */
    const size_t nt = (size_t)g->kh * g->kw;
    for (int s = 0; s < g->n; s++) {
      memset(rows, 0, nt * row_y * sizeof(float));
      for (int oh = 0; oh < g->oh; oh++) {
        const float* restrict gr = dy + ((size_t)s * g->oh + oh) * row_y;
        for (int kh = 0; kh < g->kh; kh++) {
          const int ih = oh * g->sh - g->pt + kh * g->dh;
          if (ih < 0 || ih >= g->h) continue;
          const float* restrict xr = x + ((size_t)s * g->h + ih) * row_x;
          for (int kw = 0; kw < g->kw; kw++) {
            int lo, hi;
            dw_range(g, kw, &lo, &hi);
            const float* restrict xp = dw_tap_row(g, xr, kw, lo, hi, xg);
            const float* restrict gp = gr + (size_t)lo * C;
            float* restrict rp = rows + ((size_t)kh * g->kw + kw) * row_y + (size_t)lo * C;
            const size_t n = (size_t)(hi - lo) * C;
            for (size_t j = 0; j < n; j++) rp[j] += xp[j] * gp[j];
          }
        }
      }
      for (size_t t = 0; t < nt; t++) {
        float* restrict pt = part + t * CO;
        memset(pt, 0, CO * sizeof(float));
        for (int ow = 0; ow < g->ow; ow++) {
          const float* restrict rp = rows + t * row_y + (size_t)ow * C;
          for (int c = 0; c < C; c++) pt[c] += rp[c];
        }
      }
      for (size_t i = 0; i < taps; i++) total[i] += part[i];
    }
    return;
  }
  for (int s = 0; s < g->n; s++) {
    memset(part, 0, taps * sizeof(float));
    for (int oh = 0; oh < g->oh; oh++) {
      const float* restrict gr = dy + ((size_t)s * g->oh + oh) * row_y;
      for (int kh = 0; kh < g->kh; kh++) {
        const int ih = oh * g->sh - g->pt + kh * g->dh;
        if (ih < 0 || ih >= g->h) continue;
        const float* restrict xr = x + ((size_t)s * g->h + ih) * row_x;
        for (int kw = 0; kw < g->kw; kw++) {
          float* restrict pt = part + ((size_t)kh * g->kw + kw) * CO;
          int lo, hi;
          dw_range(g, kw, &lo, &hi);
          for (int ow = lo; ow < hi; ow++) {
            const float* restrict xp = xr + (size_t)(ow * g->sw - g->pl + kw * g->dw) * C;
            const float* restrict gp = gr + (size_t)ow * CO;
            if (M == 1) for (int c = 0; c < C; c++) pt[c] += xp[c] * gp[c];
            else for (int c = 0; c < C; c++) for (int q = 0; q < M; q++) pt[c * M + q] += xp[c] * gp[c * M + q];
          }
        }
      }
    }
    for (size_t i = 0; i < taps; i++) total[i] += part[i];
  }
}

/* depthwiseConv2d(heap, 15 geometry ints (Co = Ci * multiplier), xOff, wOff, yOff, biasOff (-1: none), act, alphaBits) */
static napi_value depthwise_conv2d(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[21]; Geom g;
  if (!read_args(env, info, 21, &heap, &len, a) || !geom_from(a, &g) || g.co % g.ci != 0) return throw_msg(env, "depthwiseConv2d: bad arguments");
  const size_t nx = (size_t)g.n * g.h * g.w * g.ci, ny = (size_t)g.n * g.oh * g.ow * g.co;
  if (!in_heap(a[15], nx, len) || !in_heap(a[16], (size_t)g.kh * g.kw * g.co, len) || !in_heap(a[17], ny, len) ||
      (a[18] >= 0 && !in_heap(a[18], g.co, len))) return throw_msg(env, "depthwiseConv2d: tensor outside the heap");
  float* y = (float*)(heap + a[17]);
  float* wrow = NULL;
  if (dw_rows(&g)) {
    /* the weight rows, then one gathered input row */
    wrow = scratch_get(env, ((size_t)g.kh * g.kw + 1) * g.ow * g.co);
    if (!wrow) return throw_msg(env, "depthwiseConv2d: out of memory for the weight rows");
    dw_weight_rows(&g, (const float*)(heap + a[16]), wrow);
  }
  depthwise_fwd(&g, (const float*)(heap + a[15]), (const float*)(heap + a[16]), y, wrow,
                wrow ? wrow + (size_t)g.kh * g.kw * g.ow * g.co : NULL);
  const float* bias = a[18] >= 0 ? (const float*)(heap + a[18]) : NULL;
  if (bias || a[19] != 0) bias_act(y, (size_t)g.n * g.oh * g.ow, g.co, bias, (int)a[19], bits_float(a[20]));
  return NULL;
}

/* depthwiseConv2dBackpropInput(heap, 15 geometry ints, dyOff, wOff, dxOff) */
static napi_value depthwise_conv2d_backprop_input(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[18]; Geom g;
  if (!read_args(env, info, 18, &heap, &len, a) || !geom_from(a, &g) || g.co % g.ci != 0) return throw_msg(env, "depthwiseConv2dBackpropInput: bad arguments");
  const size_t nx = (size_t)g.n * g.h * g.w * g.ci, ny = (size_t)g.n * g.oh * g.ow * g.co;
  if (!in_heap(a[15], ny, len) || !in_heap(a[16], (size_t)g.kh * g.kw * g.co, len) || !in_heap(a[17], nx, len))
    return throw_msg(env, "depthwiseConv2dBackpropInput: tensor outside the heap");
  float* wrow = NULL;
  if (dw_rows(&g)) {
    /* the weight rows, then one row of products */
    wrow = scratch_get(env, ((size_t)g.kh * g.kw + 1) * g.ow * g.co);
    if (!wrow) return throw_msg(env, "depthwiseConv2dBackpropInput: out of memory for the weight rows");
    dw_weight_rows(&g, (const float*)(heap + a[16]), wrow);
  }
  depthwise_bwd_input(&g, (const float*)(heap + a[15]), (const float*)(heap + a[16]), (float*)(heap + a[17]), wrow,
                      wrow ? wrow + (size_t)g.kh * g.kw * g.ow * g.co : NULL);
  return NULL;
}

/* depthwiseConv2dBackpropFilter(heap, 15 geometry ints, xOff, dyOff, dwOff) */
static napi_value depthwise_conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[18]; Geom g;
  if (!read_args(env, info, 18, &heap, &len, a) || !geom_from(a, &g) || g.co % g.ci != 0) return throw_msg(env, "depthwiseConv2dBackpropFilter: bad arguments");
  const size_t nx = (size_t)g.n * g.h * g.w * g.ci, ny = (size_t)g.n * g.oh * g.ow * g.co, taps = (size_t)g.kh * g.kw * g.co;
  if (!in_heap(a[15], nx, len) || !in_heap(a[16], ny, len) || !in_heap(a[17], taps, len))
    return throw_msg(env, "depthwiseConv2dBackpropFilter: tensor outside the heap");
  float* part = (float*)malloc(taps * sizeof(float));
  double* total = (double*)calloc(taps, sizeof(double));
  if (!part || !total) { free(part); free(total); return throw_msg(env, "depthwiseConv2dBackpropFilter: out of memory"); }
  /* the row sums of every tap, then one gathered input row */
  float* rows = dw_rows(&g) ? scratch_get(env, ((size_t)g.kh * g.kw + 1) * g.ow * g.co) : NULL;
  if (dw_rows(&g) && !rows) { free(part); free(total); return throw_msg(env, "depthwiseConv2dBackpropFilter: out of memory for the row sums"); }
  depthwise_bwd_filter(&g, (const float*)(heap + a[15]), (const float*)(heap + a[16]), part, total, rows,
                       rows ? rows + (size_t)g.kh * g.kw * g.ow * g.co : NULL);
  float* dw = (float*)(heap + a[17]);
  for (size_t i = 0; i < taps; i++) dw[i] = (float)total[i];
  free(part);
  free(total);
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

typedef struct { float b1, omb1, b2, omb2, eps, negLr, oneMinusAcc1, oneMinusAcc2, divisor; } AdamConsts;

/* The update for one element, inlined into loops specialised on extra/mask so that each one vectorises. */
static inline __attribute__((always_inline)) void adam_loop(size_t n, const float* restrict value, const float* restrict m,
    const float* restrict v, const float* restrict g, const float* restrict extra, const float* restrict mask,
    float* restrict outValue, float* restrict outM, float* restrict outV, const AdamConsts* c, int hasExtra, int hasMask) {
  const AdamConsts k = *c;
  for (size_t i = 0; i < n; i++) {
    float gi = g[i];
    if (hasExtra) gi = gi + extra[i] / k.divisor;
    if (hasMask) gi = gi * mask[i];
    const float m1 = m[i] * k.b1 + gi * k.omb1;
    const float gg = gi * gi;
    const float v1 = v[i] * k.b2 + gg * k.omb2;
    const float mh = m1 / k.oneMinusAcc1;
    const float vh = v1 / k.oneMinusAcc2;
    const float den = sqrtf(vh) + k.eps;
    const float step = (mh / den) * k.negLr;
    outM[i] = m1;
    outV[i] = v1;
    outValue[i] = step + value[i];
  }
}

__attribute__((target_clones("avx2", "default")))
static void adam_update(size_t n, const float* value, const float* m, const float* v, const float* g, const float* extra,
    const float* mask, float* outValue, float* outM, float* outV, const AdamConsts* c) {
  if (extra && mask) adam_loop(n, value, m, v, g, extra, mask, outValue, outM, outV, c, 1, 1);
  else if (extra) adam_loop(n, value, m, v, g, extra, mask, outValue, outM, outV, c, 1, 0);
  else if (mask) adam_loop(n, value, m, v, g, extra, mask, outValue, outM, outV, c, 0, 1);
  else adam_loop(n, value, m, v, g, extra, mask, outValue, outM, outV, c, 0, 0);
}

/*
 * adam(heap, n, valueOff, mOff, vOff, gradOff, accBeta1Off, accBeta2Off, newValueOff, newMOff, newVOff,
 *      beta1, 1-beta1, beta2, 1-beta2, epsilon, -learningRate, extraOff, divisor, maskOff)
 *      (the scalars as float32 bit patterns; extraOff and maskOff -1 when absent)
 * One Adam step for one variable, written to new buffers, with the float32 operations of tfjs' AdamOptimizer in its
 * order (each rounded, no fused multiply-add), so the result is bit for bit what its dozen kernels give. The gradient
 * is grad, or (grad + extra / divisor) * mask with the parts given: the data-parallel step's combination of the
 * replicas' gradients and the gradient mask, as the tensor ops would round them.
 */
static napi_value adam(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[19];
  if (!read_args(env, info, 19, &heap, &len, a) || a[0] <= 0) return throw_msg(env, "adam: bad arguments");
  const size_t n = (size_t)a[0];
  for (int i = 1; i <= 9; i++) {
    if (!in_heap(a[i], (i == 5 || i == 6) ? 1 : n, len)) return throw_msg(env, "adam: tensor outside the heap");
  }
  if ((a[16] >= 0 && !in_heap(a[16], n, len)) || (a[18] >= 0 && !in_heap(a[18], n, len))) return throw_msg(env, "adam: tensor outside the heap");
  const float* extra = a[16] >= 0 ? (const float*)(heap + a[16]) : NULL;
  const float divisor = bits_float(a[17]);
  const float* mask = a[18] >= 0 ? (const float*)(heap + a[18]) : NULL;
  const float* value = (const float*)(heap + a[1]);
  const float* m = (const float*)(heap + a[2]);
  const float* v = (const float*)(heap + a[3]);
  const float* g = (const float*)(heap + a[4]);
  const float oneMinusAcc1 = 1.f - *(const float*)(heap + a[5]);
  const float oneMinusAcc2 = 1.f - *(const float*)(heap + a[6]);
  float* outValue = (float*)(heap + a[7]);
  float* outM = (float*)(heap + a[8]);
  float* outV = (float*)(heap + a[9]);
  const AdamConsts k = {bits_float(a[10]), bits_float(a[11]), bits_float(a[12]), bits_float(a[13]), bits_float(a[14]),
                       bits_float(a[15]), oneMinusAcc1, oneMinusAcc2, divisor};
  adam_update(n, value, m, v, g, extra, mask, outValue, outM, outV, &k);
  return NULL;
}

/* Per-channel sums over rows of a [rows, C] matrix, in float blocks of 64 rows added into double (fixed order). */
__attribute__((target_clones("avx2", "default")))
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

/* y = (x - mean) * gamma / sd + beta per row (the vector clone computes the same float operations per element). */
__attribute__((target_clones("avx2", "default")))
static void bn_normalise(const float* restrict x, const float* restrict mean, const float* restrict gamma, const float* restrict sd,
    const float* restrict beta, float* restrict y, size_t rows, size_t C) {
  for (size_t r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    float* yr = y + r * C;
    for (size_t c = 0; c < C; c++) yr[c] = (xr[c] - mean[c]) * gamma[c] / sd[c] + beta[c];
  }
}

/* dx = ka * (dy - kb - (x - mean) * kc) per row. */
__attribute__((target_clones("avx2", "default")))
static void bn_train_dx(const float* restrict dy, const float* restrict x, const float* restrict mean, const float* restrict ka,
    const float* restrict kb, const float* restrict kc, float* restrict dx, size_t rows, size_t C) {
  for (size_t r = 0; r < rows; r++) {
    const float* g = dy + r * C;
    const float* xr = x + r * C;
    float* d = dx + r * C;
    for (size_t c = 0; c < C; c++) d[c] = ka[c] * (g[c] - kb[c] - (xr[c] - mean[c]) * kc[c]);
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
  bn_normalise(x, st, gamma, p, beta, y, rows, C);
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
  bn_train_dx(dy, x, st, ka, kb, kc, dx, rows, C);
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
 * spreadMean(heap, outer, middle, inner, dyOff, dxOff, count bits): the gradient of a mean over the middle axes of
 * [outer, middle, inner]: dx[o, m, i] = dy[o, i] / count (the division once per value of dy, then copied).
 */
static napi_value spread_mean(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[6];
  if (!read_args(env, info, 6, &heap, &len, a) || a[0] <= 0 || a[1] <= 0 || a[2] <= 0) return throw_msg(env, "spreadMean: bad arguments");
  const size_t outer = (size_t)a[0], middle = (size_t)a[1], inner = (size_t)a[2];
  if (!in_heap(a[3], outer * inner, len) || !in_heap(a[4], outer * middle * inner, len)) return throw_msg(env, "spreadMean: tensor outside the heap");
  const float* dy = (const float*)(heap + a[3]);
  float* dx = (float*)(heap + a[4]);
  const float count = bits_float(a[5]);
  for (size_t o = 0; o < outer; o++) {
    float* first = dx + o * middle * inner;
    for (size_t i = 0; i < inner; i++) first[i] = dy[o * inner + i] / count;
    for (size_t m = 1; m < middle; m++) memcpy(first + m * inner, first, inner * sizeof(float));
  }
  return NULL;
}

/* relu6(heap, n, xOff, yOff): y = min(max(x, 0), 6), NaN kept (the cpu backend's rule; XNNPACK's clamp makes it 0). */
static napi_value relu6_fwd(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[3];
  if (!read_args(env, info, 3, &heap, &len, a) || a[0] <= 0) return throw_msg(env, "relu6: bad arguments");
  const size_t n = (size_t)a[0];
  if (!in_heap(a[1], n, len) || !in_heap(a[2], n, len)) return throw_msg(env, "relu6: tensor outside the heap");
  const float* x = (const float*)(heap + a[1]);
  float* y = (float*)(heap + a[2]);
  for (size_t i = 0; i < n; i++) y[i] = x[i] < 0.f ? 0.f : (x[i] > 6.f ? 6.f : x[i]);
  return NULL;
}

/*
 * clipGrad(heap, n, dyOff, xOff, dxOff, lo bits, hi bits, mode): the gradient of a clip to [lo, hi] in one pass.
 * mode 0 (ClipByValue, tfjs' where(lo <= x <= hi, dy, 0)): dx = dy inside (bounds included), else 0 (NaN x: 0).
 * mode 1 (Relu6, tfjs' dy * ((x <= hi) * step(x))): dx = dy * s with s = 1 for lo < x <= hi, NaN for NaN x, else 0.
 */
static napi_value clip_grad(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[7];
  if (!read_args(env, info, 7, &heap, &len, a) || a[0] <= 0 || (a[6] != 0 && a[6] != 1)) return throw_msg(env, "clipGrad: bad arguments");
  const size_t n = (size_t)a[0];
  if (!in_heap(a[1], n, len) || !in_heap(a[2], n, len) || !in_heap(a[3], n, len)) return throw_msg(env, "clipGrad: tensor outside the heap");
  const float* dy = (const float*)(heap + a[1]);
  const float* x = (const float*)(heap + a[2]);
  float* dx = (float*)(heap + a[3]);
  const float lo = bits_float(a[4]), hi = bits_float(a[5]);
  if (a[6] == 0) {
    for (size_t i = 0; i < n; i++) dx[i] = x[i] >= lo && x[i] <= hi ? dy[i] : 0.f;
  } else {
    for (size_t i = 0; i < n; i++) {
      const float s = x[i] != x[i] ? x[i] : (x[i] > lo && x[i] <= hi ? 1.f : 0.f);
      dx[i] = dy[i] * s;
    }
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

/*
 * biasAdd(heap, rows, C, xOff, bOff, yOff): y[r, c] = x[r, c] + b[c], the layers' bias add on channels-last
 * activations (one float add per element, as the wasm Add).
 */
static napi_value bias_add(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[5];
  if (!read_args(env, info, 5, &heap, &len, a) || a[0] <= 0 || a[1] <= 0) return throw_msg(env, "biasAdd: bad arguments");
  const size_t rows = (size_t)a[0], C = (size_t)a[1];
  if (!in_heap(a[2], rows * C, len) || !in_heap(a[3], C, len) || !in_heap(a[4], rows * C, len)) return throw_msg(env, "biasAdd: tensor outside the heap");
  const float* x = (const float*)(heap + a[2]);
  const float* b = (const float*)(heap + a[3]);
  float* y = (float*)(heap + a[4]);
  for (size_t r = 0; r < rows; r++) {
    const float* restrict xr = x + r * C;
    float* restrict yr = y + r * C;
    for (size_t c = 0; c < C; c++) yr[c] = xr[c] + b[c];
  }
  return NULL;
}

/*
 * Max pooling, channels last, with the geometry ints of the convolutions (Ci = Co = channels, KH x KW the window,
 * dilation 1). The cpu backend's rule: strict > from -Infinity, so NaN never wins and a window of only NaN or
 * padding gives -Infinity.
 */
__attribute__((target_clones("avx2", "default")))
static void max_pool(const Geom* g, const float* x, float* y) {
  const int C = g->ci;
  for (int s = 0; s < g->n; s++) {
    for (int oh = 0; oh < g->oh; oh++) {
      const int r0 = oh * g->sh - g->pt < 0 ? 0 : oh * g->sh - g->pt;
      const int r1 = oh * g->sh - g->pt + g->kh > g->h ? g->h : oh * g->sh - g->pt + g->kh;
      for (int ow = 0; ow < g->ow; ow++) {
        const int c0 = ow * g->sw - g->pl < 0 ? 0 : ow * g->sw - g->pl;
        const int c1 = ow * g->sw - g->pl + g->kw > g->w ? g->w : ow * g->sw - g->pl + g->kw;
        float* restrict m = y + (((size_t)s * g->oh + oh) * g->ow + ow) * C;
        for (int c = 0; c < C; c++) m[c] = -INFINITY;
        for (int r = r0; r < r1; r++) {
          for (int q = c0; q < c1; q++) {
            const float* restrict v = x + (((size_t)s * g->h + r) * g->w + q) * C;
            for (int c = 0; c < C; c++) m[c] = v[c] > m[c] ? v[c] : m[c];
          }
        }
      }
    }
  }
}

/* maxPool(heap, 15 geometry ints, xOff, yOff) */
static napi_value max_pool_fwd(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[17]; Geom g;
  if (!read_args(env, info, 17, &heap, &len, a) || !geom_from(a, &g) || g.ci != g.co || g.dh != 1 || g.dw != 1)
    return throw_msg(env, "maxPool: bad arguments");
  if (!in_heap(a[15], (size_t)g.n * g.h * g.w * g.ci, len) || !in_heap(a[16], (size_t)g.n * g.oh * g.ow * g.ci, len))
    return throw_msg(env, "maxPool: tensor outside the heap");
  max_pool(&g, (const float*)(heap + a[15]), (float*)(heap + a[16]));
  return NULL;
}

/* The cpu rule for one window: the gradient goes to the first strictly greatest cell (row-major), none if no cell beats -Infinity. */
static inline void exact_window(const float* x, float* dx, float g, const size_t* cells, int n) {
  float m = -INFINITY; long best = -1;
  for (int i = 0; i < n; i++) {
    dx[cells[i]] = 0.f;
    if (x[cells[i]] > m) { m = x[cells[i]]; best = (long)cells[i]; }
  }
  if (best >= 0) dx[best] = g;
}

/*
 * maxPoolGrad(heap, 15 geometry ints, xOff, yOff (-1: none), dyOff, dxOff): dy routed to the first maximal cell of
 * each window (row-major), as tfjs-backend-cpu and PyTorch do. Non-overlapping 2x2 windows with the forward output
 * take a branch-free pass (every cell written, an unpredictable branch per cell costs more than the arithmetic);
 * windows where that output is NaN, -Infinity or matches no cell are redone by the exact rule.
 */
static napi_value max_pool_grad(napi_env env, napi_callback_info info) {
  uint8_t* heap; size_t len; int64_t a[19]; Geom g;
  if (!read_args(env, info, 19, &heap, &len, a) || !geom_from(a, &g) || g.ci != g.co || g.dh != 1 || g.dw != 1)
    return throw_msg(env, "maxPoolGrad: bad arguments");
  const size_t nx = (size_t)g.n * g.h * g.w * g.ci, ny = (size_t)g.n * g.oh * g.ow * g.ci;
  if (!in_heap(a[15], nx, len) || (a[16] >= 0 && !in_heap(a[16], ny, len)) || !in_heap(a[17], ny, len) || !in_heap(a[18], nx, len))
    return throw_msg(env, "maxPoolGrad: tensor outside the heap");
  const float* x = (const float*)(heap + a[15]);
  const float* y = a[16] >= 0 ? (const float*)(heap + a[16]) : NULL;
  const float* dy = (const float*)(heap + a[17]);
  float* dx = (float*)(heap + a[18]);
  const int C = g.ci;
  const int two = y && g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.pt == 0 && g.pl == 0 && g.oh * 2 <= g.h && g.ow * 2 <= g.w;
  if (!two || g.oh * 2 != g.h || g.ow * 2 != g.w) memset(dx, 0, nx * sizeof(float));
  if (two) {
    const size_t row = (size_t)g.w * C;
    size_t o = 0;
    for (int s = 0; s < g.n; s++) {
      for (int i = 0; i < g.oh; i++) {
        size_t base = ((size_t)s * g.h + 2 * i) * row;
        for (int j = 0; j < g.ow; j++, base += 2 * (size_t)C) {
          int k = 0;
          /* Four channels at a time, the same float operations per lane; a lane needing the exact rule is redone. */
          for (; k + 4 <= C; k += 4, o += 4) {
            const size_t i0 = base + k, i1 = i0 + C, i2 = i0 + row, i3 = i2 + C;
            const v4f Y = *(const v4f*)(y + o), G = *(const v4f*)(dy + o);
            const v4f X0 = *(const v4f*)(x + i0), X1 = *(const v4f*)(x + i1), X2 = *(const v4f*)(x + i2), X3 = *(const v4f*)(x + i3);
            const v4f e0 = (v4f)((X0 == Y) & ONE_BITS), e1 = (v4f)((X1 == Y) & ONE_BITS), e2 = (v4f)((X2 == Y) & ONE_BITS);
            const v4f n0 = 1.f - e0, n01 = n0 * (1.f - e1), n012 = n01 * (1.f - e2);
            *(v4f*)(dx + i0) = G * e0;
            *(v4f*)(dx + i1) = G * e1 * n0;
            *(v4f*)(dx + i2) = G * e2 * n01;
            *(v4f*)(dx + i3) = G * n012;
            const v4i bad = (Y != Y) | (Y == -INFINITY) | ((n012 != 0.f) & (X3 != Y));
            if (bad[0] | bad[1] | bad[2] | bad[3]) {
              for (int l = 0; l < 4; l++) {
                if (!bad[l]) continue;
                const size_t cells[4] = {i0 + l, i1 + l, i2 + l, i3 + l};
                exact_window(x, dx, dy[o + l], cells, 4);
              }
            }
          }
          for (; k < C; k++, o++) {
            const size_t i0 = base + k, i1 = i0 + C, i2 = i0 + row, i3 = i2 + C;
            const float yv = y[o], gv = dy[o];
            const float e0 = (float)(x[i0] == yv), e1 = (float)(x[i1] == yv), e2 = (float)(x[i2] == yv);
            const float n0 = 1.f - e0, n01 = n0 * (1.f - e1), n012 = n01 * (1.f - e2);
            dx[i0] = gv * e0;
            dx[i1] = gv * e1 * n0;
            dx[i2] = gv * e2 * n01;
            dx[i3] = gv * n012;
            if (yv != yv || yv == -INFINITY || (n012 != 0.f && x[i3] != yv)) {
              const size_t cells[4] = {i0, i1, i2, i3};
              exact_window(x, dx, gv, cells, 4);
            }
          }
        }
      }
    }
    return NULL;
  }
  size_t o = 0;
  for (int s = 0; s < g.n; s++) {
    for (int i = 0; i < g.oh; i++) {
      const int r0 = i * g.sh - g.pt < 0 ? 0 : i * g.sh - g.pt;
      const int r1 = i * g.sh - g.pt + g.kh > g.h ? g.h : i * g.sh - g.pt + g.kh;
      for (int j = 0; j < g.ow; j++) {
        const int c0 = j * g.sw - g.pl < 0 ? 0 : j * g.sw - g.pl;
        const int c1 = j * g.sw - g.pl + g.kw > g.w ? g.w : j * g.sw - g.pl + g.kw;
        for (int k = 0; k < C; k++, o++) {
          float m = -INFINITY; long best = -1;
          for (int r = r0; r < r1; r++) {
            size_t idx = (((size_t)s * g.h + r) * g.w + c0) * C + k;
            for (int q = c0; q < c1; q++, idx += C) if (x[idx] > m) { m = x[idx]; best = (long)idx; }
          }
          if (best >= 0) dx[best] += dy[o];
        }
      }
    }
  }
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
    {"depthwiseConv2d", NULL, depthwise_conv2d, NULL, NULL, NULL, napi_default, NULL},
    {"depthwiseConv2dBackpropInput", NULL, depthwise_conv2d_backprop_input, NULL, NULL, NULL, napi_default, NULL},
    {"depthwiseConv2dBackpropFilter", NULL, depthwise_conv2d_backprop_filter, NULL, NULL, NULL, napi_default, NULL},
    {"matmul", NULL, matmul, NULL, NULL, NULL, napi_default, NULL},
    {"adam", NULL, adam, NULL, NULL, NULL, napi_default, NULL},
    {"batchNormGrad", NULL, batch_norm_grad, NULL, NULL, NULL, napi_default, NULL},
    {"batchNorm", NULL, batch_norm, NULL, NULL, NULL, napi_default, NULL},
    {"reluGrad", NULL, relu_grad, NULL, NULL, NULL, napi_default, NULL},
    {"clipGrad", NULL, clip_grad, NULL, NULL, NULL, napi_default, NULL},
    {"relu6", NULL, relu6_fwd, NULL, NULL, NULL, napi_default, NULL},
    {"spreadMean", NULL, spread_mean, NULL, NULL, NULL, napi_default, NULL},
    {"batchNormTrain", NULL, batch_norm_train, NULL, NULL, NULL, napi_default, NULL},
    {"batchNormTrainGrad", NULL, batch_norm_train_grad, NULL, NULL, NULL, napi_default, NULL},
    {"biasAdd", NULL, bias_add, NULL, NULL, NULL, napi_default, NULL},
    {"maxPool", NULL, max_pool_fwd, NULL, NULL, NULL, napi_default, NULL},
    {"maxPoolGrad", NULL, max_pool_grad, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
    {"config", NULL, config, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
