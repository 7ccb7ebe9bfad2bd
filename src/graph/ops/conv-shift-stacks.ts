/**
 * The weight gradient of a 2-D stride-1 convolution whose output is as wide as its input as
 * ONE batched MatMul per convolution ("shift stacks"); chosen by convWeightGrad
 * (conv-grad.ts) wherever {@link shiftStacksApply} holds: every NCSN / NCSNv2 / U-Net 3x3
 * convolution. 10-46% faster than the tap-by-tap forms on the NCSNv2 layers (equal at
 * dilation 4), 4-9% of the NCSNv2 training step (docs/PERFORMANCE.md, "Shift stacks").
 */
import type { Value } from '../graph.ts';
import type { Shape } from '../shape.ts';
import { tensor } from '../tensor.ts';
import { concat } from './concat.ts';
import { constant, int64s } from './constant.ts';
import type { ConvParams } from './conv.ts';
import { mul } from './elementwise.ts';
import { constantOfShape } from './fill.ts';
import { reshape, transpose } from './layout.ts';
import { matmul } from './matmul.ts';
import { reduceSum } from './reduce.ts';
import { staticSize } from './window.ts';

/** What the predicates read of a value: its shape (also of tensors not built yet). */
export type Shaped = Pick<Value, 'shape'>;

/** Zeros [...lead, size] (static shapes), for the pieces of a Concat. */
function zeroPiece(like: Value, size: number): Value {
  const dims = [...like.shape.slice(0, -1), size].map((d) =>
    staticSize(d, 'convolution gradient: the shape of a zero block'),
  );
  return constantOfShape(int64s(like.graph, dims), 0, like.dtype);
}

/**
 * Rows of length `row`, row r holding `vs[r]` [..., len] at offset `offsets[r]` and zeros
 * elsewhere, as [..., rows * row] (reshapes to [..., rows, row]): one Concat whose pieces are
 * the tensors and the zero gaps between them.
 */
function placeRows(vs: readonly Value[], offsets: readonly number[], row: number): Value {
  const axis = vs[0]!.rank - 1;
  const pieces: Value[] = [];
  let at = 0; // position in the concatenated sequence
  vs.forEach((v, r) => {
    const start = r * row + offsets[r]!;
    if (start > at) pieces.push(zeroPiece(v, start - at));
    pieces.push(v);
    at = start + staticSize(v.shape[axis]!, 'convolution gradient: the flattened length');
  });
  if (vs.length * row > at) pieces.push(zeroPiece(vs[0]!, vs.length * row - at));
  return concat(pieces, axis);
}

/**
 * The shift stacks' layout: the column shifts e_j, the common offset A and the row length L
 * (long enough for every shifted copy; {@link convWeightGradShiftStacks}).
 */
function shiftStackGeometry(
  x: Shaped,
  gy: Shaped,
  p: ConvParams,
): { shifts: number[]; a: number; len: number } {
  const [h, w] = [x.shape[2] as number, x.shape[3] as number];
  const ho = gy.shape[2] as number;
  const [kh, kw] = p.kernel as [number, number];
  const [dh, dw] = p.dilations as [number, number];
  const [pt, pl] = [p.pads[0]!, p.pads[1]!];
  const shifts = Array.from({ length: kw }, (_, j) => j * dw - pl);
  const a = Math.max(pt * w, ...shifts, 0);
  const len = Math.max(a + pl + h * w, a + ((kh - 1) * dh - pt + ho) * w);
  return { shifts, a, len };
}

/**
 * Most extra multiply-adds the shift stacks may cost (row length L / output size): 1.07 for
 * a 3x3 convolution at 28x28, 1.14 at 14x14, 1.29 with dilation 2, 1.57 with dilation 4,
 * which still measured no slower than the per-tap form (docs/PERFORMANCE.md, "Shift
 * stacks").
 */
const MAX_SHIFT_STACK_OVERHEAD = 1.6;

/**
 * Whether {@link convWeightGradShiftStacks} applies: 2-D, stride 1, more than one tap,
 * static shapes, an output as wide as the input, column shifts that wrap at most one row,
 * and at most {@link MAX_SHIFT_STACK_OVERHEAD} extra multiply-adds.
 */
export function shiftStacksApply(x: Shaped, gy: Shaped, p: ConvParams): boolean {
  if (p.kernel.length !== 2 || p.strides.some((s) => s !== 1)) return false;
  if (p.kernel.every((k) => k === 1)) return false; // one tap: the per-tap form copies nothing
  if (![...x.shape, ...gy.shape].every((d) => typeof d === 'number')) return false;
  const w = x.shape[3] as number;
  if (gy.shape[3] !== w) return false;
  const [kw, dw, pl] = [p.kernel[1]!, p.dilations[1]!, p.pads[1]!];
  if (pl >= w || (kw - 1) * dw - pl >= w) return false;
  const outputSize = (gy.shape[2] as number) * w;
  return shiftStackGeometry(x, gy, p).len / outputSize <= MAX_SHIFT_STACK_OVERHEAD;
}

/**
 * Gradient w.r.t. the weight of a 2-D stride-1 convolution whose output is as wide as its
 * input, as ONE batched MatMul ("shift stacks"). Flatten x and gy per channel (row width W).
 * Kernel column j shifts x by e_j = j dw - left padding columns, kernel row i by i dh - top
 * padding rows; in the flat layout a row shift is a shift by whole rows and a column shift
 * one by e_j elements, except that e_j wraps into the neighbouring row, which is why x's
 * first or last |e_j| columns are zeroed for that j (a Mul by a 0/1 column mask). So
 * dw[:, :, i, j] = sum_m X_j[m] G_i[m]^T with X_j the masked x placed at offset A - e_j and
 * G_i the output gradient at offset A + (i dh - pt) W in rows of length L, zeros elsewhere:
 * the kw rows X_j stacked as [N, G, C/G kw, L] and the kh rows G_i as [N, G, M/G kh, L],
 * each one Concat of copies and zero gaps, and their product [N, G, C/G kw, M/G kh] holds
 * every tap. 3 + 3 copies for a 3x3 kernel instead of 9 windows, and one MatMul whose
 * operands have 3x the rows, which MLAS runs 2x faster than 9 small ones (docs/PERFORMANCE.md,
 * "Shift stacks").
 */
export function convWeightGradShiftStacks(
  x: Value,
  gy: Value,
  wShape: Shape,
  p: ConvParams,
): Value {
  const g = p.group;
  const m = staticSize(wShape[0]!, 'convolution gradient: the number of output channels');
  const cg = staticSize(wShape[1]!, 'convolution gradient: the weight shape');
  const [kh, kw] = p.kernel as [number, number];
  const [n, h, w] = [0, 2, 3].map((i) =>
    staticSize(x.shape[i]!, 'convolution gradient: the input shape'),
  ) as [number, number, number];
  const ho = staticSize(gy.shape[2]!, 'convolution gradient: spatial size of the output');
  const { shifts, a, len } = shiftStackGeometry(x, gy, p);
  const [dh, pt] = [p.dilations[0]!, p.pads[0]!];
  const xf = reshape(x, [n, g, cg, h * w]);
  const masked = shifts.map((e) => {
    if (e === 0) return xf;
    // Zero the |e| columns that the shift carries into the neighbouring row: a 0/1 mask
    // over the flattened image (one long row per channel runs faster than a W-wide one).
    const mask = tensor(x.dtype, [h * w]);
    const d = mask.data as Float32Array;
    for (let r = 0; r < h; r++) d.fill(1, r * w + Math.max(e, 0), r * w + w + Math.min(e, 0));
    return mul(xf, constant(x.graph, mask));
  });
  const xs = placeRows(
    masked,
    shifts.map((e) => a - e),
    len,
  );
  const gf = reshape(gy, [n, g, m / g, ho * w]);
  const gs = placeRows(
    Array.from({ length: kh }, () => gf),
    Array.from({ length: kh }, (_, i) => a + (i * dh - pt) * w),
    len,
  );
  const prod = matmul(
    reshape(xs, [n, g, cg * kw, len]),
    transpose(reshape(gs, [n, g, (m / g) * kh, len]), [0, 1, 3, 2]),
  ); // [N, G, C/G kw, M/G kh]
  const sum = reshape(reduceSum(prod, [0]), [g, cg, kw, m / g, kh]);
  return reshape(transpose(sum, [0, 3, 1, 4, 2]), wShape);
}
