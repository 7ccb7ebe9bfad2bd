/** Every `scorekit` command, by name. Add a command here, one file per command. */
import type { Command } from '../command.ts';
import { demoCommand } from './demo.ts';
import { sampleCommand } from './sample.ts';
import { trainCommand } from './train.ts';
import { exportCommand } from './export.ts';
import { inpaintCommand } from './inpaint.ts';
import { denoiseCommand } from './denoise.ts';
import { superresCommand } from './superres.ts';
import { deblurCommand } from './deblur.ts';
import { colorizeCommand } from './colorize.ts';
import { separateCommand } from './separate.ts';
import { posteriorCommand } from './posterior.ts';

export const COMMANDS: readonly Command[] = [
  demoCommand,
  trainCommand,
  exportCommand,
  sampleCommand,
  inpaintCommand,
  denoiseCommand,
  superresCommand,
  deblurCommand,
  colorizeCommand,
  separateCommand,
  posteriorCommand,
];
