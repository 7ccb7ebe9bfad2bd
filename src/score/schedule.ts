/** Noise schedules (algorithms.md section 3). */

/**
 * Geometric noise levels sigma_1 > ... > sigma_L from `sigmaMax` to `sigmaMin` (NCSN, Song &
 * Ermon 2019, section 4.2): sigma_i = sigmaMax * (sigmaMin / sigmaMax)^((i-1)/(L-1)).
 */
export function geometricSigmas(
  sigmaMax: number,
  sigmaMin: number,
  numScales: number,
): Float64Array {
  if (!(sigmaMax > sigmaMin && sigmaMin > 0)) {
    throw new Error(
      `geometric sigmas need sigmaMax > sigmaMin > 0, got ${sigmaMax} and ${sigmaMin}`,
    );
  }
  if (!Number.isInteger(numScales) || numScales < 2)
    throw new Error(`numScales must be an integer >= 2, got ${numScales}`);
  const out = new Float64Array(numScales);
  const ratio = Math.log(sigmaMin / sigmaMax) / (numScales - 1);
  for (let i = 0; i < numScales; i++) out[i] = sigmaMax * Math.exp(ratio * i);
  return out;
}
