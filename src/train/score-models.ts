/**
 * Score networks by registry name (src/models/registry.ts), resolved for a data shape and
 * noise schedule into the form training, export and sampling share.
 */
import type { Value } from '../graph/index.ts';
import { buildModel, type Model } from '../models/registry.ts';
import type { ParamScope } from '../nn/params.ts';

export interface ResolvedModel {
  readonly name: string;
  /** The model's full options (its saved config). */
  readonly config: Readonly<Record<string, unknown>>;
  /** (scope, x [N, ...D], sigma [N]) -> score [N, ...D]. */
  readonly net: (scope: ParamScope, x: Value, sigma: Value) => Value;
  readonly model: Model;
}

/** Resolves `{name, config}` for data of `dataShape` with noise levels `sigmas`. */
export function resolveScoreModel(
  spec: { readonly name: string; readonly config: Readonly<Record<string, unknown>> },
  dataShape: readonly number[],
  sigmas: ArrayLike<number>,
): ResolvedModel {
  const model = buildModel(spec.name, spec.config, { dataShape, sigmas: Array.from(sigmas) });
  return {
    name: spec.name,
    config: { ...model.config },
    net: (s, x, sigma) => model.score(s, x, sigma),
    model,
  };
}
