/**
 * The VJP of Slice: the gradient is zero outside the slice. Per axis: a negative step first
 * reverses the incoming gradient; a step s > 1 interleaves s - 1 zeros after each element
 * (Unsqueeze, Pad, Reshape); one final Pad places the result (a negative end pad crops the
 * trailing zeros). Only cheap memory operations, no scatter.
 */
import type { Value } from '../graph.ts';
import { apply1, type VjpContext } from '../op-registry.ts';
import type { Dim } from '../shape.ts';
import { unsqueeze } from './layout.ts';
import { axisPads, pad } from './pad.ts';
import { matchShape, shapeWithDim, zerosLike } from './shape-vectors.ts';
import {
  isFullRange,
  knownSliceSpec,
  normalizeRange,
  OPEN_END,
  slice,
  SLICE_TO_END,
} from './slice.ts';

/** How the gradient of one sliced axis is formed. */
interface AxisGrad {
  readonly axis: number;
  readonly reverse: boolean;
  /** |step|: zeros are interleaved when above 1. */
  readonly stride: number;
  /** Elements kept, -1 when unknown (a symbolic axis). */
  readonly count: number;
  readonly before: number;
  readonly after: number;
}

function axisGrad(x: Value, axis: number, start: number, end: number, step: number): AxisGrad {
  const dim: Dim = x.shape[axis]!;
  const [reverse, stride] = [step < 0, Math.abs(step)];
  if (typeof dim === 'number') {
    const r = normalizeRange(dim, start, end, step);
    // the lowest input index the slice reads
    const lo = reverse ? r.start - (r.count - 1) * stride : r.start;
    const span = r.count * stride;
    return { axis, reverse, stride, count: r.count, before: lo, after: dim - lo - span };
  }
  const full = isFullRange(start, end, step);
  if (full || (step === 1 && start >= 0 && end >= OPEN_END)) {
    return { axis, reverse, stride, count: -1, before: full ? 0 : start, after: 0 };
  }
  throw new Error(
    `Slice gradient for ${x.toString()}: axis ${axis} has symbolic size ${dim}; only open-ended unit-step slices of it are supported (start ${start}, end ${end}, step ${step})`,
  );
}

/** Reverses `g` along `axes`. */
function reverse(g: Value, axes: number[]): Value {
  const minus = axes.map(() => -1);
  return slice(
    g,
    minus,
    axes.map(() => -SLICE_TO_END),
    axes,
    minus,
  );
}

/** Inserts `stride - 1` zeros after each element of `g` along `axis` (of static size). */
function interleaveZeros(g: Value, axis: number, stride: number): Value {
  const n = g.shape[axis] as number;
  const u = unsqueeze(g, [axis + 1]);
  const padded = pad(u, axisPads(u.rank, axis + 1, 0, stride - 1));
  return apply1('Reshape', [padded, shapeWithDim(g, axis, n * stride)]);
}

/** VJP rule of Slice (gradient w.r.t. the data input only). */
export function sliceVjp(ctx: VjpContext): (Value | null)[] {
  const x = ctx.node.inputs[0]!;
  const spec = knownSliceSpec(ctx.node.inputs, x.rank);
  const plans = spec.axes.map((a, i) =>
    axisGrad(x, a, spec.starts[i]!, spec.ends[i]!, spec.steps[i]!),
  );
  if (plans.some((p) => p.count === 0)) return [zerosLike(x), null, null, null, null];
  let g = ctx.gradOutputs[0]!;
  const reversed = plans.filter((p) => p.reverse).map((p) => p.axis);
  if (reversed.length) g = reverse(g, reversed);
  for (const p of plans) if (p.stride > 1) g = interleaveZeros(g, p.axis, p.stride);
  const pads = new Array<number>(2 * x.rank).fill(0);
  for (const p of plans) {
    pads[p.axis] = p.before;
    pads[p.axis + x.rank] = p.after;
  }
  if (pads.some((v) => v !== 0)) g = pad(g, pads);
  return [matchShape(g, x), null, null, null, null];
}
