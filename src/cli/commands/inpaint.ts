/** `scorekit inpaint`: fills the unknown part of observations under a mask (tasks/inpainting.ts). */
import { inpainting } from '../../tasks/inpainting.ts';
import type { Command } from '../command.ts';
import { readArray, readMask } from './task-arrays.ts';
import { runTaskCommand, TASK_HELP, TASK_OPTIONS } from './task-command.ts';

export const inpaintCommand: Command = {
  name: 'inpaint',
  summary: 'fill in the unknown part of images under a mask with any score model',
  help: `Usage: scorekit inpaint --model m.onnx --input obs.npy|obs.png --mask mask.npy|mask.png --n K --sampler NAME --out out.npy|out.png [options]

Samples the unknown part (mask 0) given the known part (mask 1): after every sampler step the
known part is replaced by the observation perturbed to the step's noise level (Song & Ermon
2019). Any sampler but ddpm.

  --mask FILE         [...D] for every observation or [M, ...D], 1 = known (.npy of 0/1, or a
                      PNG: light = known) (required)
  --out FILE          the samples [M, K, ...D] (required)
${TASK_HELP}
`,
  options: { ...TASK_OPTIONS, mask: { type: 'string' }, out: { type: 'string' } },
  run: (flags) =>
    runTaskCommand(flags, ['out'], async ({ dataShape, range }) => {
      const y = await readArray(flags.requireString('input'), dataShape, range);
      const mask = await readMask(flags.requireString('mask'), dataShape);
      const problem = inpainting(dataShape, y.data, y.shape, mask);
      const d = y.data.length / problem.count;
      const mid = (range[0] + range[1]) / 2;
      const shared = mask.data.length === d;
      const shown = y.data.map((v, i) => (mask.data[shared ? i % d : i] ? v : mid));
      return { problem, shown };
    }),
};
