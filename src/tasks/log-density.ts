/**
 * Log densities for posterior sampling (architecture.md, public contracts: the log-density
 * file): a graph with input theta float32 [N, d] and output logp float32 [N] (log p(theta) up
 * to a constant, row by row), built in TypeScript on the graph builder or imported from an
 * ONNX file. scorekit differentiates it with `grad` (reverse mode over the graph) and
 * compiles one ONNX Runtime session returning logp and grad_theta logp together.
 *
 * Minibatched densities (for SGLD, Welling & Teh 2011) have one more input, the data
 * [B, ...], and logp is the minibatch's log likelihood sum_{i in batch} log p(x_i | theta);
 * an optional output log_prior [N] is log p(theta). The SGLD gradient is then
 * grad log_prior + (N_data / B) grad logp (sgld.ts).
 */
import { Graph, grad, importOnnx, type ImportedModel, type Value } from '../graph/index.ts';
import { tensor, type TensorData } from '../graph/tensor.ts';
import { compile, type Session, type SessionOptions } from '../runtime/session.ts';

/** logp and its gradient for a batch of theta. */
export interface LogDensityValue {
  /** log p(theta_i) + const, [N] (for a minibatched density: the minibatch log likelihood). */
  readonly logp: Float64Array;
  /** grad_theta logp, [N, d]. */
  readonly grad: Float32Array;
  /** log p(theta_i) [N] and its gradient [N, d], when the density has a log_prior output. */
  readonly logPrior?: Float64Array;
  readonly priorGrad?: Float32Array;
}

/** A differentiable log density over theta in R^d. */
export interface LogDensity {
  /** d */
  readonly dim: number;
  /** The shape of one data row for minibatched densities ([...] of the data input), else null. */
  readonly dataShape: readonly (number | string)[] | null;
  /** Evaluates theta [n, d] (and a minibatch of data, for minibatched densities). */
  evaluate(theta: Float32Array, n: number, data?: TensorData): Promise<LogDensityValue>;
  release(): Promise<void>;
}

/** Builds the log density of `build(theta)` (theta [N, dim] -> logp [N]) on the graph builder. */
export async function logDensityFromGraph(
  build: (theta: Value) => Value,
  dim: number,
  opts: SessionOptions = {},
): Promise<LogDensity> {
  const g = new Graph();
  const theta = g.input('theta', 'float32', ['N', dim]);
  return compileLogDensity(g, theta, null, build(theta), null, {}, opts, 'log density');
}

/** Opens a log-density ONNX file (checked: names, dtypes, ranks); `source` names it in errors. */
export async function logDensityFromOnnx(
  bytes: Uint8Array,
  source: string,
  opts: SessionOptions = {},
): Promise<LogDensity> {
  const m = importOnnx(bytes, { source });
  const theta = m.inputs.find((v) => v.name === 'theta');
  const contract =
    'a log-density file has input theta float32 [N, d] (and optionally one data input [B, ...] for SGLD) and output logp float32 [N]';
  if (!theta)
    throw new Error(
      `${source}: not a log-density file: no input "theta" (inputs: ${names(m.inputs)}); ${contract}`,
    );
  const logp = m.outputs['logp'];
  if (!logp)
    throw new Error(
      `${source}: not a log-density file: no output "logp" (outputs: ${Object.keys(m.outputs).join(', ') || 'none'}); ${contract}`,
    );
  const others = m.inputs.filter((v) => v !== theta);
  if (others.length > 1)
    throw new Error(
      `${source}: a log-density file has theta and at most one data input, got inputs ${names(m.inputs)}`,
    );
  checkShapes(source, theta, logp, m.outputs['log_prior']);
  return compileLogDensity(
    m.graph,
    theta,
    others[0] ?? null,
    logp,
    m.outputs['log_prior'] ?? null,
    m.opsets,
    opts,
    source,
  );
}

function names(vs: readonly Value[]): string {
  return vs.map((v) => v.name).join(', ') || 'none';
}

function checkShapes(source: string, theta: Value, logp: Value, logPrior?: Value): void {
  const shape = theta.shape;
  if (theta.dtype !== 'float32' || shape.length !== 2 || typeof shape[1] !== 'number')
    throw new Error(
      `${source}: input "theta" must be float32 [N, d] with a fixed d, got ${theta.dtype}[${shape.join(', ')}]`,
    );
  for (const [name, v] of [['logp', logp] as const, ['log_prior', logPrior] as const]) {
    if (!v) continue;
    if (v.dtype !== 'float32' || (v.hasShape && v.shape.length !== 1))
      throw new Error(
        `${source}: output "${name}" must be float32 [N] (one value per row of theta), got ${v.dtype}[${v.hasShape ? v.shape.join(', ') : '?'}]`,
      );
  }
}

/** Appends grad_theta of logp (and log_prior) and compiles one session for all outputs. */
async function compileLogDensity(
  g: Graph,
  theta: Value,
  data: Value | null,
  logp: Value,
  logPrior: Value | null,
  opsets: ImportedModel['opsets'],
  opts: SessionOptions,
  source: string,
): Promise<LogDensity> {
  const dim = theta.shape[1] as number;
  // The rows of theta are independent, so grad of sum_i logp_i gives each row's gradient.
  const [gradLogp] = grad(logp, [theta]);
  const outputs: Record<string, Value> = { logp, grad: gradLogp! };
  if (logPrior) outputs['log_prior_grad'] = grad(logPrior, [theta])[0]!;
  if (logPrior) outputs['log_prior'] = logPrior;
  const inputs = data ? [theta, data] : [theta];
  let session: Session;
  try {
    session = await compile(g, { inputs, outputs, opsets }, opts);
  } catch (e) {
    throw new Error(`${source}: cannot compile logp and its gradient: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const dataName = data?.name;
  return {
    dim,
    dataShape: data ? data.shape.slice(1) : null,
    async evaluate(x, n, batch) {
      const feeds: Record<string, TensorData> = { [theta.name]: tensor('float32', [n, dim], x) };
      if (dataName !== undefined) {
        if (!batch) throw new Error(`${source}: this log density needs a minibatch of data`);
        feeds[dataName] = batch;
      }
      const out = await session.run(feeds);
      return {
        logp: Float64Array.from(out['logp']!.data as Float32Array),
        grad: out['grad']!.data as Float32Array,
        ...(logPrior
          ? {
              logPrior: Float64Array.from(out['log_prior']!.data as Float32Array),
              priorGrad: out['log_prior_grad']!.data as Float32Array,
            }
          : {}),
      };
    },
    release: () => session.release(),
  };
}
