/**
 * The residual block of NCSN / NCSNv2 (Song & Ermon 2019, appendix A.1; the `ResidualBlock`
 * and `ConditionalResidualBlock` of ermongroup/ncsn and ermongroup/ncsnv2): pre-activation
 * norm -> act -> conv -> norm -> act -> conv plus a shortcut. With `resample: 'down'` the
 * block halves the resolution by mean pooling, unless it is dilated: then, as in the
 * reference, dilated convolutions replace the downsampling (the "dilated" RefineNet keeps
 * the resolution and grows the receptive field instead).
 */
import type { Value } from '../graph/index.ts';
import { add } from '../graph/index.ts';
import type { Activation } from './activations.ts';
import { conv2dLayer } from './conv2d.ts';
import { convMeanPool } from './mean-pool.ts';
import type { ParamScope } from './params.ts';

/** A normalisation layer: (scope, name, x [N, C, H, W], C) -> [N, C, H, W]. */
export type Norm2d = (scope: ParamScope, name: string, x: Value, channels: number) => Value;

export interface NcsnResidualBlockOptions {
  readonly resample: 'down' | null;
  /** Dilation of the 3x3 convolutions; 1 = none. */
  readonly dilation: number;
  readonly act: Activation;
  readonly norm: Norm2d;
}

/** A 3x3 convolution with "same" padding, dilated by `dilation`. */
function conv3x3(
  scope: ParamScope,
  name: string,
  x: Value,
  inCh: number,
  outCh: number,
  dilation: number,
): Value {
  return conv2dLayer(scope, name, x, inCh, outCh, 3, { padding: dilation, dilation });
}

/**
 * x [N, inCh, H, W] -> [N, outCh, H', W'] (H' = H/2 for an undilated 'down' block, else H).
 * Parameter names follow the reference: normalize1, conv1, normalize2, conv2, shortcut.
 */
export function ncsnResidualBlock(
  scope: ParamScope,
  name: string,
  x: Value,
  inCh: number,
  outCh: number,
  o: NcsnResidualBlockOptions,
): Value {
  const p = scope.child(name);
  const { act, norm, dilation } = o;
  const meanPool = o.resample === 'down' && dilation === 1;
  // conv1 keeps the width in a 'down' block and changes it otherwise.
  const mid = o.resample === 'down' ? inCh : outCh;
  let h = act(norm(p, 'normalize1', x, inCh));
  h = conv3x3(p, 'conv1', h, inCh, mid, dilation);
  h = act(norm(p, 'normalize2', h, mid));
  h = meanPool
    ? convMeanPool(p, 'conv2', h, mid, outCh, 3)
    : conv3x3(p, 'conv2', h, mid, outCh, dilation);
  if (inCh === outCh && o.resample === null) return add(x, h);
  const shortcut = meanPool
    ? convMeanPool(p, 'shortcut', x, inCh, outCh, 1)
    : dilation > 1
      ? conv3x3(p, 'shortcut', x, inCh, outCh, dilation)
      : conv2dLayer(p, 'shortcut', x, inCh, outCh, 1);
  return add(shortcut, h);
}
