/**
 * The measurement operators A of the linear inverse problems y = A x + s_y z (algorithms.md
 * section 8), each with its adjoint A^T, acting row by row on batches [n, ...D]:
 * identity (denoising), average pooling by f (super-resolution), blur by a 2-D kernel
 * (deblurring) and the grey projection (colorization). The likelihood score
 * A^T (y - A x) / (s_y^2 + sigma^2) of linear-likelihood.ts needs nothing else.
 */
import type { BlurKernel } from './blur-kernel.ts';

/** A linear map from samples of shape `inShape` to observations of shape `outShape`. */
export interface LinearOperator {
  readonly name: string;
  /** D: the shape of one sample x. */
  readonly inShape: readonly number[];
  /** The shape of one observation y = A x. */
  readonly outShape: readonly number[];
  /** A x for `n` rows: [n, ...inShape] -> [n, ...outShape]. */
  apply(x: Float32Array, n: number): Float32Array;
  /** A^T y for `n` rows: [n, ...outShape] -> [n, ...inShape]. */
  adjoint(y: Float32Array, n: number): Float32Array;
}

/** [C, H, W] of an image shape [C, H, W] or [H, W]; throws for anything else. */
export function imageShape(shape: readonly number[], task: string): [number, number, number] {
  if (shape.length === 3) return [shape[0]!, shape[1]!, shape[2]!];
  if (shape.length === 2) return [1, shape[0]!, shape[1]!];
  throw new Error(`${task} needs image data [C, H, W] or [H, W], got the data shape [${shape}]`);
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A = I (denoising: y = x + s_y z). */
export function identityOperator(shape: readonly number[]): LinearOperator {
  return {
    name: 'identity',
    inShape: shape,
    outShape: shape,
    apply: (x) => Float32Array.from(x),
    adjoint: (y) => Float32Array.from(y),
  };
}

/**
 * A sparse operator given by its non-zero entries for one sample, (A)[out, in] = weight:
 * (A x)[out] = sum weight x[in] and (A^T y)[in] = sum weight y[out], row by row.
 */
function sparseOperator(
  name: string,
  inShape: readonly number[],
  outShape: readonly number[],
  entries: { out: number[]; in: number[]; weight: number[] },
): LinearOperator {
  const [outIdx, inIdx, weight] = [
    Int32Array.from(entries.out),
    Int32Array.from(entries.in),
    Float64Array.from(entries.weight),
  ];
  const [di, dout] = [size(inShape), size(outShape)];
  return {
    name,
    inShape,
    outShape,
    apply(x, n) {
      const y = new Float32Array(n * dout);
      for (let r = 0; r < n; r++)
        for (let e = 0; e < weight.length; e++) {
          const o = r * dout + outIdx[e]!;
          y[o] = y[o]! + weight[e]! * x[r * di + inIdx[e]!]!;
        }
      return y;
    },
    adjoint(y, n) {
      const x = new Float32Array(n * di);
      for (let r = 0; r < n; r++)
        for (let e = 0; e < weight.length; e++) {
          const i = r * di + inIdx[e]!;
          x[i] = x[i]! + weight[e]! * y[r * dout + outIdx[e]!]!;
        }
      return x;
    },
  };
}

/**
 * Average pooling by `factor` f over non-overlapping f x f blocks (the super-resolution
 * operator): (A x)[c, i, j] = mean of x[c, f i .. f i + f - 1, f j .. f j + f - 1];
 * A^T spreads each low-resolution value / f^2 over its block.
 */
export function averagePoolOperator(shape: readonly number[], factor: number): LinearOperator {
  const [c, h, w] = imageShape(shape, 'super-resolution');
  if (!(Number.isInteger(factor) && factor >= 1))
    throw new Error(`the factor must be a positive integer, got ${factor}`);
  if (h % factor !== 0 || w % factor !== 0)
    throw new Error(`the factor ${factor} does not divide the image size ${h}x${w}`);
  const [ho, wo] = [h / factor, w / factor];
  const entries = { out: [] as number[], in: [] as number[], weight: [] as number[] };
  for (let p = 0; p < c; p++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        entries.in.push((p * h + i) * w + j);
        entries.out.push((p * ho + Math.floor(i / factor)) * wo + Math.floor(j / factor));
        entries.weight.push(1 / (factor * factor));
      }
  const outShape = shape.length === 3 ? [c, ho, wo] : [ho, wo];
  return sparseOperator(`average-pool ${factor}`, shape, outShape, entries);
}

/**
 * Blur by `kernel` (correlation, centred, zero padding, every channel alike; the deblurring
 * operator): (A x)[c, i, j] = sum_{u, v} k[u, v] x[c, i + u - cu, j + v - cv].
 */
export function blurOperator(shape: readonly number[], kernel: BlurKernel): LinearOperator {
  const [c, h, w] = imageShape(shape, 'deblurring');
  const { height: kh, width: kw, data: k } = kernel;
  const [ch, cw] = [(kh - 1) / 2, (kw - 1) / 2];
  const entries = { out: [] as number[], in: [] as number[], weight: [] as number[] };
  for (let p = 0; p < c; p++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let u = Math.max(0, ch - i); u < Math.min(kh, h + ch - i); u++)
          for (let v = Math.max(0, cw - j); v < Math.min(kw, w + cw - j); v++) {
            if (k[u * kw + v] === 0) continue;
            entries.out.push((p * h + i) * w + j);
            entries.in.push((p * h + i + u - ch) * w + j + v - cw);
            entries.weight.push(k[u * kw + v]!);
          }
  return sparseOperator(`blur ${kh}x${kw}`, shape, shape, entries);
}

/**
 * The grey projection of RGB images [3, H, W] -> [1, H, W], the mean of the channels (the
 * first row of the colorization transform of Song et al. 2021, appendix I.3, up to sqrt(3)).
 */
export function greyOperator(shape: readonly number[]): LinearOperator {
  const [c, h, w] = imageShape(shape, 'colorization');
  if (c !== 3 || shape.length !== 3)
    throw new Error(`colorization needs RGB data [3, H, W], got the data shape [${shape}]`);
  const hw = h * w;
  return {
    name: 'grey',
    inShape: shape,
    outShape: [1, h, w],
    apply(x, n) {
      const y = new Float32Array(n * hw);
      for (let r = 0; r < n; r++)
        for (let q = 0; q < hw; q++)
          y[r * hw + q] =
            (x[3 * r * hw + q]! + x[(3 * r + 1) * hw + q]! + x[(3 * r + 2) * hw + q]!) / 3;
      return y;
    },
    adjoint(y, n) {
      const x = new Float32Array(n * 3 * hw);
      for (let r = 0; r < n; r++)
        for (let ch = 0; ch < 3; ch++)
          for (let q = 0; q < hw; q++) x[(3 * r + ch) * hw + q] = y[r * hw + q]! / 3;
      return x;
    },
  };
}
