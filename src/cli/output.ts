import { checkDirTarget, checkFileTarget, cliTerms, isReportText, isSliceFileText } from '../engine/output-target.js';

/**
 * Output checks every writing command runs before any work (a training run or a profile must not end in "cannot
 * write"): an existing output needs --force, --force replaces only what semslice wrote, the place must be writable.
 * Errors name the command's own flags.
 */
export async function checkModelOut(dir: string, force: boolean | undefined, flag = '--out'): Promise<void> {
  await checkDirTarget(dir, { force, terms: cliTerms(flag) });
}

export async function checkSliceOut(file: string, force: boolean | undefined, flag = '--out'): Promise<void> {
  await checkFileTarget(file, { force, terms: cliTerms(flag), isOurs: isSliceFileText, what: 'slice file' });
}

export async function checkReportOut(file: string, force: boolean | undefined, input: string, flag = '-o'): Promise<void> {
  await checkFileTarget(file, { force, terms: cliTerms(flag), isOurs: isReportText, what: 'report', inputs: [input] });
}
