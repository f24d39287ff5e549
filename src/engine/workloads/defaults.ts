/**
 * Attack defaults per dataset (docs/maintenance.md, docs/maintenance.md): MNIST eps 0.3, PGD 40 steps of
 * 0.01 with a random start (Madry's MNIST challenge); Fashion-MNIST eps 0.1 (D) with the step scaled alike
 * (eps / 30); CIFAR-10 8/255 (the common convention). Any other dataset gets MNIST's values.
 */

/** Resolved attack parameters. */
export interface AttackParams {
  /** L-infinity radius. */
  eps: number;
  /** PGD steps (FGSM: 1). */
  steps: number;
  /** PGD step size alpha (FGSM: eps). */
  stepSize: number;
  /** PGD starts from a uniform point in the eps-ball (FGSM: false). */
  randomStart: boolean;
}

const EPS: Record<string, number> = { 'mnist': 0.3, 'fashion-mnist': 0.1, 'cifar10': 8 / 255 };

/**
 * The default eps of a dataset (by its name; variants such as "mnist-rgb" use their base name).
 *
 * @example
 * defaultEps('fashion-mnist'); // 0.1
 */
export function defaultEps(dataset: string): number {
  const base = Object.keys(EPS).find((k) => dataset === k || dataset.startsWith(`${k}-`));
  return base ? EPS[base]! : 0.3;
}

/**
 * FGSM and PGD defaults for a dataset and an optional eps (PGD: 40 steps of eps / 30, random start).
 *
 * @example
 * attackDefaults('pgd', 'mnist'); // { eps: 0.3, steps: 40, stepSize: 0.01, randomStart: true }
 */
export function attackDefaults(kind: 'fgsm' | 'pgd', dataset: string, eps?: number): AttackParams {
  const e = eps ?? defaultEps(dataset);
  return kind === 'fgsm' ? { eps: e, steps: 1, stepSize: e, randomStart: false } : { eps: e, steps: 40, stepSize: e / 30, randomStart: true };
}
