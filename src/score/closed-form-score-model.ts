/**
 * Closed-form scores (Gaussian, Gaussian mixture) as score-model ONNX files (architecture.md,
 * public contracts): the same graph as any trained model, with no parameters, so tests and
 * demos exercise the file path of the samplers and the CLI without training.
 */
import type { Value } from '../graph/index.ts';
import { ParamLayout } from '../nn/params.ts';
import { exportScoreModel, type ScoreModelMetadata } from './score-model.ts';

/** A closed-form score that can emit itself as graph nodes. */
export interface GraphScore {
  graph(x: Value, sigma: Value): Value;
}

/** The ONNX bytes of a score-model file computing `score` for data of `dataShape`. */
export function closedFormScoreModel(
  score: GraphScore,
  dataShape: readonly number[],
  meta: ScoreModelMetadata = {},
): Uint8Array {
  return exportScoreModel(
    (_scope, x, sigma) => score.graph(x, sigma),
    new ParamLayout([]),
    new Float32Array(0),
    dataShape,
    meta,
  );
}
