/**
 * Sinusoidal timestep embedding (Vaswani et al. 2017, section 3.5; DDPM, Ho et al. 2020,
 * appendix B): for t [N] and dim = 2h, [sin(t f_0..f_{h-1}), cos(t f_0..f_{h-1})] with
 * f_k = 10000^(-k / (h - 1)).
 */
import { concat, constant, cos, mul, sin, tensor, unsqueeze, type Value } from '../graph/index.ts';

/** t [N] float32 (timesteps, may be fractional) -> [N, dim]; dim must be even and >= 4. */
export function timestepEmbedding(t: Value, dim: number, maxPositions = 10000): Value {
  if (dim % 2 !== 0 || dim < 4)
    throw new Error(`timestep embedding dim must be even and >= 4, got ${dim}`);
  const half = dim / 2;
  const step = Math.log(maxPositions) / (half - 1);
  const freqs = Array.from({ length: half }, (_, k) => Math.exp(-k * step));
  const args = mul(unsqueeze(t, [1]), constant(t.graph, tensor('float32', [half], freqs))); // [N, half]
  return concat([sin(args), cos(args)], 1); // [N, dim]
}
