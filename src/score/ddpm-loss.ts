/**
 * The DDPM noise-prediction loss (Ho et al. 2020, Algorithm 1 and eq. 14; algorithms.md
 * section 7): with x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps,
 *
 *   L = mean over the batch of || eps - eps_theta(x_t, t) ||^2
 *
 * summed over the data dimensions. The caller feeds x_0, eps ~ N(0, I), the timestep t and
 * the two coefficients per example, so the graph is deterministic.
 */
import { add, mul, reduceMean, reduceSum, reshape, sub, type Value } from '../graph/index.ts';
import type { DsmTerms } from './dsm.ts';

/** A noise predictor inside a graph: (x_t [B, ...D], t [B] float32) -> eps [B, ...D]. */
export type EpsNet = (xt: Value, t: Value) => Value;

/** Returns the DDPM loss builder for `net`. */
export function ddpmLoss(
  net: EpsNet,
): (x0: Value, eps: Value, t: Value, sqrtAlphaBar: Value, sqrtOneMinusAlphaBar: Value) => DsmTerms {
  return (x0, eps, t, a, b) => {
    const rank = x0.rank;
    const col = (v: Value): Value => reshape(v, [x0.shape[0]!, ...Array<number>(rank - 1).fill(1)]);
    const xt = add(mul(col(a), x0), mul(col(b), eps)); // x_t
    const r = sub(eps, net(xt, t));
    const dataAxes = Array.from({ length: rank - 1 }, (_, i) => i + 1);
    const perExample = reduceSum(mul(r, r), dataAxes); // [B]
    return { loss: reduceMean(perExample), perExample };
  };
}
