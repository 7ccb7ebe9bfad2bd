/** Maps a --data path to a dataset registry entry and its options, by what the path is. */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { UsageError } from '../command.ts';

/** `{ name, options }` for a file or folder given as --data. */
export function dataFromPath(path: string): { name: string; options: Record<string, unknown> } {
  if (statSync(path).isDirectory()) return { name: 'image-folder', options: { path } };
  const ext = extname(path.replace(/\.gz$/, '')).toLowerCase();
  if (ext === '.npy' || ext === '.csv') return { name: 'tabular', options: { path } };
  if (ext === '.bin') return { name: 'cifar10', options: { path } };
  if (/-ubyte$|\.idx\d?$/.test(path.replace(/\.gz$/, '')))
    return { name: 'idx', options: { images: path } };
  throw new UsageError(
    `--data ${path}: cannot tell the format (expected a folder of images, .npy, .csv, .bin (CIFAR-10) or an IDX file)`,
  );
}
