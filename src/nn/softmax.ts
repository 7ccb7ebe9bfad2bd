/**
 * Softmax built from ReduceMax, Exp, ReduceSum and Div so that `grad` differentiates it:
 * softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x). Subtracting the maximum keeps Exp
 * finite and leaves the value (and the gradient) unchanged.
 */
import { div, exp, reduceMax, reduceSum, sub, type Value } from '../graph/index.ts';

/** Softmax of x along `axis`. */
export function softmax(x: Value, axis: number): Value {
  const e = exp(sub(x, reduceMax(x, [axis], true)));
  return div(e, reduceSum(e, [axis], true));
}
