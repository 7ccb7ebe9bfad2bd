/**
 * The VJP of Slice: the gradient is zero outside the slice. Unit steps become one Pad of the
 * incoming gradient (a reversal first for step -1); larger steps scatter it along the axis
 * with ScatterElements (indices of a slice are distinct, so no reduction is needed).
 */
import type { Value } from '../graph.ts';
import type { VjpContext } from '../op-registry.ts';
import type { Dim } from '../shape.ts';
import { tensor } from '../tensor.ts';
import { constant } from './constant.ts';
import { constantOfShape } from './fill.ts';
import { arange } from './fold-tensors.ts';
import { expand, shapeOf } from './layout.ts';
import { pad } from './pad.ts';
import { scatterElements } from './scatter.ts';
import { matchShape, shapeWithDim } from './shape-vectors.ts';
import {
  isFullRange,
  knownSliceSpec,
  normalizeRange,
  OPEN_END,
  slice,
  SLICE_TO_END,
} from './slice.ts';

/** How the gradient of one sliced axis is formed. */
type AxisGrad =
  | { kind: 'pad'; axis: number; reverse: boolean; before: number; after: number }
  | { kind: 'scatter'; axis: number; dim: number; indices: number[] };

function axisGrad(
  x: Value,
  axis: number,
  dim: Dim,
  start: number,
  end: number,
  step: number,
): AxisGrad {
  if (typeof dim === 'number') {
    const r = normalizeRange(dim, start, end, step);
    if (Math.abs(step) !== 1) {
      return { kind: 'scatter', axis, dim, indices: arange(r.start, r.count, step) };
    }
    const lo = step === 1 ? r.start : r.start - r.count + 1;
    return { kind: 'pad', axis, reverse: step === -1, before: lo, after: dim - lo - r.count };
  }
  if (isFullRange(start, end, step))
    return { kind: 'pad', axis, reverse: step < 0, before: 0, after: 0 };
  if (step === 1 && start >= 0 && end >= OPEN_END) {
    return { kind: 'pad', axis, reverse: false, before: start, after: 0 };
  }
  throw new Error(
    `Slice gradient for ${x.toString()}: axis ${axis} has symbolic size ${dim}; only open-ended unit-step slices of it are supported (start ${start}, end ${end}, step ${step})`,
  );
}

/** Reverses `g` along `axes`. */
function reverse(g: Value, axes: number[]): Value {
  const ones = axes.map(() => -1);
  return slice(
    g,
    ones,
    axes.map(() => -SLICE_TO_END),
    axes,
    ones,
  );
}

/** Places `g` at positions `indices` of a zero tensor whose `axis` has size `dim`. */
function scatterAlong(g: Value, axis: number, dim: number, indices: number[]): Value {
  const idxShape = g.shape.map((_, i) => (i === axis ? indices.length : 1));
  const idx = expand(constant(g.graph, tensor('int64', idxShape, indices)), shapeOf(g));
  const zeros = constantOfShape(shapeWithDim(g, axis, dim), 0, g.dtype);
  return scatterElements(zeros, idx, g, axis);
}

/** VJP rule of Slice (gradient w.r.t. the data input only). */
export function sliceVjp(ctx: VjpContext): (Value | null)[] {
  const x = ctx.node.inputs[0]!;
  const spec = knownSliceSpec(ctx.node.inputs, x.rank);
  const plans = spec.axes.map((a, i) =>
    axisGrad(x, a, x.shape[a]!, spec.starts[i]!, spec.ends[i]!, spec.steps[i]!),
  );
  let g = ctx.gradOutputs[0]!;
  const reversed = plans.flatMap((p) => (p.kind === 'pad' && p.reverse ? [p.axis] : []));
  if (reversed.length) g = reverse(g, reversed);
  for (const p of plans) if (p.kind === 'scatter') g = scatterAlong(g, p.axis, p.dim, p.indices);
  const pads = new Array<number>(2 * x.rank).fill(0);
  for (const p of plans) {
    if (p.kind !== 'pad') continue;
    pads[p.axis] = p.before;
    pads[p.axis + x.rank] = p.after;
  }
  if (pads.some((v) => v !== 0)) g = pad(g, pads);
  return [matchShape(g, x), null, null, null, null];
}
