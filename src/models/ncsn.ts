/**
 * NCSN (Song & Ermon 2019, section 4.2 and appendix A.1): the dilated RefineNet with
 * conditional instance norm++ indexed by the noise level, s_theta(x, sigma_i) = f_theta(x, i).
 * `CondRefineNetDilated` of ermongroup/ncsn; parameter names match its state_dict.
 *
 * Noise conditioning: the network takes the level index i (int64). For the score-model
 * contract (inputs x and sigma), {@link ncsnScore} maps sigma to the nearest level of
 * `config.sigmas` inside the graph, so `config.sigmas` must be the training schedule; a
 * sigma between two levels uses the nearer one (in log scale).
 */
import type { Value } from '../graph/index.ts';
import { activation, ACTIVATION_NAMES, type ActivationName } from '../nn/activations.ts';
import { conditionalInstanceNormPlus } from '../nn/conditional-instance-norm-plus.ts';
import type { Norm2d } from '../nn/ncsn-residual-block.ts';
import type { ParamScope } from '../nn/params.ts';
import {
  boolean,
  descendingSigmas,
  evenInt,
  type FieldChecks,
  oneOf,
  positiveInt,
} from './config-fields.ts';
import { refineNetDilated } from './refinenet-dilated.ts';
import { nearestLevel } from './sigma-level.ts';

export interface NcsnConfig {
  /** Image channels C. */
  readonly channels: number;
  /** Image height = width (even). */
  readonly imageSize: number;
  /** Base width: 64 for MNIST, 128 for CIFAR-10 in the paper. */
  readonly ngf: number;
  /** The noise levels sigma_1 > ... > sigma_L the network is conditioned on (L classes). */
  readonly sigmas: readonly number[];
  readonly nonlinearity: ActivationName;
  /** Inputs in [0, 1] are mapped to [-1, 1] first (the reference's `2 x - 1`). */
  readonly centerInput: boolean;
}

/** The paper's MNIST setting: ngf 64, 10 levels from 1 to 0.01, ELU. */
export const NCSN_DEFAULTS: NcsnConfig = {
  channels: 1,
  imageSize: 28,
  ngf: 64,
  sigmas: Array.from({ length: 10 }, (_, i) => 10 ** ((-2 * i) / 9)), // geometric, 1 to 0.01
  nonlinearity: 'elu',
  centerInput: true,
};

export const NCSN_CHECKS: FieldChecks<NcsnConfig> = {
  channels: positiveInt,
  imageSize: evenInt,
  ngf: evenInt,
  sigmas: descendingSigmas,
  nonlinearity: oneOf(ACTIVATION_NAMES),
  centerInput: boolean,
};

/**
 * The network output f_theta(x, i) for level indices `level` int64 [N] (0-based into
 * `config.sigmas`): x [N, C, H, W] -> score [N, C, H, W].
 */
export function ncsnFromLevels(
  scope: ParamScope,
  config: NcsnConfig,
  x: Value,
  level: Value,
): Value {
  const numLevels = config.sigmas.length;
  const norm: Norm2d = (s, name, h, c) =>
    conditionalInstanceNormPlus(s, name, h, level, c, numLevels);
  return refineNetDilated(
    scope,
    {
      channels: config.channels,
      ngf: config.ngf,
      act: activation(config.nonlinearity),
      norm,
      refineNorm: norm,
      pool: 'avg',
      centerInput: config.centerInput,
    },
    x,
  );
}

/**
 * The score s_theta(x, sigma) = f_theta(x, nearest level of sigma): x [N, C, H, W],
 * sigma [N] -> [N, C, H, W].
 */
export function ncsnScore(scope: ParamScope, config: NcsnConfig, x: Value, sigma: Value): Value {
  return ncsnFromLevels(scope, config, x, nearestLevel(sigma, config.sigmas));
}
