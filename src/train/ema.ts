/**
 * Exponential moving average of parameters (Polyak averaging; NCSNv2 technique 5, rate 0.999):
 * ema' = d_t * ema + (1 - d_t) * theta', with the warm-up of TensorFlow's
 * ExponentialMovingAverage(num_updates): d_t = min(decay, (1 + t) / (10 + t)) at step t. Without
 * it a short run's EMA stays mostly its random initialisation (0.999^500 = 0.61 of it after 500
 * steps); with it the average covers roughly the last min(t, 1 / (1 - decay)) steps.
 */
import { add, div, less, mul, sub, type Value, where } from '../graph/index.ts';

/** The decay d_t for the 1-based step `step` (a float32 scalar input). */
export function emaDecayAt(step: Value, decay: number): Value {
  if (!(decay >= 0 && decay < 1)) throw new Error(`EMA decay must be in [0, 1), got ${decay}`);
  const warm = div(add(step, 1), add(step, 10)); // (1 + t) / (10 + t)
  return where(less(warm, decay), warm, decay);
}

/** The EMA update node for one parameter tensor with decay `d` (from {@link emaDecayAt}). */
export function emaUpdate(ema: Value, param: Value, d: Value): Value {
  return add(mul(ema, d), mul(param, sub(1, d)));
}
