/** The slice-vs-model rule the strategies apply: one rule, in slicing/slice-fit.ts (Slice.load and the CLI use it too). */
export { checkSliceFits, type SliceFitOptions, type SliceOrigin } from '../../slicing/slice-fit.js';
