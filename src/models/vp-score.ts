/**
 * A VP (DDPM) noise predictor as a VE score model (algorithms.md section 7; Ho et al. 2020;
 * Song et al. 2021, appendix B): for the VE input x_VE = x_0 + sigma z,
 *
 *   alpha_bar = 1 / (1 + sigma^2),  x_t = sqrt(alpha_bar) x_VE,  score = -eps_theta(x_t, t) / sigma,
 *
 * where t is the DDPM timestep with that alpha_bar: exact at the schedule's steps
 * (sigma_t = sqrt((1 - alpha_bar_t) / alpha_bar_t), so the network sees exactly its training
 * inputs there) and linear in log(1 + sigma^2) = -log alpha_bar between them.
 */
import {
  add,
  constant,
  div,
  log,
  mul,
  neg,
  reduceSum,
  relu,
  sqrt,
  sub,
  tensor,
  unsqueeze,
  type Value,
} from '../graph/index.ts';
import { linearBetas, type LinearBetas } from './linear-betas.ts';

/** -log alpha_bar_t = -sum_{s <= t} log(1 - beta_s) for t = 0..T-1 (0-based steps), in float64. */
export function vpNegLogAlphaBars(vp: LinearBetas): Float64Array {
  let acc = 0;
  return linearBetas(vp).map((beta) => (acc -= Math.log1p(-beta)));
}

/**
 * The (fractional) DDPM timestep of a noise level: sigma [N] -> t [N] in [0, T - 1], the
 * piecewise-linear inverse of t -> -log alpha_bar_t evaluated at u = log(1 + sigma^2), as
 * t = sum_k clip((u - u_k) / (u_{k+1} - u_k), 0, 1) (clamped to the schedule's range).
 */
export function vpTimestep(sigma: Value, vp: LinearBetas): Value {
  const knots = vpNegLogAlphaBars(vp);
  const g = sigma.graph;
  const lower = Array.from(knots.subarray(0, -1));
  const inv = lower.map((u, k) => 1 / (knots[k + 1]! - u));
  const u = unsqueeze(log(add(mul(sigma, sigma), 1)), [1]); // [N, 1]
  const ramp = mul(
    sub(u, constant(g, tensor('float32', [lower.length], lower))),
    constant(g, tensor('float32', [inv.length], inv)),
  ); // [N, T - 1]
  const clipped = sub(relu(ramp), relu(sub(ramp, 1))); // clip(ramp, 0, 1)
  return reduceSum(clipped, [1]); // [N]
}

/**
 * The VE score of a noise predictor `eps` (x_t [N, ...D], t [N]) -> [N, ...D]:
 * x [N, ...D], sigma [N] -> score [N, ...D].
 */
export function vpScore(
  eps: (xt: Value, t: Value) => Value,
  vp: LinearBetas,
  x: Value,
  sigma: Value,
): Value {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
  const s = unsqueeze(sigma, axes); // [N, 1, ...]
  const xt = div(x, sqrt(add(mul(s, s), 1))); // sqrt(alpha_bar) x
  return div(neg(eps(xt, vpTimestep(sigma, vp))), s);
}
