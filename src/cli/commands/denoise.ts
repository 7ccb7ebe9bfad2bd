/** `scorekit denoise`: denoises observations y = x + s_y z (tasks/denoising.ts). */
import { denoising } from '../../tasks/denoising.ts';
import { startAtNoiseLevel } from '../../tasks/denoising.ts';
import { type Command, UsageError } from '../command.ts';
import { readArray } from './task-arrays.ts';
import { runTaskCommand, TASK_HELP, TASK_OPTIONS } from './task-command.ts';

export const denoiseCommand: Command = {
  name: 'denoise',
  summary: 'sample clean images given noisy ones with known noise std',
  help: `Usage: scorekit denoise --model m.onnx --input noisy.npy|noisy.png --noise-std S --n K --sampler NAME --out out.npy|out.png [options]

  --noise-std S       s_y, the std of the Gaussian noise on the observations (required, >= 0)
  --method M          likelihood (default): the sampler follows s(x, sigma) + (y - x) / (s_y^2 +
                      sigma^2); start: anneal from x = y over the levels below s_y with the prior
                      score alone (exact for the reverse diffusion: use pc; Langevin-heavy
                      samplers such as als mix away from y)
  --out FILE          the samples [M, K, ...D] (required)
${TASK_HELP}
`,
  options: {
    ...TASK_OPTIONS,
    'noise-std': { type: 'string' },
    method: { type: 'string' },
    out: { type: 'string' },
  },
  run: (flags) =>
    runTaskCommand(flags, ['out'], async ({ dataShape, range }) => {
      const noiseStd = flags.number('noise-std', { min: 0 });
      if (noiseStd === undefined)
        throw new UsageError('denoise: missing --noise-std (see scorekit denoise --help)');
      const method = flags.string('method') ?? 'likelihood';
      if (method !== 'likelihood' && method !== 'start')
        throw new UsageError(`--method must be likelihood or start, got "${method}"`);
      const y = await readArray(flags.requireString('input'), dataShape, range);
      return {
        problem: denoising(dataShape, y.data, y.shape, noiseStd, method),
        shown: y.data,
        ...(method === 'start' ? { inputs: (i) => startAtNoiseLevel(i, noiseStd) } : {}),
      };
    }),
};
