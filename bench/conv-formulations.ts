/**
 * Measures candidate formulations of the convolution gradients with ONNX Runtime on this
 * machine (the numbers behind the choice in src/graph/ops/conv-grad.ts; docs/PERFORMANCE.md).
 * Run: npx tsx bench/conv-formulations.ts [threads...]
 */
import * as G from '../src/graph/index.ts';
import { compile } from '../src/runtime/session.ts';
import { Rng } from '../src/rng/rng.ts';

const [N, C, M, H, K] = [32, 64, 64, 28, 3];
const L = H * H;
const FLOP = 2 * N * M * C * K * K * L;

function raw(op: string, ins: (G.Value | null)[], attrs: G.Attrs, shape: number[]): G.Value {
  const g = ins.find((v) => v)!.graph;
  return g.addNode(op, ins, attrs, [{ dtype: 'float32', shape }]).outputs[0]!;
}
const ints = (v: number[]): G.Attr => ({ type: 'ints', value: v });
const int = (v: number): G.Attr => ({ type: 'int', value: v });
const i64 = (g: G.Graph, v: number[]): G.Value => G.int64s(g, v);

function oneHot(g: G.Graph): G.Value {
  const t = G.tensor('float32', [C * K * K, 1, K, K]);
  for (let c = 0; c < C; c++)
    for (let k = 0; k < K * K; k++) (t.data as Float32Array)[(c * K * K + k) * K * K + k] = 1;
  return G.constant(g, t);
}
const convAttrs = {
  kernel_shape: ints([K, K]),
  pads: ints([1, 1, 1, 1]),
  strides: ints([1, 1]),
  dilations: ints([1, 1]),
};

/** Taps of padded NCHW x by Slice, stacked on a new axis 2: [N, C, K*K, H, W]. */
function sliceTaps(x: G.Value, nhwc: boolean): G.Value {
  const g = x.graph;
  const taps: G.Value[] = [];
  if (nhwc) {
    const xt = G.transpose(x, [0, 2, 3, 1]);
    const xp = raw('Pad', [xt, i64(g, [0, 1, 1, 0, 0, 1, 1, 0])], {}, [N, H + 2, H + 2, C]);
    for (let i = 0; i < K; i++)
      for (let j = 0; j < K; j++)
        taps.push(
          raw('Slice', [xp, i64(g, [i, j]), i64(g, [i + H, j + H]), i64(g, [1, 2])], {}, [
            N,
            H,
            H,
            C,
          ]),
        );
    return raw('Concat', taps, { axis: int(3) }, [N, H, H, K * K * C]);
  }
  const xp = raw('Pad', [x, i64(g, [0, 0, 1, 1, 0, 0, 1, 1])], {}, [N, C, H + 2, H + 2]);
  for (let i = 0; i < K; i++)
    for (let j = 0; j < K; j++)
      taps.push(
        G.unsqueeze(
          raw('Slice', [xp, i64(g, [i, j]), i64(g, [i + H, j + H]), i64(g, [2, 3])], {}, [
            N,
            C,
            H,
            H,
          ]),
          [2],
        ),
      );
  return raw('Concat', taps, { axis: int(2) }, [N, C, K * K, H, H]);
}

/** im2col by one Gather of constant indices from the padded, flattened x: [N, C*K*K, L]. */
function gatherIm2col(x: G.Value): G.Value {
  const g = x.graph;
  const Hp = H + 2;
  const xp = raw('Pad', [x, i64(g, [0, 0, 1, 1, 0, 0, 1, 1])], {}, [N, C, Hp, Hp]);
  const xf = G.reshape(xp, [N, C, Hp * Hp]);
  const idx = G.tensor('int64', [K * K, L]);
  for (let i = 0; i < K; i++)
    for (let j = 0; j < K; j++)
      for (let u = 0; u < H; u++)
        for (let v = 0; v < H; v++)
          (idx.data as BigInt64Array)[(i * K + j) * L + u * H + v] = BigInt((u + i) * Hp + v + j);
  const gathered = raw('Gather', [xf, G.constant(g, idx)], { axis: int(2) }, [N, C, K * K, L]);
  return G.reshape(gathered, [N, C * K * K, L]);
}

/** im2col by two one-hot depthwise Convs (taps along H, then along W): [N, C*K*K, L]. */
function separableIm2col(x: G.Value): G.Value {
  const g = x.graph;
  const e1 = G.tensor('float32', [C * K, 1, K, 1]);
  for (let c = 0; c < C * K; c++) (e1.data as Float32Array)[c * K + (c % K)] = 1;
  const e2 = G.tensor('float32', [C * K * K, 1, 1, K]);
  for (let c = 0; c < C * K * K; c++) (e2.data as Float32Array)[c * K + (c % K)] = 1;
  const a = raw(
    'Conv',
    [x, G.constant(g, e1)],
    { kernel_shape: ints([K, 1]), pads: ints([1, 0, 1, 0]), group: int(C) },
    [N, C * K, H, H],
  );
  const b = raw(
    'Conv',
    [a, G.constant(g, e2)],
    { kernel_shape: ints([1, K]), pads: ints([0, 1, 0, 1]), group: int(C * K) },
    [N, C * K * K, H, H],
  );
  return G.reshape(b, [N, C * K * K, L]);
}

function dwFromCols(p: G.Value, gy: G.Value): G.Value {
  const gt = G.transpose(G.reshape(gy, [N, M, L]), [0, 2, 1]);
  return G.transpose(G.reshape(G.reduceSum(G.matmul(p, gt), [0]), [C, K, K, M]), [3, 0, 1, 2]);
}

type Build = (x: G.Value, w: G.Value, gy: G.Value) => G.Value;
const WINDOW = { kernel: [K, K], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 };
/** Cases that runtime/nchwc-lowering.ts rewrites: also timed with the plain layout. */
const LOWERED = ['forward Conv', 'dX ConvTranspose', 'dX Conv with flipped transposed weight'];
const cases: Record<string, Build> = {
  'forward Conv': (x, w) => raw('Conv', [x, w], convAttrs, [N, M, H, H]),
  'dW naive: Conv over transposed batch': (x, _w, gy) => {
    const xt = G.transpose(x, [1, 0, 2, 3]);
    const gt = G.transpose(gy, [1, 0, 2, 3]);
    const r = raw('Conv', [xt, gt], { kernel_shape: ints([H, H]), pads: ints([1, 1, 1, 1]) }, [
      C,
      M,
      K,
      K,
    ]);
    return G.transpose(r, [1, 0, 2, 3]);
  },
  'dW one-hot Conv im2col + batched MatMul(B^T) + ReduceSum': (x, _w, gy) => {
    const p = raw('Conv', [x, oneHot(x.graph)], { ...convAttrs, group: int(C) }, [
      N,
      C * K * K,
      H,
      H,
    ]);
    const pr = G.reshape(p, [N, C * K * K, L]);
    const gr = G.reshape(gy, [N, M, L]);
    return G.reshape(G.reduceSum(G.matmul(gr, G.transpose(pr, [0, 2, 1])), [0]), [M, C, K, K]);
  },
  'dW one-hot Conv im2col + Transposes + one Gemm(transB)': (x, _w, gy) => {
    const p = raw('Conv', [x, oneHot(x.graph)], { ...convAttrs, group: int(C) }, [
      N,
      C * K * K,
      H,
      H,
    ]);
    const pt = G.reshape(G.transpose(G.reshape(p, [N, C * K * K, L]), [1, 0, 2]), [
      C * K * K,
      N * L,
    ]);
    const gt = G.reshape(G.transpose(G.reshape(gy, [N, M, L]), [1, 0, 2]), [M, N * L]);
    return G.reshape(G.gemm(gt, pt, null, { transB: true }), [M, C, K, K]);
  },
  'dW Pad+Slice+Concat NCHW im2col + batched MatMul + ReduceSum': (x, _w, gy) => {
    const pr = G.reshape(sliceTaps(x, false), [N, C * K * K, L]);
    const gr = G.reshape(gy, [N, M, L]);
    return G.reshape(G.reduceSum(G.matmul(gr, G.transpose(pr, [0, 2, 1])), [0]), [M, C, K, K]);
  },
  'dW Pad+Slice+Concat NHWC im2col + one MatMul': (x, _w, gy) => {
    const p = G.reshape(sliceTaps(x, true), [N * L, K * K * C]);
    const gt = G.reshape(G.transpose(G.reshape(gy, [N, M, L]), [1, 0, 2]), [M, N * L]);
    return G.transpose(G.reshape(G.matmul(gt, p), [M, K, K, C]), [0, 3, 1, 2]);
  },
  'dW one-hot Conv im2col [N,CK,L] x gy^T [N,L,M] + ReduceSum': (x, _w, gy) => {
    const p = raw('Conv', [x, oneHot(x.graph)], { ...convAttrs, group: int(C) }, [
      N,
      C * K * K,
      H,
      H,
    ]);
    const pr = G.reshape(p, [N, C * K * K, L]);
    const gt = G.transpose(G.reshape(gy, [N, M, L]), [0, 2, 1]);
    return G.transpose(G.reshape(G.reduceSum(G.matmul(pr, gt), [0]), [C, K, K, M]), [3, 0, 1, 2]);
  },
  'dW Pad+Slice+Concat im2col [N,CK,L] x gy^T [N,L,M] + ReduceSum': (x, _w, gy) => {
    const pr = G.reshape(sliceTaps(x, false), [N, C * K * K, L]);
    const gt = G.transpose(G.reshape(gy, [N, M, L]), [0, 2, 1]);
    return G.transpose(G.reshape(G.reduceSum(G.matmul(pr, gt), [0]), [C, K, K, M]), [3, 0, 1, 2]);
  },
  'dW Gather im2col [N,CK,L] x gy^T + ReduceSum': (x, _w, gy) => dwFromCols(gatherIm2col(x), gy),
  'dW separable one-hot im2col x gy^T + ReduceSum': (x, _w, gy) =>
    dwFromCols(separableIm2col(x), gy),
  'dW tap by tap: wide-row windows, batched MatMul, ReduceSum': (x, _w, gy) =>
    G.convWeightGradTapByTap(x, gy, [M, C, K, K], WINDOW),
  'dW shift stacks: one batched MatMul (convWeightGrad)': (x, _w, gy) =>
    G.convWeightGrad(x, gy, [M, C, K, K], WINDOW),
  'dX ConvTranspose': (_x, w, gy) => raw('ConvTranspose', [gy, w], convAttrs, [N, C, H, H]),
  'dX Conv with flipped transposed weight': (_x, w, gy) => {
    const g = w.graph;
    const wf = raw(
      'Slice',
      [w, i64(g, [-1, -1]), i64(g, [-K - 1, -K - 1]), i64(g, [2, 3]), i64(g, [-1, -1])],
      {},
      [M, C, K, K],
    );
    return raw('Conv', [gy, G.transpose(wf, [1, 0, 2, 3])], convAttrs, [N, C, H, H]);
  },
};

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

async function timeCase(
  name: string,
  b: Build,
  threads: number,
  opt: 'all' | 'extended' | 'basic' | 'disabled',
  reps: number,
  convLayout: 'nchwc' | 'plain' = 'nchwc',
): Promise<number> {
  const g = new G.Graph();
  const x = g.input('x', 'float32', [N, C, H, H]);
  const w = g.input('w', 'float32', [M, C, K, K]);
  const gy = g.input('gy', 'float32', [N, M, H, H]);
  const y = b(x, w, gy);
  const s = await compile(
    g,
    { inputs: [x, w, gy], outputs: { y } },
    { threads, optimization: opt, convLayout },
  );
  const rng = new Rng(1);
  const feed = {
    x: G.tensor('float32', [N, C, H, H], rng.fillNormal(new Float32Array(N * C * L))),
    w: G.tensor('float32', [M, C, K, K], rng.fillNormal(new Float32Array(M * C * K * K))),
    gy: G.tensor('float32', [N, M, H, H], rng.fillNormal(new Float32Array(N * M * L))),
  };
  await s.run(feed);
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await s.run(feed);
    ts.push(performance.now() - t0);
  }
  await s.release();
  const ms = median(ts);
  console.log(
    `${threads}t ${opt.padEnd(8)} ${convLayout.padEnd(5)} ${name.padEnd(62)} ${ms.toFixed(1).padStart(7)} ms ${(FLOP / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s`,
  );
  return ms;
}

const threadList = process.argv.slice(2).map(Number);
for (const t of threadList.length ? threadList : [1, 2]) {
  for (const [name, b] of Object.entries(cases)) {
    await timeCase(name, b, t, 'all', 7);
    if (LOWERED.includes(name)) await timeCase(name, b, t, 'all', 7, 'plain');
  }
}
