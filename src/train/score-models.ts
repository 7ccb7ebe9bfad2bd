/**
 * Score networks by registry name, resolved for a data shape and noise schedule into the
 * form training, export and sampling share: net(scope, x [N, ...D], sigma [N]) -> score.
 */
import { Graph, type Value } from '../graph/index.ts';
import { MLP_DEFAULTS, mlpScore, type MlpConfig } from '../models/mlp.ts';
import { declareParams, type ParamLayout, type ParamScope } from '../nn/params.ts';

export interface ResolvedModel {
  readonly name: string;
  /** The model's full options (its saved config). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly net: (scope: ParamScope, x: Value, sigma: Value) => Value;
}

/** Resolves `{name, config}` for data of `dataShape` with noise levels `sigmas`. */
export function resolveScoreModel(
  model: { readonly name: string; readonly config: Readonly<Record<string, unknown>> },
  dataShape: readonly number[],
  _sigmas: ArrayLike<number>,
): ResolvedModel {
  switch (model.name) {
    case 'mlp': {
      if (dataShape.length !== 1)
        throw new Error(
          `model mlp needs vector data [D], got [${dataShape.join(', ')}] (use ncsnv2 for images)`,
        );
      const config: MlpConfig = {
        ...MLP_DEFAULTS,
        ...(model.config as Partial<MlpConfig>),
        dim: dataShape[0]!,
      };
      return {
        name: 'mlp',
        config: { ...config },
        net: (scope, x, sigma) => mlpScore(scope, config, x, sigma),
      };
    }
    default:
      throw new Error(`unknown model "${model.name}" (models: mlp)`);
  }
}

/** The parameter layout of `model` for data of `dataShape` (the order training uses). */
export function modelLayout(model: ResolvedModel, dataShape: readonly number[]): ParamLayout {
  return declareParams((scope, g) => {
    model.net(
      scope,
      g.input('x', 'float32', ['N', ...dataShape]),
      g.input('sigma', 'float32', ['N']),
    );
  }, new Graph());
}
