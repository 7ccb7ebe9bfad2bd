/**
 * Exponential moving average of parameters (Polyak averaging; NCSNv2 technique 5, rate 0.999):
 * ema' = decay * ema + (1 - decay) * theta'.
 */
import { add, mul, type Value } from '../graph/index.ts';

/** The EMA update node for one parameter tensor. */
export function emaUpdate(ema: Value, param: Value, decay: number): Value {
  if (!(decay >= 0 && decay < 1)) throw new Error(`EMA decay must be in [0, 1), got ${decay}`);
  return add(mul(ema, decay), mul(param, 1 - decay));
}
