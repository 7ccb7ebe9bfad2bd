/** Running `scorekit sample` in-process, and the closed-form mixture model files the CLI tests use. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlags } from '../../src/cli/command.ts';
import { sampleCommand } from '../../src/cli/commands/sample.ts';
import { closedFormScoreModel } from '../../src/score/closed-form-score-model.ts';
import { gaussianMixtureScore } from '../../src/score/gaussian-mixture-score.ts';
import { geometricSigmas } from '../../src/score/schedule.ts';

/** The 0.8 / 0.2 mixture of the sampler tests. */
export const MIXTURE = {
  means: [
    [-2, -2],
    [8, 8],
  ],
  scales: 1,
  weights: [0.8, 0.2],
};

/** Writes mixture score files into `dir`: with scorekit.* metadata and without. */
export function writeMixtureModels(dir: string): { withMeta: string; bare: string } {
  const score = gaussianMixtureScore(MIXTURE);
  const withMeta = join(dir, 'mixture.onnx');
  const bare = join(dir, 'mixture-bare.onnx');
  const sigmas = Array.from(geometricSigmas(20, 0.01, 10));
  writeFileSync(withMeta, closedFormScoreModel(score, [2], { sigmas, dataShape: [2] }));
  writeFileSync(bare, closedFormScoreModel(score, [2]));
  return { withMeta, bare };
}

/** Runs `scorekit sample ARGS` in this process (stdout/stderr quietened). */
export async function sample(args: readonly string[]): Promise<void> {
  const write = process.stderr.write.bind(process.stderr);
  const out = process.stdout.write.bind(process.stdout);
  process.stderr.write = () => true;
  process.stdout.write = () => true;
  try {
    await sampleCommand.run(parseFlags(sampleCommand, args));
  } finally {
    process.stderr.write = write;
    process.stdout.write = out;
  }
}

/** Fraction of [n, 2] samples on the first component's side of x + y = 6. */
export function firstWeight(x: Float32Array): number {
  let k = 0;
  const n = x.length / 2;
  for (let i = 0; i < n; i++) if (x[2 * i]! + x[2 * i + 1]! < 6) k++;
  return k / n;
}
