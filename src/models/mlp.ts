/**
 * MLP score network for low-dimensional data (toys, tabular). The noise level enters through
 * sinusoidal features of log sigma added to every hidden layer; inputs and outputs are
 * preconditioned by the noise level (EDM, see {@link mlpScore}) so every level's target is O(1).
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
  sqrt,
  sub,
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
  /** sigma_d, the data's standard deviation, for the preconditioning (default 1). */
  readonly dataStd?: number;
}

export const MLP_DEFAULTS: Omit<MlpConfig, 'dim'> = { hidden: 128, layers: 3, frequencies: 8 };

/** SiLU / swish: x * sigmoid(x). */
function silu(x: Value): Value {
  return mul(x, sigmoid(x));
}

/**
 * Features [sin(f_k log sigma), cos(f_k log sigma)] with f_k = 2^(k/2) / 4 (low
 * frequencies, so the score interpolates smoothly between trained levels), as one Sin over
 * phases (cos t = sin(t + pi/2)). sigma [B] -> [B, 2F].
 */
function sigmaEmbedding(sigma: Value, frequencies: number): Value {
  const f: number[] = [];
  const phase: number[] = [];
  for (const p of [0, Math.PI / 2]) {
    for (let k = 0; k < frequencies; k++) {
      f.push(2 ** (k / 2) / 4);
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

/**
 * The score s_theta(x, sigma): x [B, D], sigma [B] -> [B, D], with the preconditioning of
 * Karras et al. 2022 (EDM, Table 1) written for the score: with s2 = sigma^2 + sigma_d^2,
 *
 *   s(x, sigma) = -x / s2 + sigma_d F(x / sqrt(s2), sigma) / (sigma sqrt(s2)),
 *
 * so the network F sees unit-scale inputs at every level and F = 0 is the exact score of
 * N(0, sigma_d^2 I) data.
 */
export function mlpScore(scope: ParamScope, config: MlpConfig, x: Value, sigma: Value): Value {
  const { dim, hidden, layers, frequencies } = config;
  const sd = config.dataStd ?? 1;
  const emb = sigmaEmbedding(sigma, frequencies);
  const sig = reshape(sigma, [sigma.shape[0]!, 1]); // [B, 1]
  const s2 = add(mul(sig, sig), sd * sd); // sigma^2 + sigma_d^2
  const rs = sqrt(s2);
  let h = div(x, rs); // c_in x
  let width = dim;
  for (let l = 0; l < layers; l++) {
    const z = add(
      linear(scope, `layer${l}`, h, width, hidden),
      linear(scope, `embed${l}`, emb, 2 * frequencies, hidden, false),
    );
    h = silu(z);
    width = hidden;
  }
  const F = linear(scope, 'out', h, width, dim);
  return sub(div(mul(F, sd), mul(sig, rs)), div(x, s2));
}
