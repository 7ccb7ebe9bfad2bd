/**
 * Runs compiled graphs with ONNX Runtime (onnxruntime-node). The only module that imports
 * the runtime; everything above feeds and fetches {@link TensorData}.
 */
import { availableParallelism } from 'node:os';
import ort from 'onnxruntime-node';
import type { DType } from '../graph/dtype.ts';
import type { Graph } from '../graph/graph.ts';
import type { GradOptions } from '../graph/op-registry.ts';
import { type ExportOptions, exportOnnx } from '../graph/onnx/export.ts';
import { shapeToString } from '../graph/shape.ts';
import { type TensorData } from '../graph/tensor.ts';
import { nchwcBlockSize } from './nchwc-block-size.ts';
import { lowerToNchwc } from './nchwc-lowering.ts';
import { decomposeElus } from './elu-decomposition.ts';
import { padsByConcat } from './pad-by-concat.ts';
import { separateMaxPools } from './separable-maxpool.ts';
import { swapFewChannelConvs } from './conv-transpose-swap.ts';

export interface SessionOptions {
  /** Intra-op threads; default: all cores. */
  readonly threads?: number;
  /** ONNX Runtime graph optimisation level; default 'all'. */
  readonly optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Convolution kernels `compile` targets: 'nchwc' (default) rewrites the 2-D convolutions
   * it can to ONNX Runtime's blocked-layout kernels when this CPU has them
   * (nchwc-lowering.ts); 'plain' leaves the graph as built.
   */
  readonly convLayout?: 'nchwc' | 'plain';
  /**
   * Whether ONNX Runtime's intra-op threads spin while they wait for work (its default,
   * true): the lowest latency on a quiet machine. false makes them block instead, which is
   * steadier over long runs on shared or virtualised cores (docs/PERFORMANCE.md, "Two-thread
   * slow periods": 12% faster sustained 2-thread training there). No effect with 1 thread.
   */
  readonly spinning?: boolean;
  /** Extra ONNX Runtime session config entries (e.g. 'session.intra_op.allow_spinning'). */
  readonly extra?: Readonly<Record<string, string>>;
  /**
   * Record ONNX Runtime's per-operator profile to a JSON file whose name starts with this
   * prefix (Chrome trace format); {@link Session.endProfiling} writes it and returns its path.
   */
  readonly profilePrefix?: string;
}

/** ONNX Runtime session config entries for `opts`: `extra`, and `spinning` unless `extra` sets it. */
export function configEntries(opts: SessionOptions): Record<string, string> {
  const spin: Record<string, string> =
    opts.spinning === false ? { 'session.intra_op.allow_spinning': '0' } : {};
  return { ...spin, ...opts.extra };
}

/** The default thread count: every core of this machine. */
export function defaultThreads(): number {
  return availableParallelism();
}

type Feed = TensorData | ort.Tensor;

/** A graph compiled into an ONNX Runtime session. */
export class Session {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly threads: number,
  ) {}

  /** Creates a session from ONNX bytes. */
  static async fromBytes(bytes: Uint8Array, opts: SessionOptions = {}): Promise<Session> {
    const threads = opts.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 1)
      throw new Error(`threads must be a positive integer, got ${threads}`);
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: opts.optimization ?? 'all',
      extra: configEntries(opts),
      ...(opts.profilePrefix
        ? { enableProfiling: true, profileFilePrefix: opts.profilePrefix }
        : {}),
    });
    return new Session(session, threads);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /**
   * Runs the graph. `into` maps output names to pre-allocated tensors that ONNX Runtime
   * writes in place (no copy through JavaScript); other requested outputs are allocated.
   */
  async run(
    feeds: Readonly<Record<string, Feed>>,
    outputs: readonly string[] = this.outputNames,
    into: Readonly<Record<string, TensorData>> = {},
  ): Promise<Record<string, TensorData>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(t);
    const fetches: Record<string, ort.Tensor | null> = {};
    for (const name of outputs) fetches[name] = into[name] ? toOrt(into[name]) : null;
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await this.session.run(ortFeeds, fetches);
    } catch (e) {
      throw new Error(
        `ONNX Runtime failed: ${(e as Error).message}; feeds: ${describeFeeds(feeds)}`,
        { cause: e },
      );
    }
    const out: Record<string, TensorData> = {};
    for (const name of outputs) out[name] = into[name] ?? fromOrt(result[name]!);
    return out;
  }

  /** Ends profiling (see {@link SessionOptions.profilePrefix}); the profile is then on disk. */
  endProfiling(): void {
    this.session.endProfiling();
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** The NCHWc block size `compile` lowers convolutions to under `opts` (0: none). */
async function loweringBlock(opts: SessionOptions): Promise<number> {
  return opts.convLayout === 'plain' ? 0 : await nchwcBlockSize();
}

/**
 * What gradient rules should know about the runtime that `compile(graph, ..., opts)` gives
 * (pass to `grad` when building a graph that will be compiled with `opts`): the NCHWc block
 * size its convolutions are lowered to, for the convolution weight-gradient forms that pay
 * only on those kernels.
 */
export async function gradOptionsFor(opts: SessionOptions = {}): Promise<GradOptions> {
  return { nchwcBlock: await loweringBlock(opts) };
}

/**
 * Exports `graph` and compiles it, first rewriting it for ONNX Runtime's faster kernels: Elu
 * as vectorised element-wise operators (elu-decomposition.ts), zero Pads as threaded Concats
 * (pad-by-concat.ts), 2-D MaxPools with Indices as two 1-D passes (separable-maxpool.ts),
 * stride-1 convolutions with few channels on one side in the other form (conv-transpose-swap.ts),
 * and the convolutions lowered to the blocked kernels unless `opts.convLayout` is 'plain'
 * (nchwc-lowering.ts; the bytes handed to ONNX Runtime may then use com.microsoft.nchwc
 * operators). Files written by `exportOnnx` never contain any of these rewrites.
 */
export async function compile(
  graph: Graph,
  exportOpts: ExportOptions,
  opts: SessionOptions = {},
): Promise<Session> {
  const elus = decomposeElus(graph, exportOpts);
  const pools = separateMaxPools(elus.graph, elus.exportOpts);
  const convs = swapFewChannelConvs(pools.graph, pools.exportOpts);
  const block = await loweringBlock(opts);
  const lowered = block > 0 ? lowerToNchwc(convs.graph, convs.exportOpts, block) : convs;
  // After the lowering, which pads some Conv inputs in blocked form (nchwc-lowering.ts).
  const pads = padsByConcat(lowered.graph, lowered.exportOpts);
  return Session.fromBytes(exportOnnx(pads.graph, pads.exportOpts), opts);
}

function isTensorData(t: Feed): t is TensorData {
  return 'dtype' in t && 'shape' in t;
}

function describeFeeds(feeds: Readonly<Record<string, Feed>>): string {
  return Object.entries(feeds)
    .map(([k, t]) =>
      isTensorData(t)
        ? `${k}: ${t.dtype}${shapeToString(t.shape)}`
        : `${k}: ${t.type}${shapeToString(t.dims)}`,
    )
    .join(', ');
}

const ORT_TYPE: Record<DType, ort.Tensor.Type> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  uint8: 'uint8',
  int8: 'int8',
  bool: 'bool',
};

function toOrt(t: Feed): ort.Tensor {
  if (!isTensorData(t)) return t;
  return new ort.Tensor(ORT_TYPE[t.dtype], t.data as never, t.shape as number[]);
}

function fromOrt(t: ort.Tensor): TensorData {
  const dtype = (Object.keys(ORT_TYPE) as DType[]).find((k) => ORT_TYPE[k] === t.type);
  if (!dtype) throw new Error(`unsupported output type ${t.type}`);
  const data = dtype === 'bool' ? new Uint8Array((t.data as Uint8Array).buffer) : t.data;
  return { dtype, shape: [...t.dims], data: data as TensorData['data'] };
}
