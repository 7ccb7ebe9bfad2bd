/**
 * Instance normalisation++ (Song & Ermon 2019, appendix A.1, eq. 13): instance norm, plus a
 * term that restores the per-channel means removed by it,
 *
 *   z_k = gamma_k (x_k - mu_k) / s_k + beta_k + alpha_k (mu_k - m) / v,
 *
 * where mu_k, s_k are the mean and std of channel k over the spatial axes, and m, v the mean
 * and (unbiased) std of the mu_k over the channels. The unconditional form (NCSNv2,
 * `InstanceNorm2dPlus`) has gamma, alpha, beta [C]; the conditional form has them per noise
 * level (see conditional-instance-norm-plus.ts).
 */
import { add, instanceNormalize, mul, reduceMean, reshape, type Value } from '../graph/index.ts';
import { type Init, normalInit, zeros } from './init.ts';
import { standardizeUnbiased } from './moments.ts';
import type { ParamScope } from './params.ts';

/** torch.nn.InstanceNorm2d's epsilon, also used for the channel-means variance. */
export const INSTANCE_NORM_EPS = 1e-5;

/** N(1, 0.02^2): the reference initialisation of gamma and alpha. */
export const nearOneInit: Init = (rng, shape) => normalInit(0.02)(rng, shape).map((v) => v + 1);

/** The affine coefficients of instance norm++, each broadcastable to [N, C, H, W]. */
export interface InstanceNormPlusCoefficients {
  readonly gamma: Value;
  readonly alpha: Value;
  readonly beta: Value | null;
}

/**
 * gamma * (standardised x + alpha * standardised channel means) + beta (eq. 13), computed as
 * InstanceNormalization(x) * gamma + (gamma alpha (mu - m) / v + beta): the per-channel terms
 * are [N, C, 1, 1], so the full-size work is that of a plain instance norm (one ONNX
 * InstanceNormalization, whose VJP is graph/ops/instance-norm.ts) and one multiply-add.
 */
export function instanceNormPlusWith(x: Value, c: InstanceNormPlusCoefficients): Value {
  const mu = reduceMean(x, [2, 3], true); // [N, C, 1, 1]
  const means = standardizeUnbiased(mu, 1, INSTANCE_NORM_EPS); // [N, C, 1, 1]
  const meanTerm = mul(mul(c.gamma, c.alpha), means); // [N, C, 1, 1]
  const shift = c.beta ? add(meanTerm, c.beta) : meanTerm;
  return add(mul(instanceNormalize(x, INSTANCE_NORM_EPS), c.gamma), shift); // [N, C, H, W]
}

/**
 * Unconditional instance norm++ (NCSNv2): x [N, C, H, W] -> [N, C, H, W], parameters
 * `alpha`, `gamma` ~ N(1, 0.02^2) and `beta` = 0, each [C].
 */
export function instanceNormPlus(
  scope: ParamScope,
  name: string,
  x: Value,
  channels: number,
  bias = true,
): Value {
  const p = scope.child(name);
  const perChannel = (v: Value): Value => reshape(v, [channels, 1, 1]); // [C, 1, 1]
  const alpha = perChannel(p.param('alpha', [channels], nearOneInit));
  const gamma = perChannel(p.param('gamma', [channels], nearOneInit));
  const beta = bias ? perChannel(p.param('beta', [channels], zeros)) : null;
  return instanceNormPlusWith(x, { gamma, alpha, beta });
}
