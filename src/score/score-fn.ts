/**
 * The ScoreFn contract (architecture.md): (x [N, ...D], sigma [N]) -> score [N, ...D],
 * float32, async. Analytic scores, trained networks and imported ONNX files all provide it.
 */
export type ScoreFn = (
  x: Float32Array,
  sigma: Float32Array,
  shape: readonly number[],
) => Promise<Float32Array>;
