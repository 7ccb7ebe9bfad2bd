/** A minibatch: a dense row-major float32 tensor plus optional labels. */
export interface Batch {
  /** Values, row-major, `shape` = `[N, ...item shape]`. */
  readonly x: Float32Array;
  readonly shape: readonly number[];
  /** One integer label per item, when the dataset has labels. */
  readonly labels?: Int32Array;
}

/** Image dimensions of an `[N, C, H, W]` batch; throws if the batch is not 4-D. */
export function imageDims(shape: readonly number[]): [number, number, number, number] {
  if (shape.length !== 4) {
    throw new Error(`expected an image batch [N, C, H, W], got shape [${shape}]`);
  }
  return shape as unknown as [number, number, number, number];
}

/** A copy of `batch` with new values and shape, keeping its labels. */
export function withValues(batch: Batch, x: Float32Array, shape: readonly number[]): Batch {
  return batch.labels === undefined ? { x, shape } : { x, shape, labels: batch.labels };
}
