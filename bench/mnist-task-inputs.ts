/**
 * Inputs for the MNIST task demos in docs/ (issue 6): four digits from the bundled MNIST set,
 * their top halves (inpainting), 4x average-pooled copies (super-resolution), and two-digit
 * superpositions (separation).
 * Usage: npx tsx bench/mnist-task-inputs.ts OUT_DIR
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy, npyArray } from '../src/io/npy.ts';
import { mnistPackageSource } from '../src/io/mnist-package.ts';

const out = process.argv[2] ?? 'demo-tasks';
mkdirSync(out, { recursive: true });
const mnist = await mnistPackageSource();
// The first example of each wanted class: digits 2 3 7 9 (inpainting, super-resolution and the
// first parts of the mixtures) and 0 8 4 6 (the second parts).
const firstOf = (label: number): number => mnist.labels!.findIndex((l) => l === label);
const pick = [2, 3, 7, 9, 0, 8, 4, 6].map(firstOf);
const all = await mnist.read(pick);
const D = 28 * 28;
const x = all.subarray(0, 4 * D);
await writeNpy(join(out, 'digits.npy'), npyArray('float32', [4, 1, 28, 28], x.slice()));
// Inpainting: the top half known.
const mask = new Float32Array(D).map((_, i) => (i < D / 2 ? 1 : 0));
await writeNpy(join(out, 'mask.npy'), npyArray('float32', [1, 28, 28], mask));
await writeNpy(
  join(out, 'top-half.npy'),
  npyArray(
    'float32',
    [4, 1, 28, 28],
    x.map((v, i) => v * mask[i % D]!),
  ),
);
// Super-resolution: 4x average pooling to 7x7.
const low = new Float32Array(4 * 49);
for (let n = 0; n < 4; n++)
  for (let i = 0; i < 7; i++)
    for (let j = 0; j < 7; j++) {
      let s = 0;
      for (let a = 0; a < 4; a++)
        for (let b = 0; b < 4; b++) s += x[n * D + (4 * i + a) * 28 + 4 * j + b]!;
      low[n * 49 + i * 7 + j] = s / 16;
    }
await writeNpy(join(out, 'low.npy'), npyArray('float32', [4, 1, 7, 7], low));
// Separation: digit k plus digit k + 4.
const mix = x.map((v, i) => v + all[4 * D + i]!);
await writeNpy(join(out, 'mix.npy'), npyArray('float32', [4, 1, 28, 28], mix));
await writeNpy(join(out, 'mix-parts.npy'), npyArray('float32', [8, 1, 28, 28], all.slice()));
console.log(out);
