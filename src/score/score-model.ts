/**
 * Builds the score-model file (architecture.md, public contracts): inputs x float32 [N, ...D]
 * and sigma float32 [N], output score [N, ...D], parameters baked in as initializers, and
 * scorekit.* metadata_props.
 */
import { Graph, type Value, exportOnnx } from '../graph/index.ts';
import { constantScope, type ParamLayout, type ParamScope } from '../nn/params.ts';

export interface ScoreModelMetadata {
  /** Noise levels, descending. */
  readonly sigmas?: readonly number[];
  readonly dataShape?: readonly number[];
  readonly dataRange?: readonly [number, number];
  readonly config?: unknown;
}

/** The ONNX bytes of a score model with parameters `theta` (a flat vector for `layout`). */
export function exportScoreModel(
  net: (scope: ParamScope, x: Value, sigma: Value) => Value,
  layout: ParamLayout,
  theta: Float32Array,
  dataShape: readonly number[],
  meta: ScoreModelMetadata = {},
): Uint8Array {
  const g = new Graph();
  const x = g.input('x', 'float32', ['N', ...dataShape]);
  const sigma = g.input('sigma', 'float32', ['N']);
  const score = net(constantScope(g, layout, theta), x, sigma);
  const metadata: Record<string, string> = {
    'scorekit.data_shape': JSON.stringify(meta.dataShape ?? dataShape),
  };
  if (meta.sigmas) metadata['scorekit.sigmas'] = JSON.stringify(meta.sigmas);
  if (meta.dataRange) metadata['scorekit.data_range'] = JSON.stringify(meta.dataRange);
  if (meta.config !== undefined) metadata['scorekit.config'] = JSON.stringify(meta.config);
  return exportOnnx(g, { inputs: [x, sigma], outputs: { score }, metadata, name: 'score_model' });
}
