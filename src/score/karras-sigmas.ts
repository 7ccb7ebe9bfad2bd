/**
 * Karras et al. (2022), "Elucidating the Design Space of Diffusion-Based Generative Models",
 * eq. 5: n noise levels from sigmaMax to sigmaMin, uniform in sigma^(1/rho) (rho = 7), which
 * spends the steps where the ODE curves most (small sigma).
 */

/** sigma_i = (sigmaMax^(1/rho) + i/(n-1) (sigmaMin^(1/rho) - sigmaMax^(1/rho)))^rho, i = 0..n-1. */
export function karrasSigmas(sigmaMax: number, sigmaMin: number, n: number, rho = 7): Float64Array {
  if (!(sigmaMax > sigmaMin && sigmaMin > 0))
    throw new Error(`Karras sigmas need sigmaMax > sigmaMin > 0, got ${sigmaMax} and ${sigmaMin}`);
  if (!Number.isInteger(n) || n < 2) throw new Error(`Karras sigmas need n >= 2 steps, got ${n}`);
  if (!(rho > 0)) throw new Error(`Karras sigmas need rho > 0, got ${rho}`);
  const hi = sigmaMax ** (1 / rho);
  const lo = sigmaMin ** (1 / rho);
  return Float64Array.from({ length: n }, (_, i) => (hi + (i / (n - 1)) * (lo - hi)) ** rho);
}
