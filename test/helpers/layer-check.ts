/**
 * Gradient checks of parameterised layers: the layer's parameters become inputs of the check
 * (alongside x), so finite differences test the gradient with respect to every parameter.
 */
import { type DType, Graph, type TensorData, tensor, type Value } from '../../src/graph/index.ts';
import { declareParams, type ParamScope } from '../../src/nn/params.ts';
import { Rng } from '../../src/rng/rng.ts';
import { gradCheck, type GradCheckResult, randn } from './gradcheck.ts';

/** A scope that hands out given values by parameter name. */
class ValueScope implements ParamScope {
  constructor(
    readonly graph: Graph,
    private readonly values: ReadonlyMap<string, Value>,
    private readonly prefix = '',
  ) {}

  param(name: string): Value {
    const v = this.values.get(this.prefix + name);
    if (!v) throw new Error(`no value for parameter ${this.prefix + name}`);
    return v;
  }

  child(prefix: string): ParamScope {
    return new ValueScope(this.graph, this.values, `${this.prefix}${prefix}.`);
  }
}

export interface LayerCheck {
  /** The layer: (scope, ...inputs) -> output. */
  readonly build: (scope: ParamScope, xs: Value[]) => Value;
  /** The layer's inputs (x and any others). */
  readonly inputs: readonly TensorData[];
  /** Inputs not differentiated (e.g. int64 indices are skipped anyway). */
  readonly noGrad?: readonly number[];
  readonly dtype?: DType;
  readonly h?: number;
  readonly tol?: number;
  /** Spread added to every initial parameter value, so zero-initialised ones matter too. */
  readonly jitter?: number;
  readonly seed?: number;
  readonly directions?: number;
}

/** Gradient check of `build` with respect to its inputs and every parameter it declares. */
export function layerGradCheck(c: LayerCheck): Promise<GradCheckResult> {
  const dtype = c.dtype ?? 'float32';
  const layout = declareParams(
    (scope, g) =>
      c.build(
        scope,
        // Parameters are declared float32; declare float inputs likewise.
        c.inputs.map((t, i) =>
          g.input(`in${i}`, t.dtype === 'float64' ? 'float32' : t.dtype, t.shape),
        ),
      ),
    new Graph(),
  );
  const rng = new Rng(c.seed ?? 7);
  const theta = layout.initialize(rng);
  const jitter = c.jitter ?? 0.2;
  const params = layout.specs.map((s) => {
    const v = theta.subarray(s.offset, s.offset + s.size);
    return tensor(
      dtype,
      s.shape,
      Array.from(v, (x) => x + jitter * (2 * rng.uniform() - 1)),
    );
  });
  const n = c.inputs.length;
  return gradCheck({
    inputs: [...c.inputs, ...params],
    noGrad: c.noGrad,
    h: c.h,
    tol: c.tol,
    seed: c.seed,
    directions: c.directions,
    build: (xs) => {
      const values = new Map(layout.specs.map((s, i) => [s.name, xs[n + i]!]));
      return c.build(new ValueScope(xs[0]!.graph, values), xs.slice(0, n));
    },
  });
}

export { randn };
