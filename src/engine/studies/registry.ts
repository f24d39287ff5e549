/** The registry of studies: built-in ones (fidelity, ...) and any a user registers. */
import { Registry } from '../registry.js';
import type { StudyDefinition } from './types.js';

const studies = new Registry<StudyDefinition>({ kind: 'study', codePrefix: 'STUDY', namePattern: /^[a-z][a-z0-9-]*$/ });

/**
 * Add a study. Names are unique unless `{ override: true }`.
 *
 * @example
 * registerStudy({ name: 'toy', description: 'squares', grid: () => [{ n: 1 }, { n: 2 }], run: async ({ n }) => [{ sq: (n as number) ** 2 }] });
 */
export function registerStudy(def: StudyDefinition, opts: { override?: boolean } = {}): void {
  studies.register(def, opts);
}

/**
 * The study registered under a name (UNKNOWN_STUDY with the choices otherwise).
 *
 * @example
 * getStudy('fidelity').grid('small').length;
 */
export function getStudy(name: string): StudyDefinition {
  return studies.get(name);
}

/**
 * Every registered study, in registration order.
 *
 * @example
 * listStudies().map((s) => s.name); // ['fidelity', ...]
 */
export function listStudies(): StudyDefinition[] {
  return studies.list();
}
