/**
 * Convolution, dense and network-in-network (1x1) layers with the DDPM initialisation
 * (Ho et al. 2020; `default_init` of hojonathanho/diffusion and score_sde): weights
 * fan-average variance scaling, uniform, with `initScale` (0 means 1e-10, as there), biases 0.
 */
import { add, conv2d, matmul, reshape, transpose, type Value } from '../graph/index.ts';
import { varianceScalingUniform, zeros } from './init.ts';
import type { ParamScope } from './params.ts';

export interface DdpmConvOptions {
  readonly stride?: number;
  /** Symmetric padding (default kernel / 2, "same"). */
  readonly padding?: number;
  /** Variance scale of the weight initialiser (default 1; 0 stands for 1e-10). */
  readonly initScale?: number;
}

const scaleOf = (s: number | undefined): number => (s === 0 ? 1e-10 : (s ?? 1));

/** x [N, inCh, H, W] -> [N, outCh, H', W'] (`ddpm_conv3x3` / `ddpm_conv1x1`). */
export function ddpmConv2d(
  scope: ParamScope,
  name: string,
  x: Value,
  inCh: number,
  outCh: number,
  kernel: number,
  o: DdpmConvOptions = {},
): Value {
  const area = kernel * kernel;
  const p = scope.child(name);
  const w = p.param(
    'weight',
    [outCh, inCh, kernel, kernel],
    varianceScalingUniform(inCh * area, outCh * area, scaleOf(o.initScale)),
  );
  const b = p.param('bias', [outCh], zeros);
  return conv2d(x, w, b, { stride: o.stride ?? 1, padding: o.padding ?? Math.floor(kernel / 2) });
}

/** Dense layer x [N, in] -> [N, out]; weight stored [in, out]. */
export function ddpmDense(
  scope: ParamScope,
  name: string,
  x: Value,
  inFeatures: number,
  outFeatures: number,
  initScale = 1,
): Value {
  const p = scope.child(name);
  const w = p.param(
    'weight',
    [inFeatures, outFeatures],
    varianceScalingUniform(inFeatures, outFeatures, scaleOf(initScale)),
  );
  return add(matmul(x, w), p.param('bias', [outFeatures], zeros));
}

/**
 * Network-in-network: a per-pixel dense map of the channels (`NIN`), x [N, inCh, H, W] ->
 * [N, outCh, H, W]. Parameters `W` [inCh, outCh] and `b` [outCh] (the reference's layout);
 * run as a 1x1 convolution with weight W^T.
 */
export function nin(
  scope: ParamScope,
  name: string,
  x: Value,
  inCh: number,
  outCh: number,
  initScale = 1,
): Value {
  const p = scope.child(name);
  const w = p.param('W', [inCh, outCh], varianceScalingUniform(inCh, outCh, scaleOf(initScale)));
  const b = p.param('b', [outCh], zeros);
  return conv2d(x, reshape(transpose(w, [1, 0]), [outCh, inCh, 1, 1]), b);
}
