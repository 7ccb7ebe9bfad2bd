/**
 * A finite source over 8-bit images kept as bytes (4x smaller than float32) and converted to
 * [0, 1] floats (pixel / 255) only when read. IDX, CIFAR-10 and the MNIST package use it.
 */
import { gatherRows, itemSize, type FiniteSource } from './source.ts';

/** A {@link FiniteSource} over `pixels` (`[size, ...shape]` bytes), values in [0, 1]. */
export function uint8ImageSource(
  name: string,
  pixels: Uint8Array,
  shape: readonly number[],
  labels?: Int32Array,
): FiniteSource {
  const d = itemSize(shape);
  if (d === 0 || pixels.length % d !== 0) {
    throw new Error(`${name}: ${pixels.length} bytes do not split into images of shape [${shape}]`);
  }
  const size = pixels.length / d;
  if (labels !== undefined && labels.length !== size) {
    throw new Error(`${name}: ${labels.length} labels for ${size} images`);
  }
  return {
    kind: 'finite',
    name,
    shape,
    range: [0, 1],
    size,
    ...(labels === undefined ? {} : { labels }),
    read: async (indices) => gatherRows(pixels, d, indices, name, 255),
  };
}
