/** Every `scorekit` command, by name. Add a command here, one file per command. */
import type { Command } from '../command.ts';
import { demoCommand } from './demo.ts';
import { sampleCommand } from './sample.ts';
import { trainCommand } from './train.ts';
import { exportCommand } from './export.ts';

export const COMMANDS: readonly Command[] = [
  demoCommand,
  trainCommand,
  exportCommand,
  sampleCommand,
];
