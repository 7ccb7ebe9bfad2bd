/** ConstantOfShape: a tensor of a given (run-time) shape filled with one value. */
import type { DType } from '../dtype.ts';
import type { Value } from '../graph.ts';
import { apply1, defineOp } from '../op-registry.ts';
import { tensor } from '../tensor.ts';
import { shapeVector } from './layout.ts';

defineOp({
  name: 'ConstantOfShape',
  infer(ins, attrs) {
    const v = attrs['value'];
    const dtype = v && v.type === 'tensor' ? v.value.dtype : 'float32';
    return [{ dtype, shape: shapeVector(ins[0], 'shape') }];
  },
  vjp: () => [null],
});

/** A tensor of shape `shape` (1-D int64 value) filled with `value`. */
export function constantOfShape(shape: Value, value: number, dtype: DType = 'float32'): Value {
  return apply1('ConstantOfShape', [shape], {
    value: { type: 'tensor', value: tensor(dtype, [1], [value]) },
  });
}
