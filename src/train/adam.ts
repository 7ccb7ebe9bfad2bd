/**
 * Adam (Kingma & Ba 2015, Algorithm 1) and AdamW (Loshchilov & Hutter 2019) as graph nodes:
 * the update of every parameter tensor, with bias correction computed from the step input.
 *
 *   m' = b1 m + (1 - b1) g,   v' = b2 v + (1 - b2) g^2
 *   theta' = theta - lr * ( m'/(1 - b1^t) / (sqrt(v'/(1 - b2^t)) + eps) + wd_decoupled * theta )
 *
 * With coupled (Adam) weight decay, g <- g + wd * theta before the moments.
 */
import { add, div, mul, pow, scalar, sqrt, sub, type Value } from '../graph/index.ts';

export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** Weight decay coefficient (default 0). */
  readonly weightDecay?: number;
  /** true: AdamW (decoupled); false: L2 penalty added to the gradient (Adam). Default true. */
  readonly decoupled?: boolean;
}

/** Defaults of torch.optim.Adam, used by the reference implementations. */
export const ADAM_DEFAULTS = {
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decoupled: true,
} as const;

export interface AdamState {
  readonly param: Value;
  readonly grad: Value;
  readonly m: Value;
  readonly v: Value;
}

export interface AdamUpdate {
  readonly param: Value;
  readonly m: Value;
  readonly v: Value;
}

/**
 * New (param, m, v) for each tensor. `step` is the 1-based step t (float32 scalar input) and
 * `lr` the learning rate (float32 scalar input), so schedules need no recompilation.
 */
export function adamUpdate(
  states: readonly AdamState[],
  step: Value,
  lr: Value,
  opts: AdamOptions = {},
): AdamUpdate[] {
  const o = { ...ADAM_DEFAULTS, ...opts };
  const g0 = step.graph;
  // Bias corrections 1 - b^t, shared by every tensor.
  const c1 = sub(1, pow(scalar(g0, o.beta1), step));
  const c2 = sub(1, pow(scalar(g0, o.beta2), step));
  const stepSize = div(lr, c1); // lr / (1 - b1^t)
  const sqrtC2 = sqrt(c2);
  return states.map(({ param, grad, m, v }) => {
    const g = o.weightDecay && !o.decoupled ? add(grad, mul(param, o.weightDecay)) : grad;
    const m2 = add(mul(m, o.beta1), mul(g, 1 - o.beta1));
    const v2 = add(mul(v, o.beta2), mul(mul(g, g), 1 - o.beta2));
    // m'/(1-b1^t) / (sqrt(v')/sqrt(1-b2^t) + eps)
    const denom = add(div(sqrt(v2), sqrtC2), o.eps);
    let update = mul(div(m2, denom), stepSize);
    if (o.weightDecay && o.decoupled) update = add(update, mul(mul(param, lr), o.weightDecay));
    return { param: sub(param, update), m: m2, v: v2 };
  });
}
