import type { Command } from 'commander';

/** Every CLI command registers itself on the program; the list order is the --help order. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [];
