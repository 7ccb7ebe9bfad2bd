/**
 * The standard normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2, with erf from Abramowitz & Stegun
 * 7.1.26 (absolute error below 1.5e-7), enough for the NCSNv2 ratio rule.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return 0.5 * (1 + Math.sign(x) * erf);
}
