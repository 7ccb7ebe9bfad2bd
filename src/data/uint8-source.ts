/**
 * A finite source over 8-bit images kept as bytes (4x smaller than float32) and converted to
 * [0, 1] floats (pixel / 255) only when read. IDX, CIFAR-10 and the MNIST package use it.
 */
import { type FiniteSource, rowSource } from './source.ts';

/** A {@link FiniteSource} over `pixels` (`[size, ...shape]` bytes), values in [0, 1]. */
export function uint8ImageSource(
  name: string,
  pixels: Uint8Array,
  shape: readonly number[],
  labels?: Int32Array,
): FiniteSource {
  const words = { values: 'bytes', items: 'images' };
  return rowSource(name, pixels, shape, [0, 1], { labels, divisor: 255, words });
}
