/**
 * log I0(x), the modified Bessel function of the first kind of order zero, for x >= 0, by the
 * polynomial approximations of Abramowitz & Stegun 9.8.1 and 9.8.2 (relative error below
 * 2e-7), written in log form so large arguments do not overflow.
 */
export function logBesselI0(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3.75) {
    const y = (ax / 3.75) ** 2;
    return Math.log(
      1 +
        y *
          (3.5156229 +
            y * (3.0899424 + y * (1.2067492 + y * (0.2659732 + y * (0.0360768 + y * 0.0045813))))),
    );
  }
  const y = 3.75 / ax;
  const poly =
    0.39894228 +
    y *
      (0.01328592 +
        y *
          (0.00225319 +
            y *
              (-0.00157565 +
                y *
                  (0.00916281 +
                    y * (-0.02057706 + y * (0.02635537 + y * (-0.01647633 + y * 0.00392377)))))));
  return ax - 0.5 * Math.log(ax) + Math.log(poly);
}
