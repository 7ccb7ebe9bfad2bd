/** Constants: ONNX `Constant` nodes carrying their tensor; folded while building. */
import type { DType } from '../dtype.ts';
import type { Graph, Value } from '../graph.ts';
import { apply1, defineOp } from '../op-registry.ts';
import { type TensorData, tensor } from '../tensor.ts';

defineOp({
  name: 'Constant',
  infer(_inputs, attrs) {
    const a = attrs['value'];
    if (!a || a.type !== 'tensor') throw new Error('needs a tensor attribute "value"');
    return [{ dtype: a.value.dtype, shape: a.value.shape }];
  },
  fold(_inputs, attrs) {
    const a = attrs['value'];
    return a && a.type === 'tensor' ? [a.value] : null;
  },
  vjp: () => [],
});

/** A constant tensor in graph `g`. */
export function constant(g: Graph, t: TensorData, name?: string): Value {
  return apply1('Constant', [], { value: { type: 'tensor', value: t } }, { graph: g, name });
}

/** A rank-0 constant. */
export function scalar(g: Graph, value: number, dtype: DType = 'float32'): Value {
  return constant(g, tensor(dtype, [], [value]));
}

/** A 1-D int64 constant (axes, shapes, pads...). */
export function int64s(g: Graph, values: readonly number[]): Value {
  return constant(g, tensor('int64', [values.length], values));
}

/** `x` if it is a Value, else a scalar constant of `like`'s dtype. */
export function lift(x: Value | number, like: Value): Value {
  return typeof x === 'number' ? scalar(like.graph, x, like.dtype) : x;
}
