/** A {@link ScoreFn} backed by an ONNX Runtime session of a score-model graph. */
import { tensor } from '../graph/index.ts';
import type { Session } from '../runtime/session.ts';
import type { ScoreFn } from './score-fn.ts';

/**
 * Wraps a session with inputs `x`, `sigma` and output `score` (the score-model contract of
 * architecture.md); checks on every call that the score has x's shape.
 */
export function sessionScoreFn(session: Session): ScoreFn {
  for (const name of ['x', 'sigma']) {
    if (!session.inputNames.includes(name)) {
      throw new Error(
        `score model has no input "${name}" (inputs: ${session.inputNames.join(', ')})`,
      );
    }
  }
  if (!session.outputNames.includes('score')) {
    throw new Error(
      `score model has no output "score" (outputs: ${session.outputNames.join(', ')})`,
    );
  }
  return async (x, sigma, shape) => {
    const out = await session.run(
      { x: tensor('float32', shape, x), sigma: tensor('float32', [shape[0]!], sigma) },
      ['score'],
    );
    const score = out['score']!;
    if (score.shape.length !== shape.length || score.shape.some((d, i) => d !== shape[i]))
      throw new Error(
        `the score model returned "score" of shape [${score.shape.join(', ')}] for x of shape [${shape.join(', ')}]`,
      );
    return score.data as Float32Array;
  };
}
