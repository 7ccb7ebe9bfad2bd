/**
 * Distributions of points on parametric 2D curves plus isotropic Gaussian noise: pick curve c
 * with weight w_c, t ~ U[t0_c, t1_c], x = f_c(t) + s * eps. Their density
 *   p(x) = sum_c w_c / (t1_c - t0_c) * integral N(x; f_c(t), s^2 I) dt
 * has no closed form in general, so it is evaluated by the midpoint rule with nodes spaced
 * at most s/4 apart along the curve; for a Gaussian integrand that rule is accurate to far
 * below float32 precision (its error decays like exp(-2 pi^2 s^2 / h^2)).
 */
import type { Rng } from '../../rng/rng.ts';
import type { DataRange, DistributionSource } from '../source.ts';
import { cumulativeWeights, drawCategorical, logSumExp } from './log-sum-exp.ts';

/** One parametric curve t -> f(t) on [t0, t1], chosen with relative weight `weight`. */
export interface Curve {
  readonly at: (t: number) => readonly [number, number];
  readonly t0: number;
  readonly t1: number;
  readonly weight: number;
}

/** Builds the sampler and quadrature log density for `curves` with noise std `noise`. */
export function noisyCurves(
  name: string,
  curves: readonly Curve[],
  noise: number,
  range: DataRange,
): DistributionSource {
  if (!(noise > 0)) throw new Error(`${name}: noise must be positive, got ${noise}`);
  const cdf = cumulativeWeights(
    curves.map((c) => c.weight),
    name,
  );
  const sample = (n: number, rng: Rng): Float32Array => {
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const c = curves[drawCategorical(cdf, rng.uniform())]!;
      const [fx, fy] = c.at(c.t0 + (c.t1 - c.t0) * rng.uniform());
      out[2 * i] = fx + noise * rng.normal();
      out[2 * i + 1] = fy + noise * rng.normal();
    }
    return out;
  };
  const nodes = quadratureNodes(curves, cdf, noise);
  const logDensity = (x: ArrayLike<number>): Float64Array => gaussianSumLogDensity(x, nodes, noise);
  return {
    kind: 'distribution',
    name,
    shape: [2],
    range,
    sample,
    logDensity,
    logDensityKind: 'quadrature',
  };
}

interface Nodes {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly logW: Float64Array;
}

/** Midpoint-rule nodes for every curve, at most `noise / 4` apart in arc length. */
function quadratureNodes(curves: readonly Curve[], cdf: Float64Array, noise: number): Nodes {
  const xs: number[] = [];
  const ys: number[] = [];
  const logW: number[] = [];
  curves.forEach((c, k) => {
    const w = cdf[k]! - (k > 0 ? cdf[k - 1]! : 0);
    const m = Math.max(64, Math.ceil(arcLength(c) / (noise / 4)));
    for (let i = 0; i < m; i++) {
      const [fx, fy] = c.at(c.t0 + ((c.t1 - c.t0) * (i + 0.5)) / m);
      xs.push(fx);
      ys.push(fy);
      logW.push(Math.log(w / m));
    }
  });
  return { x: Float64Array.from(xs), y: Float64Array.from(ys), logW: Float64Array.from(logW) };
}

function arcLength(c: Curve, steps = 10_000): number {
  let len = 0;
  let [px, py] = c.at(c.t0);
  for (let i = 1; i <= steps; i++) {
    const [qx, qy] = c.at(c.t0 + ((c.t1 - c.t0) * i) / steps);
    len += Math.hypot(qx - px, qy - py);
    [px, py] = [qx, qy];
  }
  return len;
}

/** log sum_i exp(logW_i) N(x; node_i, s^2 I) for each row of `x` ([n, 2]). */
function gaussianSumLogDensity(x: ArrayLike<number>, nodes: Nodes, s: number): Float64Array {
  const n = x.length / 2;
  const out = new Float64Array(n);
  const terms = new Float64Array(nodes.x.length);
  const logNorm = -Math.log(2 * Math.PI * s * s);
  const inv2s2 = 1 / (2 * s * s);
  for (let i = 0; i < n; i++) {
    const px = x[2 * i]!;
    const py = x[2 * i + 1]!;
    for (let k = 0; k < terms.length; k++) {
      terms[k] = nodes.logW[k]! - ((px - nodes.x[k]!) ** 2 + (py - nodes.y[k]!) ** 2) * inv2s2;
    }
    out[i] = logNorm + logSumExp(terms);
  }
  return out;
}
