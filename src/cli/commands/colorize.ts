/** `scorekit colorize`: colour images given grey ones (tasks/colorization.ts). */
import { colorization } from '../../tasks/colorization.ts';
import { greyOperator } from '../../tasks/linear-operators.ts';
import type { Command } from '../command.ts';
import { readArray } from './task-arrays.ts';
import { runTaskCommand, TASK_HELP, TASK_OPTIONS } from './task-command.ts';

export const colorizeCommand: Command = {
  name: 'colorize',
  summary: 'sample RGB images whose channel mean is the grey input',
  help: `Usage: scorekit colorize --model m.onnx --input grey.npy|grey.png --n K --sampler NAME --out out.npy|out.png [options]

Conditional annealed Langevin with A = the grey projection (mean of R, G, B) for RGB data
[3, H, W]; the input is [M, 1, H, W] (a PNG is read as grey).

  --noise-std S       std of the noise on the grey images (default 0)
  --out FILE          the samples [M, K, 3, H, W] (required)
${TASK_HELP}
`,
  options: { ...TASK_OPTIONS, 'noise-std': { type: 'string' }, out: { type: 'string' } },
  run: (flags) =>
    runTaskCommand(flags, ['out'], async ({ dataShape, range }) => {
      const A = greyOperator(dataShape);
      const y = await readArray(flags.requireString('input'), A.outShape, range);
      const noiseStd = flags.number('noise-std', { min: 0 }) ?? 0;
      const problem = colorization(dataShape, y.data, y.shape, noiseStd);
      return { problem, shown: A.adjoint(y.data, problem.count).map((v) => 3 * v) };
    }),
};
