/**
 * Linear CKA (DeepArc's biased form, docs/maintenance.md) in float64: Gram matrices K = X X^T and L = Y Y^T of the
 * same n samples, centred (H K H), CKA = <K~, L~> / (||K~||_F ||L~||_F). The Gram form costs n^2 (p + q) and never
 * builds p x p matrices, so wide conv activations are fine.
 */

/** Centred Gram matrix of n rows of p features (row-major), float64. */
export function centredGram(x: ArrayLike<number>, n: number, p: number): Float64Array {
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let f = 0; f < p; f++) s += x[i * p + f]! * x[j * p + f]!;
      k[i * n + j] = s; k[j * n + i] = s;
    }
  }
  const row = new Float64Array(n);
  let all = 0;
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += k[i * n + j]!; row[i] = s / n; all += s; }
  all /= n * n;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) k[i * n + j] = k[i * n + j]! - row[i]! - row[j]! + all;
  return k;
}

/**
 * Linear CKA between two representations of the same n samples (X: n x p, Y: n x q, row-major).
 *
 * @example
 * linearCka(x, y, 100, 64, 32); // in [0, 1]; 1 for Y = X R (R orthogonal) or Y = c X
 */
export function linearCka(x: ArrayLike<number>, y: ArrayLike<number>, n: number, p: number, q: number): number {
  return ckaOfGrams(centredGram(x, n, p), centredGram(y, n, q));
}

/** CKA of two centred Gram matrices. */
export function ckaOfGrams(k: Float64Array, l: Float64Array): number {
  let kl = 0, kk = 0, ll = 0;
  for (let i = 0; i < k.length; i++) { kl += k[i]! * l[i]!; kk += k[i]! * k[i]!; ll += l[i]! * l[i]!; }
  return kk > 0 && ll > 0 ? kl / Math.sqrt(kk * ll) : 0;
}

/**
 * Modules by threshold (docs/maintenance.md): consecutive units stay in one module while CKA(i-1, i) > threshold.
 * `neighbours[i]` is CKA(unit i, unit i+1). Returns index ranges [first, last].
 */
export function modulesByThreshold(neighbours: readonly number[], threshold: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < neighbours.length; i++) {
    if (!(neighbours[i]! > threshold)) { out.push([start, i]); start = i + 1; }
  }
  out.push([start, neighbours.length]);
  return out;
}
