/** `scorekit separate`: splits mixtures y = x1 + x2 (tasks/source-separation.ts). */
import { sourceSeparation } from '../../tasks/source-separation.ts';
import type { Command } from '../command.ts';
import { resolveShape } from './sample.ts';
import { readArray } from './task-arrays.ts';
import { runTaskCommand, TASK_HELP, TASK_OPTIONS } from './task-command.ts';

export const separateCommand: Command = {
  name: 'separate',
  summary: 'split mixtures y = x1 + x2 into two sources with one or two score models',
  help: `Usage: scorekit separate --model m.onnx [--model-b m2.onnx] --input mix.npy|mix.png --n K --sampler NAME --out-a a.npy|a.png --out-b b.npy|b.png [options]

The sampler runs on (x1, x2) with scores s1(x1) + g and s2(x2) + g,
g = (y - x1 - x2) / (sigma^2 + s_y^2) (annealed; algorithms.md section 8).

  --model-b FILE      the prior of x2 (default: --model for both); same data shape
  --noise-std S       std of the noise on the mixtures (default 0)
  --out-a FILE        the samples of x1 [M, K, ...D] (required)
  --out-b FILE        the samples of x2 [M, K, ...D] (required)
${TASK_HELP}
`,
  options: {
    ...TASK_OPTIONS,
    'model-b': { type: 'string' },
    'noise-std': { type: 'string' },
    'out-a': { type: 'string' },
    'out-b': { type: 'string' },
  },
  run: (flags) =>
    runTaskCommand(flags, ['out-a', 'out-b'], async ({ dataShape, range, openModel }) => {
      const pathB = flags.string('model-b');
      const modelB = pathB ? await openModel(pathB) : undefined;
      if (modelB) resolveShape([...dataShape], modelB.info, 'separate'); // same data shape

      const y = await readArray(flags.requireString('input'), dataShape, range);
      const secondPrior = modelB?.score;
      const noiseStd = flags.number('noise-std', { min: 0 }) ?? 0;
      const problem = sourceSeparation(dataShape, y.data, y.shape, {
        noiseStd,
        ...(secondPrior ? { secondPrior } : {}),
      });
      return { problem, shown: y.data };
    }),
};
