/**
 * The model registry: score networks by name (`mlp`, `ncsn`, `ncsnv2`, `unet`), each with its
 * default config, config validation (errors name the field), build function and the noise
 * conditioning it needs. A resolved config is complete and self-contained: it is what
 * checkpoints and exported score models store.
 */
import { Graph, type Value } from '../graph/index.ts';
import { declareParams, type ParamLayout, type ParamScope } from '../nn/params.ts';
import { Registry } from '../util/registry.ts';
import {
  type FieldChecks,
  optional,
  positiveInt,
  positiveNumber,
  resolveConfig,
} from './config-fields.ts';
import { describeModel } from './describe.ts';
import { MLP_DEFAULTS, type MlpConfig, mlpScore } from './mlp.ts';
import { NCSN_CHECKS, NCSN_DEFAULTS, type NcsnConfig, ncsnScore } from './ncsn.ts';
import { NCSNV2_CHECKS, NCSNV2_DEFAULTS, type Ncsnv2Config, ncsnv2Score } from './ncsnv2.ts';
import {
  checkUnetConfig,
  UNET_CHECKS,
  UNET_DEFAULTS,
  type UnetConfig,
  unetEpsilon,
} from './unet.ts';
import { vpScore } from './vp-score.ts';

/**
 * How a model sees the noise level:
 * - 'sigma-input': sigma is a network input (features of log sigma); output divided by sigma;
 * - 'level-index': the index of the nearest level of `config.sigmas`, which must therefore be
 *   the training schedule (NCSN v1's conditional instance norm++);
 * - 'sigma-division': none; the output is divided by sigma (NCSNv2 technique 3);
 * - 'vp-time': a DDPM noise predictor eps(x_t, t) (trained with the DDPM loss), wrapped into a
 *   VE score with t from sigma (algorithms.md section 7).
 */
export type NoiseConditioning = 'sigma-input' | 'level-index' | 'sigma-division' | 'vp-time';

/** What a config is derived from: the data and the training noise schedule. */
export interface ModelData {
  /** One example's shape: [D] for vectors, [C, H, W] for images. */
  readonly dataShape: readonly number[];
  /** The training noise levels, descending (needed by 'level-index' models). */
  readonly sigmas?: readonly number[];
}

export interface ModelEntry<C extends object = object> {
  readonly description: string;
  readonly conditioning: NoiseConditioning;
  /** The defaults (for images: the reference's setting for its main dataset). */
  readonly defaults: C;
  /** defaults <- fields derived from `data` <- `raw` user fields, validated. */
  resolve(raw: unknown, data: ModelData): C;
  /** The score s_theta(x, sigma): x [N, ...D], sigma [N] -> [N, ...D]. */
  score(scope: ParamScope, config: C, x: Value, sigma: Value): Value;
  /** For 'vp-time' models: the noise prediction eps(x_t [N, ...D], t [N]) -> [N, ...D]. */
  epsilon?(scope: ParamScope, config: C, xt: Value, t: Value): Value;
}

function imageFields(model: string, data: ModelData): { channels: number; imageSize: number } {
  const [c, h, w, ...rest] = data.dataShape;
  if (c === undefined || h === undefined || w === undefined || rest.length > 0 || h !== w) {
    throw new Error(
      `model "${model}" needs square images [C, H, H], got data shape ${JSON.stringify(data.dataShape)}`,
    );
  }
  return { channels: c, imageSize: h };
}

const MLP_CHECKS: FieldChecks<MlpConfig> = {
  dim: positiveInt,
  hidden: positiveInt,
  layers: positiveInt,
  frequencies: positiveInt,
  dataStd: optional(positiveNumber),
};

const mlp: ModelEntry<MlpConfig> = {
  description: 'MLP with log-sigma features, noise-level preconditioning (vectors)',
  conditioning: 'sigma-input',
  defaults: { dim: 2, ...MLP_DEFAULTS },
  resolve(raw, data) {
    const [dim, ...rest] = data.dataShape;
    if (dim === undefined || rest.length > 0) {
      throw new Error(
        `model "mlp" needs vector data [D], got data shape ${JSON.stringify(data.dataShape)}`,
      );
    }
    return resolveConfig('mlp', this.defaults, { dim }, raw, MLP_CHECKS);
  },
  score: mlpScore,
};

const ncsn: ModelEntry<NcsnConfig> = {
  description: 'NCSN: dilated RefineNet, conditional instance norm++ by noise level (images)',
  conditioning: 'level-index',
  defaults: NCSN_DEFAULTS,
  resolve(raw, data) {
    const derived = {
      ...imageFields('ncsn', data),
      ...(data.sigmas ? { sigmas: [...data.sigmas] } : {}),
    };
    return resolveConfig('ncsn', this.defaults, derived, raw, NCSN_CHECKS);
  },
  score: ncsnScore,
};

const ncsnv2: ModelEntry<Ncsnv2Config> = {
  description: 'NCSNv2: dilated RefineNet, instance norm++, output / sigma (images)',
  conditioning: 'sigma-division',
  defaults: NCSNV2_DEFAULTS,
  resolve(raw, data) {
    return resolveConfig('ncsnv2', this.defaults, imageFields('ncsnv2', data), raw, NCSNV2_CHECKS);
  },
  score: ncsnv2Score,
};

const unet: ModelEntry<UnetConfig> = {
  description: 'DDPM U-Net noise predictor, as a score through the VP-to-VE wrapper (images)',
  conditioning: 'vp-time',
  defaults: UNET_DEFAULTS,
  resolve(raw, data) {
    const c = resolveConfig('unet', this.defaults, imageFields('unet', data), raw, UNET_CHECKS);
    const problem = checkUnetConfig(c);
    if (problem) throw new Error(`model "unet": ${problem}`);
    return c;
  },
  score: (scope, config, x, sigma) =>
    vpScore((xt, t) => unetEpsilon(scope, config, xt, t), config, x, sigma),
  epsilon: unetEpsilon,
};

/** The registered models. */
export const MODELS: Registry<ModelEntry> = new Registry<ModelEntry>('model', [
  ['mlp', mlp],
  ['ncsn', ncsn],
  ['ncsnv2', ncsnv2],
  ['unet', unet],
]);

/** A model with its resolved config, ready to build graphs. */
export interface Model {
  readonly name: string;
  readonly entry: ModelEntry;
  /** The resolved config (store it with checkpoints and exported models). */
  readonly config: object;
  readonly dataShape: readonly number[];
  /** (scope, x, sigma) -> score: the form exportScoreModel takes. */
  score(scope: ParamScope, x: Value, sigma: Value): Value;
  /** The score net for dsmLoss: (xNoisy, sigma) -> score, parameters from `scope`. */
  scoreNet(scope: ParamScope): (xNoisy: Value, sigma: Value) => Value;
  /**
   * For 'vp-time' models (the DDPM loss): eps_theta(x_t [N, ...D], t [N] float32 timesteps
   * 0..T-1) -> [N, ...D]. Throws for other models.
   */
  epsilon(scope: ParamScope, xt: Value, t: Value): Value;
  /** The parameter layout, declared on a scratch graph (no weights are created). */
  layout(): ParamLayout;
  /** Name, parameter count (total and per top-level module) and config. */
  describe(): string;
}

/** Resolves `rawConfig` for the model `name` on `data` and returns the model. */
export function buildModel(name: string, rawConfig: unknown, data: ModelData): Model {
  const entry = MODELS.get(name);
  const config = entry.resolve(rawConfig, data);
  const dataShape = [...data.dataShape];
  const score = (scope: ParamScope, x: Value, sigma: Value): Value =>
    entry.score(scope, config, x, sigma);
  const layout = (): ParamLayout =>
    declareParams((scope, g) => {
      score(scope, g.input('x', 'float32', [1, ...dataShape]), g.input('sigma', 'float32', [1]));
    }, new Graph());
  return {
    name,
    entry,
    config,
    dataShape,
    score,
    scoreNet: (scope) => (xNoisy, sigma) => score(scope, xNoisy, sigma),
    epsilon: (scope, xt, t) => {
      if (!entry.epsilon) {
        throw new Error(
          `model "${name}" is not a noise predictor (conditioning ${entry.conditioning})`,
        );
      }
      return entry.epsilon(scope, config, xt, t);
    },
    layout,
    describe: () => describeModel(name, config, layout()),
  };
}
