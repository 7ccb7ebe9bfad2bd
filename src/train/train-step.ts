/**
 * One compiled training step: forward, backward, gradient clipping, Adam/AdamW and the EMA
 * update, all in a single ONNX Runtime run.
 *
 * State (theta, Adam moments m and v, EMA) lives in two sets of flat float32 buffers. Each
 * step reads the front set and ONNX Runtime writes the new state straight into the back set
 * (pre-allocated outputs, no copy through JavaScript); the sets swap only when the loss and
 * the gradient norm are finite, so a diverging step never reaches the state.
 */
import {
  type DType,
  Graph,
  grad,
  type Shape,
  type TensorData,
  tensor,
  type Value,
} from '../graph/index.ts';
import { type ParamLayout, type ParamScope, declareParams, flatScope } from '../nn/params.ts';
import { Session, type SessionOptions } from '../runtime/session.ts';
import { type AdamOptions, adamUpdate } from './adam.ts';
import { clipByGlobalNorm, globalNorm } from './clip.ts';
import { emaUpdate } from './ema.ts';
import { exportOnnx } from '../graph/onnx/export.ts';

export interface BatchInputSpec {
  readonly dtype: DType;
  readonly shape: Shape;
}

export interface TrainStepSpec {
  /** Builds the scalar loss from the parameters and the batch inputs. */
  readonly loss: (scope: ParamScope, inputs: Readonly<Record<string, Value>>) => Value;
  /** The batch inputs fed each step, by name. */
  readonly inputs: Readonly<Record<string, BatchInputSpec>>;
  readonly adam?: AdamOptions;
  /** Clip gradients to this global norm (default: no clipping). */
  readonly clipNorm?: number;
  /** EMA decay (default 0.999). */
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
  /** False when the loss or gradient was not finite: the state was left unchanged. */
  readonly applied: boolean;
}

const STATE_NAMES = ['theta', 'm', 'v', 'ema'] as const;
type StateName = (typeof STATE_NAMES)[number];
type Buffers = Record<StateName, TensorData>;

/** Builds the training-step graph; returns it with its inputs and outputs. */
export function buildTrainStepGraph(spec: TrainStepSpec): {
  graph: Graph;
  layout: ParamLayout;
  inputs: Value[];
  outputs: Record<string, Value>;
} {
  const layout = declareParams((scope, g) => spec.loss(scope, declareBatch(g, spec)), new Graph());
  const g = new Graph();
  const { scope, theta } = flatScope(g, layout);
  const m = g.input('m', 'float32', [layout.size]);
  const v = g.input('v', 'float32', [layout.size]);
  const ema = g.input('ema', 'float32', [layout.size]);
  const step = g.input('step', 'float32', []);
  const lr = g.input('lr', 'float32', []);
  const batch = declareBatch(g, spec);
  const loss = spec.loss(scope, batch);
  if (loss.rank !== 0) throw new Error(`the loss must be a scalar, got ${loss.toString()}`);
  const [gTheta] = grad(loss, [theta]);
  const norm = globalNorm([gTheta!]);
  const [gClipped] = spec.clipNorm ? clipByGlobalNorm([gTheta!], norm, spec.clipNorm) : [gTheta!];
  const [upd] = adamUpdate([{ param: theta, grad: gClipped!, m, v }], step, lr, spec.adam);
  const ema2 = emaUpdate(ema, upd!.param, spec.emaDecay ?? 0.999);
  return {
    graph: g,
    layout,
    inputs: [theta, m, v, ema, step, lr, ...Object.values(batch)],
    outputs: {
      theta_out: upd!.param,
      m_out: upd!.m,
      v_out: upd!.v,
      ema_out: ema2,
      loss,
      grad_norm: norm,
    },
  };
}

function declareBatch(g: Graph, spec: TrainStepSpec): Record<string, Value> {
  return Object.fromEntries(
    Object.entries(spec.inputs).map(([k, s]) => [k, g.input(k, s.dtype, s.shape)]),
  );
}

/** A compiled training step with double-buffered state. */
export class TrainStep {
  private front: Buffers;
  private back: Buffers;
  private steps = 0;
  private readonly lossOut = tensor('float32', []);
  private readonly normOut = tensor('float32', []);

  private constructor(
    private readonly session: Session,
    readonly layout: ParamLayout,
    init: Float32Array,
  ) {
    const mk = () =>
      Object.fromEntries(STATE_NAMES.map((k) => [k, tensor('float32', [layout.size])])) as Buffers;
    this.front = mk();
    this.back = mk();
    (this.front.theta.data as Float32Array).set(init);
    (this.front.ema.data as Float32Array).set(init);
  }

  /** Compiles the step; `theta` is the initial parameter vector (layout.initialize(rng)). */
  static async create(
    spec: TrainStepSpec,
    init: (layout: ParamLayout) => Float32Array,
    opts: SessionOptions = {},
  ): Promise<TrainStep> {
    const built = buildTrainStepGraph(spec);
    const bytes = exportOnnx(built.graph, {
      inputs: built.inputs,
      outputs: built.outputs,
      name: 'train_step',
    });
    const session = await Session.fromBytes(bytes, opts);
    return new TrainStep(session, built.layout, init(built.layout));
  }

  /** Runs one step with learning rate `lr` on `batch`. */
  async run(batch: Readonly<Record<string, TensorData>>, lr: number): Promise<StepResult> {
    const f = this.front;
    const b = this.back;
    await this.session.run(
      {
        theta: f.theta,
        m: f.m,
        v: f.v,
        ema: f.ema,
        step: tensor('float32', [], [this.steps + 1]),
        lr: tensor('float32', [], [lr]),
        ...batch,
      },
      ['theta_out', 'm_out', 'v_out', 'ema_out', 'loss', 'grad_norm'],
      {
        theta_out: b.theta,
        m_out: b.m,
        v_out: b.v,
        ema_out: b.ema,
        loss: this.lossOut,
        grad_norm: this.normOut,
      },
    );
    const loss = this.lossOut.data[0] as number;
    const gradNorm = this.normOut.data[0] as number;
    const applied = Number.isFinite(loss) && Number.isFinite(gradNorm);
    if (applied) {
      this.front = b;
      this.back = f;
      this.steps++;
    }
    return { loss, gradNorm, applied };
  }

  /** The current state (views of the live buffers: copy before the next step if kept). */
  get state(): TrainState {
    const f = this.front;
    return {
      theta: f.theta.data as Float32Array,
      m: f.m.data as Float32Array,
      v: f.v.data as Float32Array,
      ema: f.ema.data as Float32Array,
      step: this.steps,
    };
  }

  /** Restores a saved state (e.g. from a checkpoint). */
  setState(s: TrainState): void {
    for (const k of STATE_NAMES) {
      if (s[k].length !== this.layout.size)
        throw new Error(
          `state field "${k}" has ${s[k].length} values, the model needs ${this.layout.size}`,
        );
      (this.front[k].data as Float32Array).set(s[k]);
    }
    this.steps = s.step;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
