/**
 * NCSNv2 (Song & Ermon 2020, section 4 technique 3 and appendix B.1, `NCSNv2` of
 * ermongroup/ncsnv2): the dilated RefineNet with unconditional instance norm++ and
 * s_theta(x, sigma) = f_theta(x) / sigma. Parameter names match the reference's state_dict.
 */
import { div, unsqueeze, type Value } from '../graph/index.ts';
import { activation, ACTIVATION_NAMES, type ActivationName } from '../nn/activations.ts';
import { instanceNormPlus } from '../nn/instance-norm-plus.ts';
import type { ParamScope } from '../nn/params.ts';
import { boolean, evenInt, type FieldChecks, oneOf, positiveInt } from './config-fields.ts';
import { refineNetDilated } from './refinenet-dilated.ts';

export interface Ncsnv2Config {
  /** Image channels C. */
  readonly channels: number;
  /** Image height = width (even). */
  readonly imageSize: number;
  /** Base width (the shipped CIFAR-10 config: 128). */
  readonly ngf: number;
  readonly nonlinearity: ActivationName;
  /** Inputs in [0, 1] are mapped to [-1, 1] first (the reference's `2 x - 1`). */
  readonly centerInput: boolean;
}

export const NCSNV2_DEFAULTS: Ncsnv2Config = {
  channels: 1,
  imageSize: 28,
  ngf: 64,
  nonlinearity: 'elu',
  centerInput: true,
};

export const NCSNV2_CHECKS: FieldChecks<Ncsnv2Config> = {
  channels: positiveInt,
  imageSize: evenInt,
  ngf: evenInt,
  nonlinearity: oneOf(ACTIVATION_NAMES),
  centerInput: boolean,
};

/** The unconditional output f_theta(x): x [N, C, H, W] -> [N, C, H, W]. */
export function ncsnv2Network(scope: ParamScope, config: Ncsnv2Config, x: Value): Value {
  return refineNetDilated(
    scope,
    {
      channels: config.channels,
      ngf: config.ngf,
      act: activation(config.nonlinearity),
      norm: instanceNormPlus,
      refineNorm: null,
      pool: 'max',
      centerInput: config.centerInput,
    },
    x,
  );
}

/** The score s_theta(x, sigma) = f_theta(x) / sigma: x [N, C, H, W], sigma [N] -> [N, C, H, W]. */
export function ncsnv2Score(
  scope: ParamScope,
  config: Ncsnv2Config,
  x: Value,
  sigma: Value,
): Value {
  return div(ncsnv2Network(scope, config, x), unsqueeze(sigma, [1, 2, 3]));
}
