/**
 * Element-wise operators with numpy broadcasting, and their VJP rules. Binary rules reduce
 * the incoming gradient back to each input's shape ({@link sumToShape}).
 */
import { type DType, dtypeFromOnnx, isFloat, ONNX_DTYPE } from '../dtype.ts';
import type { Attrs, Node, OutputType, Value } from '../graph.ts';
import { apply1, defineOp, type VjpContext } from '../op-registry.ts';
import { broadcastShapes, shapeToString } from '../shape.ts';
import { type TensorData, tensor, tensorValues } from '../tensor.ts';
import { lift } from './constant.ts';
import { sumToShape } from './broadcast.ts';

type Rule = (ctx: VjpContext) => (Value | null)[];

function sameType(inputs: readonly (Value | null)[]): OutputType[] {
  const x = inputs[0]!;
  return [{ dtype: x.dtype, shape: x.shape }];
}

/** The numpy-broadcast type of one or more inputs of one element type. */
function broadcastType(inputs: readonly (Value | null)[], outDtype?: DType): OutputType[] {
  const [first, ...rest] = inputs as Value[];
  let shape = first!.shape;
  for (const v of rest) {
    if (v.dtype !== first!.dtype)
      throw new Error(`element types differ: ${first!.dtype} vs ${v.dtype}`);
    const s = broadcastShapes(shape, v.shape);
    if (!s) {
      throw new Error(
        `shapes ${shapeToString(shape)} and ${shapeToString(v.shape)} do not broadcast`,
      );
    }
    shape = s;
  }
  return [{ dtype: outDtype ?? first!.dtype, shape }];
}

function foldBinary(f: (a: number, b: number) => number) {
  return (ins: readonly (TensorData | null)[]): TensorData[] | null => {
    const [a, b] = ins as [TensorData, TensorData];
    const n = Math.max(a.data.length, b.data.length);
    // Only scalar-with-vector or equal-length folding: enough for shape arithmetic.
    if (a.data.length !== n && a.data.length !== 1) return null;
    if (b.data.length !== n && b.data.length !== 1) return null;
    const av = tensorValues(a);
    const bv = tensorValues(b);
    const out = Array.from({ length: n }, (_, i) =>
      f(av[av.length === 1 ? 0 : i]!, bv[bv.length === 1 ? 0 : i]!),
    );
    const shape = a.data.length === n ? a.shape : b.shape;
    return [
      tensor(
        a.dtype,
        shape,
        a.dtype === 'int64' || a.dtype === 'int32' ? out.map(Math.trunc) : out,
      ),
    ];
  };
}

function defineBinary(name: string, vjp: Rule, f?: (a: number, b: number) => number): void {
  defineOp({ name, infer: (ins) => broadcastType(ins), vjp, fold: f ? foldBinary(f) : undefined });
}

function defineUnary(name: string, vjp: Rule | undefined): void {
  defineOp({ name, infer: sameType, vjp });
}

const inputsOf = (node: Node): [Value, Value] => node.inputs as [Value, Value];
const outOf = (node: Node): Value => node.outputs[0]!;

function binaryGrads(ctx: VjpContext, ga: () => Value, gb: () => Value): (Value | null)[] {
  const [a, b] = inputsOf(ctx.node);
  return [ctx.needs[0] ? sumToShape(ga(), a) : null, ctx.needs[1] ? sumToShape(gb(), b) : null];
}

defineBinary(
  'Add',
  (ctx) =>
    binaryGrads(
      ctx,
      () => ctx.gradOutputs[0]!,
      () => ctx.gradOutputs[0]!,
    ),
  (a, b) => a + b,
);
defineBinary(
  'Sub',
  (ctx) =>
    binaryGrads(
      ctx,
      () => ctx.gradOutputs[0]!,
      () => neg(ctx.gradOutputs[0]!),
    ),
  (a, b) => a - b,
);
defineBinary(
  'Mul',
  (ctx) => {
    const [a, b] = inputsOf(ctx.node);
    const g = ctx.gradOutputs[0]!;
    return binaryGrads(
      ctx,
      () => mul(g, b),
      () => mul(g, a),
    );
  },
  (a, b) => a * b,
);
defineBinary(
  'Div',
  (ctx) => {
    const [, b] = inputsOf(ctx.node);
    const g = ctx.gradOutputs[0]!;
    // d(a/b)/da = 1/b; d(a/b)/db = -(a/b)/b
    return binaryGrads(
      ctx,
      () => div(g, b),
      () => neg(div(mul(g, outOf(ctx.node)), b)),
    );
  },
  (a, b) => a / b,
);
/**
 * Min / Max of any number of inputs with broadcasting (ONNX); the gradient is defined for two
 * inputs (the binary builders below) and goes to the input that was selected, on a tie to
 * the first.
 */
function extremumRule(name: string, firstLoses: (a: Value, b: Value) => Value): Rule {
  return (ctx) => {
    if (ctx.node.inputs.length !== 2)
      throw new Error(
        `${name}: the gradient needs exactly 2 inputs, got ${ctx.node.inputs.length}`,
      );
    const [a, b] = inputsOf(ctx.node);
    const g = ctx.gradOutputs[0]!;
    const toB = mul(g, cast(firstLoses(a, b), g.dtype));
    return binaryGrads(
      ctx,
      () => sub(g, toB),
      () => toB,
    );
  };
}
function defineExtremum(name: string, firstLoses: (a: Value, b: Value) => Value): void {
  defineOp({
    name,
    infer(ins) {
      if (ins.length === 0) throw new Error(`${name} needs at least one input`);
      return broadcastType(ins);
    },
    vjp: extremumRule(name, firstLoses),
    fold: (vals) =>
      vals.length === 2 ? foldBinary(name === 'Min' ? Math.min : Math.max)(vals) : null,
  });
}
defineExtremum('Min', (a, b) => greater(a, b));
defineExtremum('Max', (a, b) => less(a, b));
defineOp({
  name: 'Pow',
  infer(ins) {
    const [a, b] = ins as [Value, Value];
    const shape = broadcastShapes(a.shape, b.shape);
    if (!shape) throw new Error('shapes do not broadcast');
    return [{ dtype: a.dtype, shape }];
  },
  vjp(ctx) {
    const [a, b] = inputsOf(ctx.node);
    const g = ctx.gradOutputs[0]!;
    // d(a^b)/da = b a^(b-1); d(a^b)/db = a^b log a
    return binaryGrads(
      ctx,
      () => mul(g, mul(b, pow(a, sub(b, 1)))),
      () => mul(g, mul(outOf(ctx.node), log(a))),
    );
  },
});

function compareInfer(ins: readonly (Value | null)[]): OutputType[] {
  return broadcastType(ins, 'bool');
}
defineOp({ name: 'Greater', infer: compareInfer, vjp: () => [null, null] });
defineOp({ name: 'Less', infer: compareInfer, vjp: () => [null, null] });
defineOp({ name: 'Equal', infer: compareInfer, vjp: () => [null, null] });

defineOp({
  name: 'Where',
  infer(ins) {
    const [c, a, b] = ins as [Value, Value, Value];
    if (c.dtype !== 'bool') throw new Error(`condition must be bool, got ${c.dtype}`);
    if (a.dtype !== b.dtype) throw new Error(`branches differ in type: ${a.dtype} vs ${b.dtype}`);
    const s1 = broadcastShapes(a.shape, b.shape);
    const shape = s1 && broadcastShapes(c.shape, s1);
    if (!shape) throw new Error('shapes do not broadcast');
    return [{ dtype: a.dtype, shape }];
  },
  vjp(ctx) {
    const [c, a, b] = ctx.node.inputs as [Value, Value, Value];
    const g = ctx.gradOutputs[0]!;
    const zero = lift(0, g);
    return [
      null,
      ctx.needs[1] ? sumToShape(where(c, g, zero), a) : null,
      ctx.needs[2] ? sumToShape(where(c, zero, g), b) : null,
    ];
  },
});

const unaryRule =
  (f: (g: Value, x: Value, y: Value, node: Node) => Value): Rule =>
  (ctx) => [f(ctx.gradOutputs[0]!, ctx.node.inputs[0]!, outOf(ctx.node), ctx.node)];

defineUnary(
  'Neg',
  unaryRule((g) => neg(g)),
);
defineUnary(
  'Sqrt',
  unaryRule((g, _x, y) => div(mul(g, 0.5), y)),
);
defineUnary(
  'Exp',
  unaryRule((g, _x, y) => mul(g, y)),
);
defineUnary(
  'Log',
  unaryRule((g, x) => div(g, x)),
);
defineUnary(
  'Abs',
  unaryRule((g, x) => mul(g, sign(x))),
);
defineUnary(
  'Sign',
  unaryRule((g) => mul(g, 0)),
);
defineUnary(
  'Relu',
  // g * [x > 0] as Mul(Cast) measured 2.6 ms against 3.2-3.9 ms for Where (docs/PERFORMANCE.md).
  unaryRule((g, x) => mul(g, cast(greater(x, lift(0, x)), g.dtype))),
);
defineUnary(
  'Sigmoid',
  unaryRule((g, _x, y) => mul(g, mul(y, sub(1, y)))),
);
defineUnary(
  'Tanh',
  unaryRule((g, _x, y) => mul(g, sub(1, mul(y, y)))),
);
defineUnary(
  'Softplus',
  unaryRule((g, x) => mul(g, sigmoid(x))),
);
defineUnary(
  'Reciprocal',
  unaryRule((g, _x, y) => neg(mul(g, mul(y, y)))),
);
defineUnary(
  'Sin',
  unaryRule((g, x) => mul(g, cos(x))),
);
defineUnary(
  'Cos',
  unaryRule((g, x) => neg(mul(g, sin(x)))),
);
defineUnary(
  'Elu',
  unaryRule((g, x, y, node) => {
    const a = node.attr('alpha');
    const alpha = a && a.type === 'float' ? a.value : 1;
    // d elu/dx = 1 for x > 0, else alpha e^x = y + alpha. With alpha = 1 that is
    // exp(min(x, 0)), which the forward pass of runtime/elu-decomposition.ts already holds
    // (that rewrite reuses it, leaving one Mul; three passes elsewhere).
    if (alpha === 1) return mul(g, exp(min(x, lift(0, x))));
    return where(greater(x, lift(0, x)), g, mul(g, add(y, alpha)));
  }),
);
defineOp({
  name: 'Identity',
  infer: sameType,
  fold: (ins) => [ins[0]!],
  vjp: (ctx) => [ctx.gradOutputs[0]!],
});

defineOp({
  name: 'Cast',
  infer(ins, attrs) {
    const to = attrs['to'];
    if (!to || to.type !== 'int') throw new Error('needs an int attribute "to"');
    return [{ dtype: castTarget(to.value), shape: ins[0]!.shape }];
  },
  fold(ins, attrs) {
    const to = attrs['to'];
    return to && to.type === 'int'
      ? [tensor(castTarget(to.value), ins[0]!.shape, tensorValues(ins[0]!))]
      : null;
  },
  symbolic: (ins) => [ins[0]!.symbolic],
  vjp(ctx) {
    const x = ctx.node.inputs[0]!;
    return [isFloat(x.dtype) ? cast(ctx.gradOutputs[0]!, x.dtype) : null];
  },
});

function castTarget(code: number): DType {
  return dtypeFromOnnx(code, 'Cast');
}

// ---- builders ----

const bin =
  (op: string) =>
  (a: Value | number, b: Value | number): Value => {
    const [x, y] = liftPair(a, b, op);
    return apply1(op, [x, y]);
  };

function liftPair(a: Value | number, b: Value | number, op: string): [Value, Value] {
  if (typeof a === 'number' && typeof b === 'number')
    throw new Error(`${op}: needs a Value operand`);
  const like = (typeof a === 'number' ? b : a) as Value;
  return [lift(a, like), lift(b, like)];
}

/** a + b (broadcasting). */
export const add = bin('Add');
/** a - b (broadcasting). */
export const sub = bin('Sub');
/** a * b (broadcasting). */
export const mul = bin('Mul');
/** a / b (broadcasting). */
export const div = bin('Div');
/** a ^ b (broadcasting). */
export const pow = bin('Pow');
/** Element-wise minimum (broadcasting). */
export const min = bin('Min');
/** Element-wise maximum (broadcasting). */
export const max = bin('Max');
/** a > b, bool. */
export const greater = bin('Greater');
/** a < b, bool. */
export const less = bin('Less');
/** a == b, bool. */
export const equal = bin('Equal');

const un =
  (op: string, attrs: Attrs = {}) =>
  (x: Value): Value =>
    apply1(op, [x], attrs);
export const neg = un('Neg');
export const sqrt = un('Sqrt');
export const exp = un('Exp');
export const log = un('Log');
export const abs = un('Abs');
export const sign = un('Sign');
export const relu = un('Relu');
export const sigmoid = un('Sigmoid');
export const tanh = un('Tanh');
export const softplus = un('Softplus');
export const reciprocal = un('Reciprocal');
export const identity = un('Identity');
export const sin = un('Sin');
export const cos = un('Cos');

/** ELU with slope `alpha` for negative inputs. */
export function elu(x: Value, alpha = 1): Value {
  return apply1('Elu', [x], { alpha: { type: 'float', value: alpha } });
}

/** cond ? a : b, element-wise with broadcasting. */
export function where(cond: Value, a: Value | number, b: Value | number): Value {
  const [x, y] = liftPair(a, b, 'Where');
  return apply1('Where', [cond, x, y]);
}

/** Converts to another element type. */
export function cast(x: Value, to: DType): Value {
  if (x.dtype === to) return x;
  return apply1('Cast', [x], { to: { type: 'int', value: ONNX_DTYPE[to] } });
}

/** x * x */
export function square(x: Value): Value {
  return mul(x, x);
}
