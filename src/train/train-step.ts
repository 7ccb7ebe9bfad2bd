/**
 * One compiled training step: forward, backward, gradient clipping, Adam/AdamW and the EMA
 * update, all in a single ONNX Runtime run.
 *
 * State (theta, Adam moments m and v, EMA) lives in two sets of flat float32 buffers. Each
 * step reads the front set and ONNX Runtime writes the new state straight into the back set
 * (pre-allocated outputs that are views into the flat buffers: no copy through JavaScript);
 * the sets swap only when the loss and the gradient norm are finite, so a diverging step never
 * reaches the state. How parameters enter the graph (one input per tensor, or one flat input
 * cut by a Split) is a measured choice: see bench/optimizer.ts and docs/PERFORMANCE.md.
 */
import {
  add,
  reduceSum,
  type DType,
  Graph,
  grad,
  type GradOptions,
  type Shape,
  type TensorData,
  tensor,
  Value,
} from '../graph/index.ts';
import {
  type ParamLayout,
  type ParamScope,
  declareParams,
  flatScope,
  separateScope,
} from '../nn/params.ts';
import { compile, gradOptionsFor, type Session, type SessionOptions } from '../runtime/session.ts';
import { type AdamOptions, adamUpdate } from './adam.ts';
import { clipByGlobalNorm, globalNorm } from './clip.ts';
import { emaDecayAt, emaUpdate } from './ema.ts';

export interface BatchInputSpec {
  readonly dtype: DType;
  readonly shape: Shape;
}

export interface TrainStepSpec {
  /**
   * Builds the scalar loss from the parameters and the batch inputs; optionally with extra
   * values fetched every step (e.g. per-example losses for statistics).
   */
  readonly loss: (
    scope: ParamScope,
    inputs: Readonly<Record<string, Value>>,
  ) => Value | { readonly loss: Value; readonly extras: Readonly<Record<string, Value>> };
  /** The batch inputs fed each step, by name. */
  readonly inputs: Readonly<Record<string, BatchInputSpec>>;
  readonly adam?: AdamOptions;
  /** Clip gradients to this global norm (default: no clipping). */
  readonly clipNorm?: number;
  /** EMA decay (default 0.999), warmed up as min(decay, (1 + t) / (10 + t)). */
  readonly emaDecay?: number;
}

/** The flat optimisation state. */
export interface TrainState {
  readonly theta: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly ema: Float32Array;
  /** Number of steps taken. */
  readonly step: number;
}

export interface StepResult {
  readonly loss: number;
  readonly gradNorm: number;
  /** The extra outputs the loss builder asked for. */
  readonly extras: Readonly<Record<string, TensorData>>;
  /**
   * False when the loss, the gradient or the updated parameters were not finite: the state
   * was left unchanged.
   */
  readonly applied: boolean;
}

const STATE_KINDS = ['theta', 'm', 'v', 'ema'] as const;
type StateKind = (typeof STATE_KINDS)[number];

/**
 * How parameters appear in the step graph:
 * - 'per-tensor': one input per parameter tensor (and per moment / EMA tensor); the update is
 *   a chain of small element-wise ops per tensor that stays in cache;
 * - 'flat' (default): one flat input per kind, cut by a single Split; the update is a few
 *   large ops. Measured faster on NCSNv2 ngf 16 (docs/PERFORMANCE.md, "Parameter layout"):
 *   940 against 975-1010 ms per step at 1 thread, 640 against 690-705 at 2, because the
 *   per-tensor update adds ~5,000 small nodes that each cost ONNX Runtime a few microseconds.
 * Either way the state lives in flat JS buffers; per-tensor inputs are views into them.
 */
export type ParamGraphLayout = 'per-tensor' | 'flat';

/** One state input of the step graph: a slice [offset, offset + size) of a flat buffer. */
export interface StateSlot {
  readonly kind: StateKind;
  readonly input: string;
  readonly output: string;
  readonly offset: number;
  readonly size: number;
  readonly shape: readonly number[];
}

export interface TrainStepGraph {
  readonly graph: Graph;
  readonly layout: ParamLayout;
  readonly slots: readonly StateSlot[];
  readonly inputs: Value[];
  readonly outputs: Record<string, Value>;
  /** Names of the extra outputs. */
  readonly extras: readonly string[];
}

/**
 * Builds the training-step graph: loss, gradients, clipping, Adam and EMA. `gradOptions`
 * describe the runtime it will be compiled for (`gradOptionsFor`), which picks the fastest
 * convolution weight-gradient forms there.
 */
export function buildTrainStepGraph(
  spec: TrainStepSpec,
  paramLayout: ParamGraphLayout = 'flat',
  gradOptions: GradOptions = {},
): TrainStepGraph {
  const layout = declareParams((scope, g) => spec.loss(scope, declareBatch(g, spec)), new Graph());
  const g = new Graph();
  const { scope, params } =
    paramLayout === 'flat' ? flatParams(g, layout) : separateScope(g, layout);
  const parts =
    paramLayout === 'flat'
      ? [{ name: '', offset: 0, size: layout.size, shape: [layout.size] }]
      : layout.specs;
  const slotsOf = (kind: StateKind) =>
    parts.map((p) => ({
      kind,
      input: `${kind}:${p.name}`,
      output: `${kind}_out:${p.name}`,
      offset: p.offset,
      size: p.size,
      shape: p.shape,
    }));
  const [thetaSlots, mSlots, vSlots, emaSlots] = STATE_KINDS.map(slotsOf) as [
    StateSlot[],
    StateSlot[],
    StateSlot[],
    StateSlot[],
  ];
  params.forEach((p, i) => g.rename(p, thetaSlots[i]!.input));
  const declare = (s: StateSlot) => g.input(s.input, 'float32', s.shape);
  const [ms, vs, emas] = [mSlots.map(declare), vSlots.map(declare), emaSlots.map(declare)];
  const step = g.input('step', 'float32', []);
  const lr = g.input('lr', 'float32', []);
  const batch = declareBatch(g, spec);
  const { loss, extras } = lossAndExtras(spec.loss(scope, batch));
  if (loss.rank !== 0) throw new Error(`the loss must be a scalar, got ${loss.toString()}`);
  const grads = grad(loss, params, undefined, gradOptions);
  const norm = globalNorm(grads);
  const clipped = spec.clipNorm ? clipByGlobalNorm(grads, norm, spec.clipNorm) : grads;
  const upd = adamUpdate(
    params.map((param, i) => ({ param, grad: clipped[i]!, m: ms[i]!, v: vs[i]! })),
    step,
    lr,
    spec.adam,
  );
  const emaDecay = emaDecayAt(step, spec.emaDecay ?? 0.999);
  const outputs: Record<string, Value> = { ...extras, loss, grad_norm: norm };
  // The sum of all updated parameters: finite iff every one is (checked before the swap).
  outputs['param_sum'] = upd.map((u) => reduceSum(u.param)).reduce((a, b) => add(a, b));
  upd.forEach((u, i) => {
    outputs[thetaSlots[i]!.output] = u.param;
    outputs[mSlots[i]!.output] = u.m;
    outputs[vSlots[i]!.output] = u.v;
    outputs[emaSlots[i]!.output] = emaUpdate(emas[i]!, u.param, emaDecay);
  });
  return {
    graph: g,
    layout,
    slots: [...thetaSlots, ...mSlots, ...vSlots, ...emaSlots],
    inputs: [...params, ...ms, ...vs, ...emas, step, lr, ...Object.values(batch)],
    outputs,
    extras: Object.keys(extras),
  };
}

function lossAndExtras(r: ReturnType<TrainStepSpec['loss']>): {
  loss: Value;
  extras: Readonly<Record<string, Value>>;
} {
  return r instanceof Value ? { loss: r, extras: {} } : r;
}

function flatParams(g: Graph, layout: ParamLayout): { scope: ParamScope; params: Value[] } {
  const { scope, theta } = flatScope(g, layout);
  return { scope, params: [theta] };
}

function declareBatch(g: Graph, spec: TrainStepSpec): Record<string, Value> {
  return Object.fromEntries(
    Object.entries(spec.inputs).map(([k, s]) => [k, g.input(k, s.dtype, s.shape)]),
  );
}

type Buffers = Record<StateKind, Float32Array>;

/** Feeds (state inputs) and fetches (state outputs) as views into two buffer sets. */
interface BufferViews {
  readonly feeds: Record<string, TensorData>;
  readonly fetches: Record<string, TensorData>;
}

function views(slots: readonly StateSlot[], read: Buffers, write: Buffers): BufferViews {
  const feeds: Record<string, TensorData> = {};
  const fetches: Record<string, TensorData> = {};
  for (const s of slots) {
    feeds[s.input] = tensor('float32', s.shape, read[s.kind].subarray(s.offset, s.offset + s.size));
    fetches[s.output] = tensor(
      'float32',
      s.shape,
      write[s.kind].subarray(s.offset, s.offset + s.size),
    );
  }
  return { feeds, fetches };
}

/** A compiled training step with double-buffered state. */
export class TrainStep {
  private readonly buffers: [Buffers, Buffers];
  private readonly views: [BufferViews, BufferViews];
  private readonly outputNames: string[];
  private front = 0;
  private steps = 0;
  private readonly lossOut = tensor('float32', []);
  private readonly normOut = tensor('float32', []);
  private readonly sumOut = tensor('float32', []);

  private constructor(
    private readonly session: Session,
    readonly layout: ParamLayout,
    slots: readonly StateSlot[],
    private readonly extras: readonly string[],
    init: Float32Array,
  ) {
    const mk = (): Buffers => ({
      theta: new Float32Array(layout.size),
      m: new Float32Array(layout.size),
      v: new Float32Array(layout.size),
      ema: new Float32Array(layout.size),
    });
    this.buffers = [mk(), mk()];
    this.views = [
      views(slots, this.buffers[0], this.buffers[1]),
      views(slots, this.buffers[1], this.buffers[0]),
    ];
    this.outputNames = [...slots.map((s) => s.output), 'loss', 'grad_norm', 'param_sum', ...extras];
    this.buffers[0].theta.set(init);
    this.buffers[0].ema.set(init);
  }

  /**
   * Compiles the step; `init` returns the initial parameter vector (e.g.
   * layout.initialize(rng)). `opts.gradOptions` overrides what the gradient rules are told
   * about the runtime (default: `gradOptionsFor(opts)`); `{ nchwcBlock: 0 }` gives the
   * portable convolution weight-gradient forms (bench/step-ab.ts compares the two).
   */
  static async create(
    spec: TrainStepSpec,
    init: (layout: ParamLayout) => Float32Array,
    opts: SessionOptions & { paramLayout?: ParamGraphLayout; gradOptions?: GradOptions } = {},
  ): Promise<TrainStep> {
    const gradOptions = opts.gradOptions ?? (await gradOptionsFor(opts));
    const built = buildTrainStepGraph(spec, opts.paramLayout, gradOptions);
    const session = await compile(
      built.graph,
      { inputs: built.inputs, outputs: built.outputs, name: 'train_step' },
      opts,
    );
    return new TrainStep(session, built.layout, built.slots, built.extras, init(built.layout));
  }

  /** Runs one step with learning rate `lr` on `batch`. */
  async run(batch: Readonly<Record<string, TensorData>>, lr: number): Promise<StepResult> {
    const v = this.views[this.front]!;
    const out = await this.session.run(
      {
        ...v.feeds,
        step: tensor('float32', [], [this.steps + 1]),
        lr: tensor('float32', [], [lr]),
        ...batch,
      },
      this.outputNames,
      { ...v.fetches, loss: this.lossOut, grad_norm: this.normOut, param_sum: this.sumOut },
    );
    const loss = this.lossOut.data[0] as number;
    const gradNorm = this.normOut.data[0] as number;
    const applied =
      Number.isFinite(loss) &&
      Number.isFinite(gradNorm) &&
      Number.isFinite(this.sumOut.data[0] as number);
    const extras = Object.fromEntries(this.extras.map((k) => [k, out[k]!]));
    if (applied) {
      this.front = 1 - this.front;
      this.steps++;
    }
    return { loss, gradNorm, applied, extras };
  }

  /** The current state (views of the live buffers: copy before the next step if kept). */
  get state(): TrainState {
    return { ...this.buffers[this.front]!, step: this.steps };
  }

  /** Restores a saved state (e.g. from a checkpoint). */
  setState(s: TrainState): void {
    for (const k of STATE_KINDS) {
      if (s[k].length !== this.layout.size) {
        throw new Error(
          `state field "${k}" has ${s[k].length} values, the model needs ${this.layout.size}`,
        );
      }
      this.buffers[this.front]![k].set(s[k]);
    }
    this.steps = s.step;
  }

  /** Ends ONNX Runtime profiling (when created with `profilePrefix`): writes the profile. */
  endProfiling(): void {
    this.session.endProfiling();
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
