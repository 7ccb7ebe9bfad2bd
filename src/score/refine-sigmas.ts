/**
 * n-fold geometric refinement of a noise schedule (Jolicoeur-Martineau et al. 2020, section 5:
 * consistent annealed sampling gains from more levels): n - 1 geometric points between
 * consecutive levels, (L - 1) n + 1 levels in all, keeping every original level.
 */
export function refineSigmas(sigmas: ArrayLike<number>, n: number): Float64Array {
  if (!(Number.isInteger(n) && n >= 1))
    throw new Error(`refinement factor must be an integer >= 1, got ${n}`);
  const L = sigmas.length;
  if (L < 2) return Float64Array.from(sigmas);
  const out = new Float64Array((L - 1) * n + 1);
  for (let i = 0; i + 1 < L; i++) {
    const ratio = sigmas[i + 1]! / sigmas[i]!;
    for (let j = 0; j < n; j++) out[i * n + j] = sigmas[i]! * ratio ** (j / n);
  }
  out[out.length - 1] = sigmas[L - 1]!;
  return out;
}
