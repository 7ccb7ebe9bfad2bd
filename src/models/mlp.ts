/**
 * MLP score network for low-dimensional data (toys, tabular). The noise level enters through
 * sinusoidal features of log sigma added to every hidden layer, and the output is divided by
 * sigma (NCSNv2 technique 3: s(x, sigma) = f(x, sigma) / sigma keeps every level's output O(1)).
 */
import {
  add,
  constant,
  div,
  log,
  mul,
  reshape,
  sigmoid,
  sin,
  tensor,
  type Value,
} from '../graph/index.ts';
import { linear } from '../nn/linear.ts';
import type { ParamScope } from '../nn/params.ts';

export interface MlpConfig {
  /** Data dimension D. */
  readonly dim: number;
  readonly hidden: number;
  /** Number of hidden layers. */
  readonly layers: number;
  /** Number of sinusoidal frequencies of log sigma (the embedding has 2x as many features). */
  readonly frequencies: number;
}

export const MLP_DEFAULTS: Omit<MlpConfig, 'dim'> = { hidden: 128, layers: 3, frequencies: 8 };

/** SiLU / swish: x * sigmoid(x). */
function silu(x: Value): Value {
  return mul(x, sigmoid(x));
}

/**
 * Features [sin(f_k log sigma), cos(f_k log sigma)] with f_k = 2^k / 2, as one Sin over
 * phases (cos t = sin(t + pi/2)). sigma [B] -> [B, 2F].
 */
function sigmaEmbedding(sigma: Value, frequencies: number): Value {
  const f: number[] = [];
  const phase: number[] = [];
  for (const p of [0, Math.PI / 2]) {
    for (let k = 0; k < frequencies; k++) {
      f.push(2 ** k / 2);
      phase.push(p);
    }
  }
  const g = sigma.graph;
  const ls = reshape(log(sigma), [sigma.shape[0]!, 1]); // [B, 1]
  return sin(
    add(
      mul(ls, constant(g, tensor('float32', [2 * frequencies], f))),
      constant(g, tensor('float32', [2 * frequencies], phase)),
    ),
  );
}

/** The score s_theta(x, sigma): x [B, D], sigma [B] -> [B, D]. */
export function mlpScore(scope: ParamScope, config: MlpConfig, x: Value, sigma: Value): Value {
  const { dim, hidden, layers, frequencies } = config;
  const emb = sigmaEmbedding(sigma, frequencies);
  let h = x;
  let width = dim;
  for (let l = 0; l < layers; l++) {
    const z = add(
      linear(scope, `layer${l}`, h, width, hidden),
      linear(scope, `embed${l}`, emb, 2 * frequencies, hidden, false),
    );
    h = silu(z);
    width = hidden;
  }
  const out = linear(scope, 'out', h, width, dim);
  return div(out, reshape(sigma, [sigma.shape[0]!, 1]));
}
