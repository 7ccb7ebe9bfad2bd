/** `scorekit superres`: super-resolution by the average-pool operator (tasks/super-resolution.ts). */
import { averagePoolOperator } from '../../tasks/linear-operators.ts';
import { superResolution } from '../../tasks/super-resolution.ts';
import { type Command, UsageError } from '../command.ts';
import { readArray } from './task-arrays.ts';
import { runTaskCommand, TASK_HELP, TASK_OPTIONS } from './task-command.ts';

export const superresCommand: Command = {
  name: 'superres',
  summary: 'sample high-resolution images whose F x F block means are the input',
  help: `Usage: scorekit superres --model m.onnx --input low.npy|low.png --factor F --n K --sampler NAME --out out.npy|out.png [options]

Conditional annealed Langevin: the sampler follows s(x, sigma) + A^T (y - A x) / (s_y^2 +
sigma^2), A = average pooling by F. The input is [M, C, H/F, W/F] for data [C, H, W].

  --factor F          the pooling factor; it must divide H and W (required)
  --noise-std S       std of the noise on the low-resolution images (default 0)
  --out FILE          the samples [M, K, ...D] (required)
${TASK_HELP}
`,
  options: {
    ...TASK_OPTIONS,
    factor: { type: 'string' },
    'noise-std': { type: 'string' },
    out: { type: 'string' },
  },
  run: (flags) =>
    runTaskCommand(flags, ['out'], async ({ dataShape, range }) => {
      const factor = flags.int('factor', 1);
      if (factor === undefined)
        throw new UsageError('superres: missing --factor (see scorekit superres --help)');
      const A = averagePoolOperator(dataShape, factor);
      const y = await readArray(flags.requireString('input'), A.outShape, range);
      const noiseStd = flags.number('noise-std', { min: 0 }) ?? 0;
      const problem = superResolution(dataShape, y.data, y.shape, { factor, noiseStd });
      // Nearest-neighbour upsampling, f^2 A^T y, to show the input at full size.
      const shown = A.adjoint(y.data, problem.count).map((v) => v * factor * factor);
      return { problem, shown };
    }),
};
