/**
 * A folder of PNG / JPEG images (searched recursively) as a lazy finite source: the file
 * list is built when opened, images are decoded with sharp (libvips) only when a batch asks
 * for them, and decoded bytes are cached up to a memory budget. Images become `[C, H, W]`
 * floats in [0, 1], resized or center-cropped to the requested size. When every image sits
 * in a subfolder, the sorted subfolder names are the classes (the torchvision ImageFolder
 * convention) and give the labels.
 */
import { readdir } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import sharp from 'sharp';
import { checkIndex, type FiniteSource } from '../data/source.ts';
import { DataFileError } from './data-file-error.ts';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** How images are brought to the target size. */
export type ImageFit =
  /** Scale the shorter side to the size, then crop the centre (keeps the aspect ratio). */
  | 'cover'
  /** Stretch to the size (ignores the aspect ratio). */
  | 'fill'
  /** Crop the centre without scaling (images must be at least the size). */
  | 'crop';

/** Options for {@link imageFolderSource}. */
export interface ImageFolderOptions {
  /** Output size: a square side or [height, width]. */
  readonly size: number | readonly [number, number];
  /** Default 'cover'. */
  readonly fit?: ImageFit;
  /** 3 for RGB (default) or 1 for greyscale; alpha is flattened onto black. */
  readonly channels?: 1 | 3;
  /** Files that are not .png/.jpg/.jpeg: 'error' (default) or 'skip'. Dotfiles are always skipped. */
  readonly nonImages?: 'error' | 'skip';
  /** Bytes of decoded images kept in memory (default 512 MiB); the rest are decoded again. */
  readonly cacheBytes?: number;
}

/** Opens `dir` as a lazy image source; throws if it has no images or has non-image files. */
export async function imageFolderSource(
  dir: string,
  options: ImageFolderOptions,
): Promise<FiniteSource> {
  const [height, width] =
    typeof options.size === 'number' ? [options.size, options.size] : options.size;
  if (![height, width].every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(
      `imageFolderSource: size must be positive integers, got ${String(options.size)}`,
    );
  }
  const channels = options.channels ?? 3;
  const files = await listImages(dir, options.nonImages ?? 'error');
  const labels = folderLabels(dir, files);
  const decode = decoder(height, width, channels, options.fit ?? 'cover');
  await decode(files[0]!); // fail early on an unreadable first image
  const cache = byteCache(options.cacheBytes ?? 512 * 2 ** 20);
  const d = channels * height * width;

  const read = async (indices: ArrayLike<number>): Promise<Float32Array> => {
    const out = new Float32Array(indices.length * d);
    const jobs = Array.from(indices, async (i, k) => {
      checkIndex(i, files.length, dir);
      const file = files[i]!;
      const bytes = cache.get(i) ?? cache.put(i, await decode(file));
      for (let j = 0; j < d; j++) out[k * d + j] = bytes[j]! / 255;
    });
    await Promise.all(jobs);
    return out;
  };
  return {
    kind: 'finite',
    name: `image folder ${dir}`,
    shape: [channels, height, width],
    range: [0, 1],
    size: files.length,
    ...(labels === undefined ? {} : { labels }),
    read,
  };
}

/** Image files under `dir`, sorted; errors on an empty folder or (by default) non-images. */
export async function listImages(
  dir: string,
  nonImages: 'error' | 'skip' = 'error',
): Promise<string[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    throw new DataFileError(dir, 'image folder not found or not readable');
  }
  const visible = entries.filter(
    (f) =>
      !relative(dir, f)
        .split(sep)
        .some((part) => part.startsWith('.')),
  );
  const images = visible.filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
  const others = visible.filter((f) => !IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
  if (others.length > 0 && nonImages === 'error') {
    const shown = others.slice(0, 5).map((f) => relative(dir, f));
    throw new DataFileError(
      dir,
      `${others.length} non-image file(s) mixed in (${shown.join(', ')}${others.length > 5 ? ', ...' : ''}); ` +
        `only .png, .jpg and .jpeg are read - remove them or set nonImages: 'skip'`,
    );
  }
  if (images.length === 0)
    throw new DataFileError(dir, 'no PNG or JPEG images found (searched recursively)');
  return images;
}

/** Labels from top-level subfolder names when every image is inside one; else undefined. */
function folderLabels(dir: string, files: readonly string[]): Int32Array | undefined {
  const top = files.map((f) => relative(dir, f).split(sep));
  if (top.some((parts) => parts.length < 2)) return undefined;
  const classes = [...new Set(top.map((p) => p[0]!))].sort();
  return Int32Array.from(top, (p) => classes.indexOf(p[0]!));
}

/** A function decoding one file to `[C, H, W]` bytes. */
function decoder(
  height: number,
  width: number,
  channels: 1 | 3,
  fit: ImageFit,
): (file: string) => Promise<Uint8Array> {
  return async (file) => {
    try {
      let img = sharp(file).rotate();
      if (fit === 'crop') {
        const meta = await sharp(file).metadata();
        const [w, h] =
          (meta.orientation ?? 1) >= 5 ? [meta.height, meta.width] : [meta.width, meta.height];
        if (w < width || h < height) {
          throw new Error(`image is ${w}x${h}, smaller than the ${width}x${height} crop`);
        }
        img = img.extract({
          left: Math.floor((w - width) / 2),
          top: Math.floor((h - height) / 2),
          width,
          height,
        });
      } else {
        img = img.resize(width, height, {
          fit: fit === 'fill' ? 'fill' : 'cover',
          position: 'centre',
        });
      }
      const { data, info } = await img
        .flatten({ background: '#000000' })
        .toColourspace(channels === 1 ? 'b-w' : 'srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== channels || info.width !== width || info.height !== height) {
        throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}`);
      }
      return hwcToChw(data, height, width, channels);
    } catch (e) {
      throw new DataFileError(file, `cannot decode image: ${(e as Error).message}`);
    }
  };
}

function hwcToChw(hwc: Uint8Array, h: number, w: number, c: number): Uint8Array {
  const out = new Uint8Array(h * w * c);
  for (let p = 0; p < h * w; p++)
    for (let ch = 0; ch < c; ch++) out[ch * h * w + p] = hwc[p * c + ch]!;
  return out;
}

/** A map that stops accepting entries once `budget` bytes are stored. */
function byteCache(budget: number): {
  get(i: number): Uint8Array | undefined;
  put(i: number, b: Uint8Array): Uint8Array;
} {
  const map = new Map<number, Uint8Array>();
  let used = 0;
  return {
    get: (i) => map.get(i),
    put: (i, b) => {
      if (used + b.length <= budget && !map.has(i)) {
        map.set(i, b);
        used += b.length;
      }
      return b;
    },
  };
}
