/**
 * A {@link ScoreFn} evaluated at one noise level for the whole batch, counting network
 * evaluations (the cost measure of Song & Ermon 2020, Table 1 and of every sampler's report).
 */
import type { ScoreFn } from '../score/score-fn.ts';

/** Evaluates s(x, sigma) with the same sigma for every sample of a batch of `shape`. */
export class LevelScore {
  /** Network evaluations so far (each a whole batch: the evaluations per sample). */
  evaluations = 0;
  private readonly sigmaBatch: Float32Array;

  constructor(
    private readonly score: ScoreFn,
    readonly shape: readonly number[],
  ) {
    if (!(shape.length >= 2 && shape.every((d) => Number.isInteger(d) && d > 0)))
      throw new Error(`a sample batch needs shape [N, ...D] with positive sizes, got [${shape}]`);
    this.sigmaBatch = new Float32Array(shape[0]!);
  }

  /** s(x, sigma) [N, ...D]. */
  async at(x: Float32Array, sigma: number): Promise<Float32Array> {
    this.sigmaBatch.fill(sigma);
    this.evaluations++;
    const s = await this.score(x, this.sigmaBatch, this.shape);
    if (s.length !== x.length)
      throw new Error(
        `the score has ${s.length} values for ${x.length} inputs (shape [${this.shape}])`,
      );
    return s;
  }
}
