import type { Command } from '../command.ts';
import { runDemo } from '../demo.ts';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'train a small score model on a 2-D mixture and sample it (about 15 s on 2 cores)',
  help: `Usage: scorekit demo [--out DIR] [--seed S] [--steps N] [--threads T]

Trains an MLP score network by denoising score matching on a 2-D mixture of two Gaussians
(weights 0.8 / 0.2), exports it as a score-model ONNX file, samples it with annealed Langevin
dynamics from that file, and writes model.onnx, samples.npy and plot.png.

  --out DIR      output folder (default ./demo-out)
  --seed S       random seed (default 0)
  --steps N      training steps (default 4000)
  --threads T    ONNX Runtime threads (default: all cores)
`,
  options: {
    out: { type: 'string' },
    seed: { type: 'string' },
    steps: { type: 'string' },
    threads: { type: 'string' },
  },
  run: (flags) => runDemo(flags),
};
