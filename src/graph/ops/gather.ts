/**
 * Gather (axis attribute; int64 or int32 indices, negative ones counting from the end). Its
 * VJP adds the gradient into zeros with ScatterND(reduction='add'), so repeated indices
 * accumulate; the gathered axis is moved to the front for it and back after.
 */
import type { Value } from '../graph.ts';
import { apply1, defineOp, type VjpContext } from '../op-registry.ts';
import type { Dim } from '../shape.ts';
import { tensor, tensorValues } from '../tensor.ts';
import { constant, int64s } from './constant.ts';
import { cast } from './elementwise.ts';
import { constantOfShape } from './fill.ts';
import { foldable, takeAlong } from './fold-tensors.ts';
import { axisAttr, checkIndexType } from './int-inputs.ts';
import { transpose, unsqueeze } from './layout.ts';
import { scatterND } from './scatter.ts';
import { permutedShape } from './shape-vectors.ts';

/** Normalises indices against a static dimension; throws on an out-of-range index. */
function normIndices(indices: readonly number[], dim: Dim, axis: number): number[] {
  if (typeof dim !== 'number') return [...indices];
  return indices.map((i) => {
    if (i < -dim || i >= dim) {
      throw new Error(`index ${i} is out of range for axis ${axis} of size ${dim}`);
    }
    return i < 0 ? i + dim : i;
  });
}

defineOp({
  name: 'Gather',
  infer(ins, attrs) {
    const [data, indices] = ins as [Value, Value];
    checkIndexType(indices, 'indices');
    if (data.rank === 0) throw new Error('data must have rank >= 1');
    const axis = axisAttr(attrs, data.rank);
    if (indices.known) normIndices(tensorValues(indices.known), data.shape[axis]!, axis);
    const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
    return [{ dtype: data.dtype, shape }];
  },
  fold(ins, attrs) {
    const [data, indices] = ins as [NonNullable<(typeof ins)[0]>, NonNullable<(typeof ins)[0]>];
    if (!foldable(data)) return null;
    const axis = axisAttr(attrs, data.shape.length);
    const idx = normIndices(tensorValues(indices), data.shape[axis]!, axis);
    const taken = takeAlong(data, axis, idx);
    const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
    return [tensor(data.dtype, shape, taken.data)];
  },
  symbolic(ins) {
    const [data, indices] = ins as [Value, Value];
    const entries = data.rank === 1 ? data.symbolic : null;
    if (!entries || !indices.known || indices.rank > 1) return [null];
    return [normIndices(tensorValues(indices.known), entries.length, 0).map((i) => entries[i]!)];
  },
  vjp: gatherVjp,
});

/** Moves axes `from..from+count-1` of a rank-`rank` tensor to the front. */
function frontPerm(rank: number, from: number, count: number): number[] {
  const moved = [...Array(count).keys()].map((k) => from + k);
  const rest = [...Array(rank).keys()].filter((a) => a < from || a >= from + count);
  return [...moved, ...rest];
}

function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

const isIdentity = (perm: readonly number[]): boolean => perm.every((p, i) => p === i);

function gatherVjp(ctx: VjpContext): (Value | null)[] {
  const [data, indices] = ctx.node.inputs as [Value, Value];
  const axis = axisAttr(ctx.node.attrs, data.rank);
  const q = indices.rank;
  // updates [...indices.shape, ...data.shape without axis], scattered into data moved to [axis, ...]
  const gPerm = frontPerm(ctx.gradOutputs[0]!.rank, axis, q);
  const dataPerm = frontPerm(data.rank, axis, 1);
  const g = ctx.gradOutputs[0]!;
  const updates = isIdentity(gPerm) ? g : transpose(g, gPerm);
  const zeros = constantOfShape(permutedShape(data, dataPerm), 0, data.dtype);
  const idx = unsqueeze(cast(indices, 'int64'), [-1]);
  const summed = scatterND(zeros, idx, updates, 'add');
  return [isIdentity(dataPerm) ? summed : transpose(summed, inversePerm(dataPerm)), null];
}

/**
 * Takes elements of `x` along `axis` at `indices` (a scalar, a list, or an int value); the
 * output shape is x.shape[:axis] + indices.shape + x.shape[axis+1:].
 */
export function gather(x: Value, indices: Value | number | readonly number[], axis = 0): Value {
  const idx =
    typeof indices === 'number'
      ? constant(x.graph, tensor('int64', [], [indices]))
      : Array.isArray(indices)
        ? int64s(x.graph, indices)
        : (indices as Value);
  return apply1('Gather', [x, idx], { axis: { type: 'int', value: axis } });
}
