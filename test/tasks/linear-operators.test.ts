/** The measurement operators: A^T is the adjoint of A (<A x, y> = <x, A^T y>), and the errors. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng/rng.ts';
import { gaussianKernel, kernelFromArray } from '../../src/tasks/blur-kernel.ts';
import {
  averagePoolOperator,
  blurOperator,
  greyOperator,
  identityOperator,
  type LinearOperator,
} from '../../src/tasks/linear-operators.ts';

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('linear operators', () => {
  const rng = new Rng(1);
  const ops: LinearOperator[] = [
    identityOperator([2, 3]),
    averagePoolOperator([2, 4, 6], 2),
    averagePoolOperator([6, 6], 3),
    blurOperator([3, 5, 4], gaussianKernel(0.8)),
    blurOperator([5, 5], kernelFromArray([1, 3], [1, -2, 0.5], 'k')),
    greyOperator([3, 2, 3]),
  ];
  for (const A of ops)
    it(`${A.name} [${A.inShape}] -> [${A.outShape}]: <A x, y> = <x, A^T y> for every row`, () => {
      const n = 3;
      const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
      const x = rng.normals(n * size(A.inShape));
      const y = rng.normals(n * size(A.outShape));
      const lhs = dot(A.apply(x, n), y);
      expect(dot(x, A.adjoint(y, n))).toBeCloseTo(lhs, 4);
    });

  it('average pooling keeps a constant image; the Gaussian kernel sums to 1', () => {
    const A = averagePoolOperator([1, 4, 4], 2);
    expect([...A.apply(new Float32Array(16).fill(0.3), 1)]).toEqual(
      Array(4).fill(Math.fround(0.3)),
    );
    expect(gaussianKernel(1.3).data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('clear errors', () => {
    expect(() => averagePoolOperator([1, 4, 6], 4)).toThrow(
      'the factor 4 does not divide the image size 4x6',
    );
    expect(() => greyOperator([1, 4, 4])).toThrow('colorization needs RGB data [3, H, W]');
    expect(() => kernelFromArray([2, 2], [1, 1, 1, 1], 'k.npy')).toThrow(
      'k.npy: a blur kernel must be 2-D with odd sizes, got shape [2,2]',
    );
    expect(() => blurOperator([7], gaussianKernel(1))).toThrow('deblurring needs image data');
  });
});
