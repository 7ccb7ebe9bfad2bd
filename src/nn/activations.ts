/**
 * Activation functions of the reference networks: ELU (NCSN, NCSNv2: `nonlinearity: elu`) and
 * SiLU / swish (DDPM, score_sde: `nonlinearity: swish`).
 */
import { elu, mul, relu, sigmoid, type Value } from '../graph/index.ts';

/** An element-wise activation. */
export type Activation = (x: Value) => Value;

/** Names accepted in model configs. */
export const ACTIVATION_NAMES = ['elu', 'relu', 'swish'] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/**
 * SiLU / swish: x * sigmoid(x) (Ramachandran et al. 2017; Elfwing et al. 2018), the DDPM
 * U-Net's nonlinearity.
 */
export function silu(x: Value): Value {
  return mul(x, sigmoid(x));
}

/** ELU with alpha = 1 (Clevert et al. 2016), torch.nn.ELU() as used by NCSN and NCSNv2. */
export function eluActivation(x: Value): Value {
  return elu(x, 1);
}

/** The activation called `name` in a config. */
export function activation(name: ActivationName): Activation {
  switch (name) {
    case 'elu':
      return eluActivation;
    case 'relu':
      return relu;
    case 'swish':
      return silu;
  }
}
