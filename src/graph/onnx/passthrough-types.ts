/**
 * Output types of pass-through operators (those scorekit does not define, kept as they are
 * on import). Element-wise and normalising operators keep their input's shape; others take
 * the type recorded in the file (value_info / graph outputs) or stay unknown.
 */
import type { DType } from '../dtype.ts';
import type { OutputType, Value } from '../graph.ts';
import { broadcastShapes, type Dim, type Shape } from '../shape.ts';

/** Operators whose first output has the shape and element type of their first input. */
const SAME_AS_INPUT: ReadonlySet<string> = new Set([
  'Softmax',
  'LogSoftmax',
  'Hardmax',
  'Erf',
  'Clip',
  'Floor',
  'Ceil',
  'Round',
  'Sin',
  'Cos',
  'Tan',
  'Asin',
  'Acos',
  'Atan',
  'Sinh',
  'Cosh',
  'Asinh',
  'Acosh',
  'Atanh',
  'LeakyRelu',
  'PRelu',
  'HardSigmoid',
  'HardSwish',
  'Selu',
  'Celu',
  'Gelu',
  'Mish',
  'Softsign',
  'ThresholdedRelu',
  'Shrink',
  'Not',
  'Dropout',
  'CumSum',
  'Trilu',
  'LpNormalization',
  'LRN',
  'LayerNormalization',
  'GroupNormalization',
  'BatchNormalization',
  'MeanVarianceNormalization',
]);

/** Element-wise operators over all inputs with numpy broadcasting. */
const BROADCAST: ReadonlySet<string> = new Set([
  'Max',
  'Min',
  'Mean',
  'Sum',
  'Mod',
  'BitShift',
  'And',
  'Or',
  'Xor',
  'GreaterOrEqual',
  'LessOrEqual',
]);

/** Operators with a bool output whatever their input type. */
const BOOL_OUTPUT: ReadonlySet<string> = new Set([
  'IsNaN',
  'IsInf',
  'And',
  'Or',
  'Xor',
  'Not',
  'GreaterOrEqual',
  'LessOrEqual',
]);

/** The type recorded in the file for a value: dtype and dims (null: no dim given). */
export interface RecordedType {
  readonly dtype: DType | null;
  readonly shape: readonly (Dim | null)[] | null;
}

/**
 * The type of output `index` of a pass-through node of default-domain operator `op`:
 * from a rule when one applies, else from `recorded`, else unknown (shape null).
 * `freshDim` names dimensions the file leaves open.
 */
export function passThroughType(
  op: string,
  index: number,
  inputs: readonly (Value | null)[],
  recorded: RecordedType | undefined,
  freshDim: (hint: string) => string,
): OutputType {
  const rule = index === 0 ? ruleType(op, inputs) : null;
  if (rule) return rule;
  return recordedOrUnknown(recorded, BOOL_OUTPUT.has(op) ? 'bool' : firstDtype(inputs), freshDim);
}

/** The type recorded in the file (open dims named by `freshDim`), else `dtype` of unknown shape. */
export function recordedOrUnknown(
  recorded: RecordedType | undefined,
  dtype: DType,
  freshDim: (hint: string) => string,
): OutputType {
  const shape = recorded?.shape?.map((d) => d ?? freshDim('dim')) ?? null;
  return { dtype: recorded?.dtype ?? dtype, shape };
}

function ruleType(op: string, inputs: readonly (Value | null)[]): OutputType | null {
  const present = inputs.filter((v): v is Value => v !== null);
  if (present.length === 0 || !present.every((v) => v.hasShape)) return null;
  const dtype: DType = BOOL_OUTPUT.has(op) ? 'bool' : present[0]!.dtype;
  if (op === 'IsNaN' || op === 'IsInf' || SAME_AS_INPUT.has(op)) {
    return inputs[0] ? { dtype, shape: inputs[0].shape } : null;
  }
  if (!BROADCAST.has(op)) return null;
  let shape: Shape | null = present[0]!.shape;
  for (const v of present.slice(1)) shape = shape && broadcastShapes(shape, v.shape);
  return shape ? { dtype, shape } : null;
}

/** The element type of the first present input (float32 when there is none). */
export function firstDtype(inputs: readonly (Value | null)[]): DType {
  return inputs.find((v): v is Value => v !== null)?.dtype ?? 'float32';
}
