/** Matrix products: MatMul (numpy semantics, batched with broadcasting) and Gemm. */
import type { Value } from '../graph.ts';
import { apply1, defineOp } from '../op-registry.ts';
import { broadcastShapes, type Dim, shapeToString } from '../shape.ts';
import { sumToShape } from './broadcast.ts';
import { mul } from './elementwise.ts';
import { reshape, transpose, unsqueeze } from './layout.ts';

function matmulShape(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  if (a.length === 0 || b.length === 0) throw new Error('MatMul needs inputs of rank >= 1');
  const A = a.length === 1 ? [1, a[0]!] : a;
  const B = b.length === 1 ? [b[0]!, 1] : b;
  const k1 = A[A.length - 1]!;
  const k2 = B[B.length - 2]!;
  if (k1 !== k2)
    throw new Error(`inner dimensions differ: ${shapeToString(a)} x ${shapeToString(b)}`);
  const batch = broadcastShapes(A.slice(0, -2), B.slice(0, -2));
  if (!batch)
    throw new Error(`batch dimensions do not broadcast: ${shapeToString(a)} x ${shapeToString(b)}`);
  const out = [...batch];
  if (a.length > 1) out.push(A[A.length - 2]!);
  if (b.length > 1) out.push(B[B.length - 1]!);
  return out;
}

/** Swaps the last two axes. */
export function transposeLast2(x: Value): Value {
  const r = x.rank;
  if (r < 2) throw new Error(`transposeLast2: ${x.toString()} has rank < 2`);
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return transpose(x, perm);
}

defineOp({
  name: 'MatMul',
  infer(ins) {
    const [a, b] = ins as [Value, Value];
    if (a.dtype !== b.dtype) throw new Error(`element types differ: ${a.dtype} vs ${b.dtype}`);
    return [{ dtype: a.dtype, shape: matmulShape(a.shape, b.shape) }];
  },
  vjp(ctx) {
    const [a0, b0] = ctx.node.inputs as [Value, Value];
    // A 1-D operand is a [1, k] row (a) or a [k, 1] column (b) whose axis the output drops.
    const a = a0.rank === 1 ? unsqueeze(a0, [0]) : a0;
    const b = b0.rank === 1 ? unsqueeze(b0, [1]) : b0;
    let g = ctx.gradOutputs[0]!;
    if (b0.rank === 1) g = unsqueeze(g, [-1]);
    if (a0.rank === 1) g = unsqueeze(g, [-2]);
    const back = (gx: Value, x: Value, x0: Value): Value => {
      const s = sumToShape(gx, x);
      return x === x0 ? s : reshape(s, x0.shape);
    };
    return [
      ctx.needs[0] ? back(matmul(g, transposeLast2(b)), a, a0) : null,
      ctx.needs[1] ? back(matmul(transposeLast2(a), g), b, b0) : null,
    ];
  },
});

function gemmFlags(attrs: Record<string, { type: string; value: unknown }>) {
  const num = (k: string, d: number) => {
    const a = attrs[k];
    return a && (a.type === 'int' || a.type === 'float') ? (a.value as number) : d;
  };
  return {
    alpha: num('alpha', 1),
    beta: num('beta', 1),
    transA: num('transA', 0) === 1,
    transB: num('transB', 0) === 1,
  };
}

defineOp({
  name: 'Gemm',
  infer(ins, attrs) {
    const [a, b, c] = ins as [Value, Value, Value | null];
    const f = gemmFlags(attrs);
    if (a.rank !== 2 || b.rank !== 2) throw new Error('Gemm needs rank-2 A and B');
    const [m, k1] = f.transA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
    const [k2, n] = f.transB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
    if (k1 !== k2) throw new Error(`inner dimensions differ (${k1} vs ${k2})`);
    if (c && !broadcastShapes([m, n], c.shape))
      throw new Error(`C does not broadcast to [${m}, ${n}]`);
    return [{ dtype: a.dtype, shape: [m, n] }];
  },
  vjp(ctx) {
    const [a, b, c] = ctx.node.inputs as [Value, Value, Value | null];
    const f = gemmFlags(ctx.node.attrs);
    const g = f.alpha === 1 ? ctx.gradOutputs[0]! : mul(ctx.gradOutputs[0]!, f.alpha);
    const aT = f.transA ? transposeLast2(a) : a; // A' [m, k]
    const bT = f.transB ? transposeLast2(b) : b; // B' [k, n]
    let ga: Value | null = null;
    let gb: Value | null = null;
    if (ctx.needs[0]) ga = f.transA ? matmul(bT, transposeLast2(g)) : matmul(g, transposeLast2(bT));
    if (ctx.needs[1]) gb = f.transB ? matmul(transposeLast2(g), aT) : matmul(transposeLast2(aT), g);
    const gc =
      c && ctx.needs[2]
        ? sumToShape(f.beta === 1 ? ctx.gradOutputs[0]! : mul(ctx.gradOutputs[0]!, f.beta), c)
        : null;
    return [ga, gb, gc];
  },
});

/** Batched matrix product with numpy broadcasting. */
export function matmul(a: Value, b: Value): Value {
  return apply1('MatMul', [a, b]);
}

/** alpha * op(A) op(B) + beta * C (ONNX Gemm). */
export function gemm(
  a: Value,
  b: Value,
  c: Value | null,
  opts: { alpha?: number; beta?: number; transA?: boolean; transB?: boolean } = {},
): Value {
  const attrs = {
    alpha: { type: 'float' as const, value: opts.alpha ?? 1 },
    beta: { type: 'float' as const, value: opts.beta ?? 1 },
    transA: { type: 'int' as const, value: opts.transA ? 1 : 0 },
    transB: { type: 'int' as const, value: opts.transB ? 1 : 0 },
  };
  return apply1('Gemm', c ? [a, b, c] : [a, b], attrs);
}
