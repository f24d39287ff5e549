/** Workloads for re-adaptation: adversarial samples (FGSM, PGD) and damaged models (mutants). */
export { fgsm, pgd, type AttackOptions, type AdversarialSet, type AttackKeep } from './adversarial.js';
export { mutants, type MutantOptions, type Mutant } from './mutants.js';
export { attackDefaults, defaultEps, type AttackParams } from './defaults.js';
export { cloneModel } from './clone.js';
