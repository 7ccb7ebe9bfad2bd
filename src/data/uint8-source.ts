/**
 * A finite source over 8-bit images kept as bytes (4x smaller than float32) and converted to
 * [0, 1] floats (pixel / 255) only when read. IDX, CIFAR-10 and the MNIST package use it.
 */
import { itemSize, type FiniteSource } from './source.ts';

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
  const read = (indices: ArrayLike<number>): Promise<Float32Array> => {
    const out = new Float32Array(indices.length * d);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (!Number.isInteger(i) || i < 0 || i >= size) {
        return Promise.reject(new Error(`${name}: index ${i} is out of range [0, ${size})`));
      }
      for (let j = 0; j < d; j++) out[k * d + j] = pixels[i * d + j]! / 255;
    }
    return Promise.resolve(out);
  };
  return {
    kind: 'finite',
    name,
    shape,
    range: [0, 1],
    size,
    ...(labels === undefined ? {} : { labels }),
    read,
  };
}
