/**
 * CIFAR-10 binary batches (Krizhevsky 2009; https://www.cs.toronto.edu/~kriz/cifar.html,
 * "binary version"): each file is a sequence of 3073-byte records, one label byte (0-9) then
 * 3072 pixel bytes, the 1024 red, 1024 green and 1024 blue values of a 32x32 image in row
 * order - already the [C, H, W] layout used here.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FiniteSource } from '../data/source.ts';
import { uint8ImageSource } from '../data/uint8-source.ts';
import { readBytes } from './binary-file.ts';
import { DataFileError } from './data-file-error.ts';

const RECORD = 1 + 3 * 32 * 32;

/** Which batches to read from a CIFAR-10 directory. */
export type CifarSplit = 'train' | 'test' | 'all';

/** Pixels and labels of one or more CIFAR-10 binary batch files. */
export interface CifarData {
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
}

/** Decodes one binary batch file; `file` names it in errors. */
export function decodeCifarBatch(bytes: Uint8Array, file = '<buffer>'): CifarData {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new DataFileError(
      file,
      `size ${bytes.length} bytes is not a positive multiple of the ${RECORD}-byte CIFAR-10 record ` +
        `(1 label byte + 3072 pixel bytes): truncated, or not a CIFAR-10 binary batch`,
    );
  }
  const n = bytes.length / RECORD;
  const pixels = new Uint8Array(n * (RECORD - 1));
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = bytes[i * RECORD]!;
    if (label > 9) {
      throw new DataFileError(
        file,
        `record ${i} has label ${label}; CIFAR-10 labels are 0-9 (is this CIFAR-100?)`,
      );
    }
    labels[i] = label;
    pixels.set(bytes.subarray(i * RECORD + 1, (i + 1) * RECORD), i * (RECORD - 1));
  }
  return { pixels, labels };
}

/** The batch files for `split` in directory `dir` (descending into cifar-10-batches-bin/). */
export async function cifarBatchFiles(dir: string, split: CifarSplit): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new DataFileError(dir, 'directory not found or not readable');
  }
  if (names.includes('cifar-10-batches-bin'))
    return cifarBatchFiles(join(dir, 'cifar-10-batches-bin'), split);
  const train = names.filter((f) => /^data_batch_\d+\.bin$/.test(f)).sort();
  const test = names.filter((f) => f === 'test_batch.bin');
  const files = split === 'train' ? train : split === 'test' ? test : [...train, ...test];
  if (files.length === 0) {
    throw new DataFileError(
      dir,
      `no CIFAR-10 ${split} batches (data_batch_*.bin, test_batch.bin) found; download ` +
        `cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and extract it here`,
    );
  }
  return files.map((f) => join(dir, f));
}

/**
 * CIFAR-10 as a finite source of `[3, 32, 32]` images in [0, 1] with labels, from a batch
 * file or a directory of them.
 */
export async function cifar10Source(
  path: string,
  split: CifarSplit = 'train',
): Promise<FiniteSource> {
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => {
      throw new DataFileError(path, 'file or directory not found');
    },
  );
  const files = isDir ? await cifarBatchFiles(path, split) : [path];
  const parts = await Promise.all(files.map(async (f) => decodeCifarBatch(await readBytes(f), f)));
  const pixels = new Uint8Array(parts.reduce((a, p) => a + p.pixels.length, 0));
  const labels = new Int32Array(parts.reduce((a, p) => a + p.labels.length, 0));
  let [po, lo] = [0, 0];
  for (const p of parts) {
    pixels.set(p.pixels, po);
    labels.set(p.labels, lo);
    po += p.pixels.length;
    lo += p.labels.length;
  }
  return uint8ImageSource(`cifar10 ${split} (${path})`, pixels, [3, 32, 32], labels);
}
