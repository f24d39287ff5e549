/**
 * Flags every maintenance command (restructure, readapt, extend) shares: the slice policy (--theta, --tolerance),
 * --allow-foreign-slice and the retention contract (--protect-max-drop). Defaults come from the engine's defaults
 * table, so `--help`, the API and the magics say the same.
 */
import type { Command } from 'commander';
import { MAINTENANCE_DEFAULTS, type SlicePolicyOptions } from '../engine/maintenance/index.js';
import { rangeArg, thetaArg } from './options.js';

/** What the shared flags parse to. */
export interface PolicyFlags { theta: number | 'auto'; tolerance: number; allowForeignSlice?: boolean; protectMaxDrop: number }

/** Add the shared flags to a maintenance command. */
export function addPolicyFlags(cmd: Command): Command {
  const S = MAINTENANCE_DEFAULTS.slice;
  return cmd
    .option('--theta <x|auto>', 'theta of the slice made here (no --slice): auto = the smallest theta whose masked accuracy on held-out training images stays within --tolerance, or a number in (0, 1]', thetaArg, S.theta as number | 'auto')
    .option('--tolerance <x>', 'largest masked-accuracy drop --theta auto accepts (0.01 = one point)', rangeArg('--tolerance', 0, 1), S.tolerance)
    .option('--allow-foreign-slice', 'use a --slice made from another model with the same layers (refused otherwise)')
    .option('--protect-max-drop <x>', 'largest per-class accuracy drop for --protect (0.01 = one point)', rangeArg('--protect-max-drop', 0, 1), 0.01);
}

/** The slice policy the flags ask for. */
export function policyFromFlags(f: PolicyFlags, extra: SlicePolicyOptions = {}): SlicePolicyOptions {
  return { theta: f.theta, tolerance: f.tolerance, ...extra };
}
