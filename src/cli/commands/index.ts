import type { Command } from 'commander';
import { registerTrain } from './train.js';
import { registerInfo } from './info.js';
import { registerData } from './data.js';
import { registerSlice } from './slice.js';
import { registerDemo } from './demo.js';
import { registerRun } from './run.js';
import { registerReport } from './report.js';
import { registerStudy } from './study.js';
import { registerRestructure } from './restructure.js';
import { registerReadapt } from './readapt.js';
import { registerExtend } from './extend.js';
import { registerBackend } from './backend.js';

/** Every CLI command registers itself on the program; the list order is the --help order. */
export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [registerDemo, registerTrain, registerSlice, registerInfo, registerData, registerRun, registerReport, registerStudy, registerRestructure, registerReadapt, registerExtend, registerBackend];
