/** A {@link ScoreFn} backed by an ONNX Runtime session of a score-model graph. */
import { tensor } from '../graph/index.ts';
import type { Session } from '../runtime/session.ts';
import type { ScoreFn } from './score-fn.ts';

/** Wraps a session with inputs `x`, `sigma` and output `score` (the score-model contract). */
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
    return out['score']!.data as Float32Array;
  };
}
