/** Blur kernels for deblurring: a normalised Gaussian of a given width, or a user's 2-D array. */

/** A 2-D kernel [height, width] (odd sizes, centred), row-major. */
export interface BlurKernel {
  readonly height: number;
  readonly width: number;
  readonly data: Float64Array;
}

/**
 * The Gaussian kernel k[u, v] proportional to exp(-(u^2 + v^2) / (2 w^2)) with standard
 * deviation `width` w pixels, truncated at 3 w (size 2 ceil(3 w) + 1) and normalised to sum 1.
 */
export function gaussianKernel(width: number): BlurKernel {
  if (!(width > 0 && Number.isFinite(width)))
    throw new Error(`the Gaussian kernel width must be a positive number, got ${width}`);
  const r = Math.ceil(3 * width);
  const n = 2 * r + 1;
  const data = new Float64Array(n * n);
  let total = 0;
  for (let u = 0; u < n; u++)
    for (let v = 0; v < n; v++) {
      const e = Math.exp(-((u - r) ** 2 + (v - r) ** 2) / (2 * width * width));
      data[u * n + v] = e;
      total += e;
    }
  for (let i = 0; i < data.length; i++) data[i]! /= total;
  return { height: n, width: n, data };
}

/** A kernel from a 2-D array of odd sizes (used as given, not normalised); `source` names it. */
export function kernelFromArray(
  shape: readonly number[],
  data: ArrayLike<number>,
  source: string,
): BlurKernel {
  if (shape.length !== 2 || shape.some((d) => d % 2 !== 1))
    throw new Error(`${source}: a blur kernel must be 2-D with odd sizes, got shape [${shape}]`);
  const out = Float64Array.from(data);
  if (out.some((v) => !Number.isFinite(v)))
    throw new Error(`${source}: the blur kernel has NaN or Inf entries`);
  return { height: shape[0]!, width: shape[1]!, data: out };
}

/** Parses `gaussian:WIDTH`; returns undefined for anything else (a kernel file). */
export function parseGaussianKernel(spec: string): BlurKernel | undefined {
  const m = /^gaussian:(.+)$/.exec(spec);
  if (!m) return undefined;
  const w = Number(m[1]);
  if (!Number.isFinite(w) || w <= 0)
    throw new Error(`--kernel gaussian:WIDTH needs a positive width in pixels, got "${m[1]}"`);
  return gaussianKernel(w);
}
