/**
 * The VJP of Pad. Constant mode: the gradient is the un-padded part of the incoming one (a
 * Slice; cropped parts get zeros). Edge and reflect modes also route the gradient of each
 * padded border back to the element it copies, one axis at a time (padding is separable).
 */
import type { Value } from '../graph.ts';
import type { VjpContext } from '../op-registry.ts';
import { add, sub } from './elementwise.ts';
import { knownInts } from './int-inputs.ts';
import { reshape } from './layout.ts';
import { axisPads, pad, padModeOf } from './pad.ts';
import { reduceSum } from './reduce.ts';
import { matchShape } from './shape-vectors.ts';
import { slice, SLICE_TO_END } from './slice.ts';

/** Removes the positive pads from `g`. */
function cropPads(g: Value, pads: readonly number[]): Value {
  const r = g.rank;
  const axes = [...Array(r).keys()].filter((a) => pads[a]! > 0 || pads[a + r]! > 0);
  if (axes.length === 0) return g;
  return slice(
    g,
    axes.map((a) => Math.max(pads[a]!, 0)),
    axes.map((a) => (pads[a + r]! > 0 ? -pads[a + r]! : SLICE_TO_END)),
    axes,
  );
}

/** Zeros where the forward Pad cropped (negative pads). */
function restoreCropped(g: Value, pads: readonly number[]): Value {
  const neg = pads.map((p) => Math.max(-p, 0));
  return neg.some((p) => p > 0) ? pad(g, neg) : g;
}

/** Gradient w.r.t. constant_value: the sum of the gradient over the padded border. */
function constantValueGrad(g: Value, inner: Value, c: Value): Value {
  const s = sub(reduceSum(g), reduceSum(inner));
  return c.rank === 0 ? s : reshape(s, c.shape);
}

function sliceAxis(g: Value, axis: number, start: number, end: number, step = 1): Value {
  return slice(g, [start], [end], [axis], [step]);
}

/** Edge mode along `axis`: each border's gradient sums into the edge element it copies. */
function edgeAxisGrad(g: Value, axis: number, d: number, b: number, e: number): Value {
  let gx = sliceAxis(g, axis, b, b + d);
  const border = (start: number, end: number, before: number): Value =>
    pad(
      reduceSum(sliceAxis(g, axis, start, end), [axis], true),
      axisPads(g.rank, axis, before, d - 1 - before),
    );
  if (b > 0) gx = add(gx, border(0, b, 0));
  if (e > 0) gx = add(gx, border(b + d, b + d + e, d - 1));
  return gx;
}

/** Reflect mode along `axis`: each border's gradient, mirrored, adds to the elements it copies. */
function reflectAxisGrad(g: Value, axis: number, d: number, b: number, e: number): Value {
  let gx = sliceAxis(g, axis, b, b + d);
  // border position i < b copies x[b - i]; position b + d + j copies x[d - 2 - j]
  if (b > 0) {
    const mirrored = sliceAxis(g, axis, b - 1, -SLICE_TO_END, -1);
    gx = add(gx, pad(mirrored, axisPads(g.rank, axis, 1, d - 1 - b)));
  }
  if (e > 0) {
    const mirrored = sliceAxis(g, axis, b + d + e - 1, b + d - 1, -1);
    gx = add(gx, pad(mirrored, axisPads(g.rank, axis, d - 1 - e, 1)));
  }
  return gx;
}

/** VJP rule of Pad (w.r.t. data and constant_value). */
export function padVjp(ctx: VjpContext): (Value | null)[] {
  const [x, padsInput, c] = ctx.node.inputs as [Value, Value, Value | null | undefined];
  const pads = knownInts(padsInput, 'pads');
  const mode = padModeOf(ctx.node.attrs);
  const g = ctx.gradOutputs[0]!;
  if (mode === 'constant') {
    const inner = cropPads(g, pads);
    const gx = ctx.needs[0] ? matchShape(restoreCropped(inner, pads), x) : null;
    const gc = c && ctx.needs[2] ? constantValueGrad(g, inner, c) : null;
    return [gx, null, gc];
  }
  const r = x.rank;
  let gx = g;
  for (let a = r - 1; a >= 0; a--) {
    const [b, e, d] = [pads[a]!, pads[a + r]!, x.shape[a]!];
    if (b === 0 && e === 0) continue;
    if (typeof d !== 'number') {
      throw new Error(
        `Pad gradient for ${x.toString()}: ${mode} padding of symbolic axis ${a} (${d}) is not supported`,
      );
    }
    gx = mode === 'edge' ? edgeAxisGrad(gx, a, d, b, e) : reflectAxisGrad(gx, a, d, b, e);
  }
  return [matchShape(gx, x), null, null];
}
