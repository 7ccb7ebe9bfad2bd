/**
 * The DDPM U-Net noise predictor eps_theta(x_t, t) (Ho et al. 2020, appendix B; `model` of
 * hojonathanho/diffusion's unet.py, whose module names it keeps): a sinusoidal time
 * embedding through two dense layers, `numResBlocks` wide-ResNet blocks per resolution with
 * self-attention at `attnResolutions`, a middle block with attention, a mirrored upsampling
 * path with skip connections, GroupNorm -> swish -> 3x3 conv (initialised at scale 0).
 * CIFAR-10: nf 128, chMult [1, 2, 2, 2], 2 blocks, attention at 16x16 (35.7M parameters).
 * Dropout is not applied (the graph is deterministic). For the score contract see
 * vp-score.ts.
 */
import { concat, type Value } from '../graph/index.ts';
import { activation, ACTIVATION_NAMES, type ActivationName } from '../nn/activations.ts';
import { ddpmConv2d, ddpmDense } from '../nn/ddpm-layers.ts';
import { ddpmDownsample, ddpmUpsample } from '../nn/ddpm-resample.ts';
import { ddpmResnetBlock } from '../nn/ddpm-resnet-block.ts';
import { groupNorm } from '../nn/group-norm.ts';
import type { ParamScope } from '../nn/params.ts';
import { selfAttention } from '../nn/self-attention.ts';
import { timestepEmbedding } from '../nn/timestep-embedding.ts';
import {
  boolean,
  evenInt,
  type FieldChecks,
  intList,
  oneOf,
  positiveInt,
  positiveIntList,
  positiveNumber,
} from './config-fields.ts';
import { DDPM_BETAS, type LinearBetas } from './linear-betas.ts';

/** The network's widths and depths, and DDPM's linear beta schedule (linear-betas.ts). */
export interface UnetConfig extends LinearBetas {
  /** Image channels C. */
  readonly channels: number;
  /** Image height = width, divisible by 2^(chMult.length - 1). */
  readonly imageSize: number;
  /** Base width `ch` (128 for CIFAR-10). */
  readonly nf: number;
  /** Width multiplier per resolution. */
  readonly chMult: readonly number[];
  readonly numResBlocks: number;
  /** Resolutions (side lengths) with self-attention. */
  readonly attnResolutions: readonly number[];
  /** Learned 3x3 convs in up/downsampling (else nearest / average pooling only). */
  readonly resampWithConv: boolean;
  /** Groups of every group norm (32 in DDPM); must divide every width. */
  readonly numGroups: number;
  readonly nonlinearity: ActivationName;
}

/** DDPM's CIFAR-10 network. */
export const UNET_DEFAULTS: UnetConfig = {
  channels: 3,
  imageSize: 32,
  nf: 128,
  chMult: [1, 2, 2, 2],
  numResBlocks: 2,
  attnResolutions: [16],
  resampWithConv: true,
  numGroups: 32,
  nonlinearity: 'swish',
  ...DDPM_BETAS,
};

export const UNET_CHECKS: FieldChecks<UnetConfig> = {
  channels: positiveInt,
  imageSize: positiveInt,
  nf: evenInt,
  chMult: positiveIntList,
  numResBlocks: positiveInt,
  attnResolutions: intList,
  resampWithConv: boolean,
  numGroups: positiveInt,
  nonlinearity: oneOf(ACTIVATION_NAMES),
  betaMin: positiveNumber,
  betaMax: positiveNumber,
  numTimesteps: positiveInt,
};

/** Cross-field checks; returns a message naming the field, or null. */
export function checkUnetConfig(c: UnetConfig): string | null {
  const down = 2 ** (c.chMult.length - 1);
  if (c.imageSize % down !== 0) {
    return `config field "imageSize" (${c.imageSize}) must be divisible by 2^(chMult.length - 1) = ${down}`;
  }
  const widths = c.chMult.map((m) => m * c.nf);
  const bad = widths.find((w) => w % c.numGroups !== 0);
  if (bad !== undefined) {
    return `config field "numGroups" (${c.numGroups}) must divide every width nf * chMult (${bad})`;
  }
  if (!(c.betaMax >= c.betaMin && c.betaMax < 1)) {
    return `config field "betaMax" must be in [betaMin, 1), got ${c.betaMax}`;
  }
  return null;
}

/**
 * eps_theta(x_t, t): x_t [N, C, H, W] and timesteps t [N] float32 (0..numTimesteps-1, may be
 * fractional) -> predicted noise [N, C, H, W].
 */
export function unetEpsilon(scope: ParamScope, config: UnetConfig, x: Value, t: Value): Value {
  const { nf, chMult, numResBlocks, numGroups: groups } = config;
  const act = activation(config.nonlinearity);
  const tembDim = 4 * nf;
  const te = scope.child('temb');
  let temb = ddpmDense(te, 'dense0', timestepEmbedding(t, nf), nf, tembDim);
  temb = ddpmDense(te, 'dense1', act(temb), tembDim, tembDim); // [N, 4 nf]
  const block = { act, groups, tembDim };
  const withAttn = (s: ParamScope, name: string, h: Value, c: number): Value =>
    config.attnResolutions.includes(h.shape[3] as number)
      ? selfAttention(s, name, h, c, groups)
      : h;

  // Downsampling: remember every output for the skip connections.
  const hs: { h: Value; c: number }[] = [];
  let h = ddpmConv2d(scope, 'conv_in', x, config.channels, nf, 3); // [N, nf, H, W]
  let c = nf;
  hs.push({ h, c });
  chMult.forEach((mult, level) => {
    const s = scope.child(`down_${level}`);
    for (let i = 0; i < numResBlocks; i++) {
      h = ddpmResnetBlock(s, `block_${i}`, h, temb, c, mult * nf, block);
      c = mult * nf;
      h = withAttn(s, `attn_${i}`, h, c);
      hs.push({ h, c });
    }
    if (level !== chMult.length - 1) {
      h = ddpmDownsample(s, 'downsample', h, c, config.resampWithConv);
      hs.push({ h, c });
    }
  });

  const mid = scope.child('mid');
  h = ddpmResnetBlock(mid, 'block_1', h, temb, c, c, block);
  h = selfAttention(mid, 'attn_1', h, c, groups);
  h = ddpmResnetBlock(mid, 'block_2', h, temb, c, c, block);

  // Upsampling: each block consumes one skip connection.
  for (let level = chMult.length - 1; level >= 0; level--) {
    const s = scope.child(`up_${level}`);
    const out = chMult[level]! * nf;
    for (let i = 0; i <= numResBlocks; i++) {
      const skip = hs.pop()!;
      h = ddpmResnetBlock(s, `block_${i}`, concat([h, skip.h], 1), temb, c + skip.c, out, block);
      c = out;
      h = withAttn(s, `attn_${i}`, h, c);
    }
    if (level !== 0) h = ddpmUpsample(s, 'upsample', h, c, config.resampWithConv);
  }
  h = act(groupNorm(scope, 'norm_out', h, c, groups));
  return ddpmConv2d(scope, 'conv_out', h, c, config.channels, 3, { initScale: 0 }); // [N, C, H, W]
}
