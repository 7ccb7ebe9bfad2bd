/** `scorekit deblur`: deblurring with a known kernel (tasks/deblurring.ts). */
import { readNpy } from '../../io/npy.ts';
import { type BlurKernel, kernelFromArray, parseGaussianKernel } from '../../tasks/blur-kernel.ts';
import { deblurring } from '../../tasks/deblurring.ts';
import { type Command, UsageError } from '../command.ts';
import { readArray } from './task-arrays.ts';
import { runTaskCommand, TASK_HELP, TASK_OPTIONS } from './task-command.ts';

export const deblurCommand: Command = {
  name: 'deblur',
  summary: 'sample sharp images given blurred ones and the blur kernel',
  help: `Usage: scorekit deblur --model m.onnx --input blurred.npy|blurred.png --kernel gaussian:WIDTH|kernel.npy --noise-std S --n K --sampler NAME --out out.npy|out.png [options]

Conditional annealed Langevin with A = the blur (correlation with the kernel, centred, zero
padding, every channel alike).

  --kernel K          gaussian:WIDTH (std in pixels, truncated at 3 WIDTH, sum 1) or a 2-D
                      .npy kernel of odd sizes, used as given (required)
  --noise-std S       std of the noise on the blurred images (required, >= 0)
  --out FILE          the samples [M, K, ...D] (required)
${TASK_HELP}
`,
  options: {
    ...TASK_OPTIONS,
    kernel: { type: 'string' },
    'noise-std': { type: 'string' },
    out: { type: 'string' },
  },
  run: (flags) =>
    runTaskCommand(flags, ['out'], async ({ dataShape, range }) => {
      const noiseStd = flags.number('noise-std', { min: 0 });
      if (noiseStd === undefined)
        throw new UsageError('deblur: missing --noise-std (see scorekit deblur --help)');
      const kernel = await readKernel(flags.requireString('kernel'));
      const y = await readArray(flags.requireString('input'), dataShape, range);
      return {
        problem: deblurring(dataShape, y.data, y.shape, { kernel, noiseStd }),
        shown: y.data,
      };
    }),
};

async function readKernel(spec: string): Promise<BlurKernel> {
  const gaussian = parseGaussianKernel(spec);
  if (gaussian) return gaussian;
  const a = await readNpy(spec);
  return kernelFromArray(a.shape, a.data, spec);
}
