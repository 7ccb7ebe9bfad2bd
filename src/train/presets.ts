/**
 * Named training presets (partial configs merged over the defaults; flags override them).
 * Settings follow the papers where they exist (algorithms.md section 4: NCSNv2's shipped
 * configs), scaled down where a preset is meant for a 2-core machine.
 */
import type { PartialConfig } from './config.ts';

/** NCSNv2 ngf 64 on MNIST at the NCSN paper's sizes; Fashion-MNIST trains the same way. */
const MNIST: PartialConfig = {
  data: { name: 'mnist', range: '0,1', dequantize: true },
  model: { name: 'ncsnv2', config: { ngf: 64 } },
  noise: { sigmaMax: 'auto', sigmaMin: 0.01, numScales: 'auto' },
  optim: { lr: 1e-4, clipNorm: 1, ema: 0.999 },
  steps: 100_000,
  batchSize: 128,
  log: { every: 100, checkpointEvery: 5000, sampleEvery: 5000 },
};

export const PRESETS: Readonly<
  Record<string, { readonly description: string; readonly config: PartialConfig }>
> = {
  toy2d: {
    description: 'MLP on a 2-D mixture of two Gaussians, weights 0.8 / 0.2 (about 10 s on 2 cores)',
    config: {
      data: {
        name: 'gaussian-mixture',
        options: {
          means: [
            [-3, -1],
            [3, 1],
          ],
          scales: 0.5,
          weights: [0.8, 0.2],
        },
      },
      model: { name: 'mlp', config: { hidden: 128, layers: 3, frequencies: 8, dataStd: 3 } },
      noise: { sigmaMax: 'auto', sigmaMin: 0.01, numScales: 10 },
      optim: { lr: 2e-3, warmup: 200, clipNorm: 10, ema: 0.995 },
      steps: 4000,
      batchSize: 256,
      log: { every: 100, checkpointEvery: 1000, sampleEvery: 0 },
    },
  },
  'mnist-small': {
    description:
      'small NCSNv2 on the 10,000 bundled MNIST digits (recognisable digits in well under an hour on 2 cores)',
    config: {
      data: { name: 'mnist', range: '0,1', dequantize: true },
      model: { name: 'ncsnv2', config: { ngf: 16 } },
      noise: { sigmaMax: 'auto', sigmaMin: 0.01, numScales: 'auto' },
      optim: { lr: 1e-3, warmup: 100, clipNorm: 1, ema: 0.999 },
      steps: 3000,
      batchSize: 64,
      log: { every: 50, checkpointEvery: 500, sampleEvery: 1000, sampleCount: 64 },
    },
  },
  mnist: {
    description: 'NCSNv2 ngf 64 on MNIST (NCSN paper sizes; hours on 2 cores)',
    config: MNIST,
  },
  'fashion-mnist': {
    description: "NCSNv2 ngf 64 on Fashion-MNIST (Debian's dataset-fashion-mnist)",
    config: { ...MNIST, data: { ...MNIST.data, name: 'fashion-mnist' } },
  },
  cifar10: {
    description:
      "NCSNv2's CIFAR-10 settings (sigma_1 50, L 232, ngf 128, batch 128, Adam 1e-4, EMA 0.999); for big machines",
    config: {
      data: { name: 'cifar10', range: '0,1', dequantize: true, flip: true },
      model: { name: 'ncsnv2', config: { ngf: 128 } },
      noise: { sigmaMax: 50, sigmaMin: 0.01, numScales: 232 },
      optim: { lr: 1e-4, clipNorm: 1, ema: 0.999 },
      steps: 300_000,
      batchSize: 128,
      log: { every: 100, checkpointEvery: 5000, sampleEvery: 5000 },
    },
  },
};

/** A preset's config; throws listing the valid names. */
export function presetConfig(name: string): PartialConfig {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown preset "${name}" (presets: ${Object.keys(PRESETS).join(', ')})`);
  return p.config;
}
