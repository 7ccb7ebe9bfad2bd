/**
 * Parameter initialisers (all seeded). Defaults follow PyTorch's layers, which the reference
 * implementations use: Linear and Conv weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in))
 * (kaiming_uniform with a = sqrt(5)).
 */
import type { Rng } from '../rng/rng.ts';

/** Fills a parameter of the given shape. */
export type Init = (rng: Rng, shape: readonly number[]) => Float32Array;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** All zeros. */
export const zeros: Init = (_rng, shape) => new Float32Array(size(shape));

/** All equal to `value`. */
export function constantInit(value: number): Init {
  return (_rng, shape) => new Float32Array(size(shape)).fill(value);
}

/** U(-bound, bound). */
export function uniformInit(bound: number): Init {
  return (rng, shape) => rng.fillUniform(new Float32Array(size(shape)), -bound, bound);
}

/** N(0, std^2). */
export function normalInit(std: number): Init {
  return (rng, shape) => rng.fillNormal(new Float32Array(size(shape)), 0, std);
}

/**
 * PyTorch's default for Linear/Conv weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
 * where fan_in = in_features (Linear) or in_channels/groups * kernel area (Conv).
 */
export function fanInUniform(fanIn: number): Init {
  return uniformInit(1 / Math.sqrt(fanIn));
}

/**
 * Variance scaling as in the DDPM / score_sde code (`default_init`): fan-average uniform with
 * variance `scale / ((fan_in + fan_out) / 2)`.
 */
export function varianceScalingUniform(fanIn: number, fanOut: number, scale = 1): Init {
  const variance = scale / ((fanIn + fanOut) / 2);
  return uniformInit(Math.sqrt(3 * Math.max(variance, 1e-10)));
}
