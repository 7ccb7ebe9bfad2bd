/**
 * StackedMNIST (Metz et al. 2017; Srivastava et al. 2017, VEEGAN): each item stacks three
 * independently drawn MNIST digits as the R, G, B channels; its mode id is
 * 100 * l1 + 10 * l2 + l3 for the three labels, so there are 1000 modes.
 */
import type { Rng } from '../rng/rng.ts';
import { checkIndex, itemSize, type FiniteSource } from './source.ts';

/** The mode id of three digit labels: 100 * l1 + 10 * l2 + l3. */
export function stackedMnistMode(l1: number, l2: number, l3: number): number {
  return 100 * l1 + 10 * l2 + l3;
}

/**
 * A StackedMNIST source of `size` items over a labelled single-channel digit source `mnist`
 * (`[1, H, W]`, labels 0..9); the digit triples are drawn once from `rng`, items are composed
 * when read, and `labels` holds the mode ids.
 */
export function stackedMnist(mnist: FiniteSource, size: number, rng: Rng): FiniteSource {
  const labels = mnist.labels;
  if (labels === undefined || mnist.shape.length !== 3 || mnist.shape[0] !== 1) {
    throw new Error(`stackedMnist: ${mnist.name} must be labelled single-channel images [1, H, W]`);
  }
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`stackedMnist: size must be a positive integer, got ${size}`);
  }
  const picks = new Int32Array(3 * size);
  const modes = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    for (let c = 0; c < 3; c++) picks[3 * i + c] = rng.int(mnist.size);
    modes[i] = stackedMnistMode(
      labels[picks[3 * i]!]!,
      labels[picks[3 * i + 1]!]!,
      labels[picks[3 * i + 2]!]!,
    );
  }
  const plane = itemSize(mnist.shape);
  return {
    kind: 'finite',
    name: `stacked-mnist over ${mnist.name}`,
    shape: [3, mnist.shape[1]!, mnist.shape[2]!],
    range: mnist.range,
    size,
    labels: modes,
    // Three channels of item i are digits picks[3i..3i+2]: read them in that order.
    read: async (indices) => {
      const digits = new Int32Array(3 * indices.length);
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k]!;
        checkIndex(i, size, 'stacked-mnist');
        digits.set(picks.subarray(3 * i, 3 * i + 3), 3 * k);
      }
      const x = await mnist.read(digits);
      if (x.length !== digits.length * plane) throw new Error('stacked-mnist: base source misread');
      return x;
    },
  };
}
