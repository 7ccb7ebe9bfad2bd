/** Validation of sampler hyperparameters, with messages that name the option and the value. */

/** Throws unless `v` is a finite number > 0. */
export function checkPositive(name: string, v: number): void {
  if (!(v > 0 && Number.isFinite(v)))
    throw new Error(`${name} must be a positive number, got ${v}`);
}

/** Throws unless `v` is an integer >= `min`. */
export function checkInteger(name: string, v: number, min = 1): void {
  if (!(Number.isInteger(v) && v >= min))
    throw new Error(`${name} must be an integer >= ${min}, got ${v}`);
}

/** Throws unless `sigmas` is a non-empty, strictly decreasing list of positive numbers. */
export function checkSigmas(sigmas: ArrayLike<number>): void {
  if (sigmas.length === 0) throw new Error('the noise schedule is empty');
  for (let i = 0; i < sigmas.length; i++) {
    const s = sigmas[i]!;
    if (!(s > 0 && Number.isFinite(s)))
      throw new Error(`noise levels must be positive, got sigma_${i + 1} = ${s}`);
    if (i > 0 && !(s < sigmas[i - 1]!))
      throw new Error(`noise levels must decrease, got sigma_${i} = ${sigmas[i - 1]} then ${s}`);
  }
}

/** Throws unless x has as many values as its shape. */
export function checkBatch(x: Float32Array, shape: readonly number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (x.length !== n) throw new Error(`initial x has ${x.length} values for shape [${shape}]`);
}
