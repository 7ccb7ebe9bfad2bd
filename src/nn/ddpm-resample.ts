/**
 * Up- and downsampling of the DDPM U-Net (Ho et al. 2020, appendix B; `Upsample` and
 * `Downsample` of score_sde): nearest-neighbour x2 then a 3x3 conv; a stride-2 3x3 conv with
 * TensorFlow "SAME" padding (one extra row and column at the end), or 2x2 average pooling.
 */
import { avgPool2d, pad, upsampleNearest, type Value } from '../graph/index.ts';
import { ddpmConv2d } from './ddpm-layers.ts';
import type { ParamScope } from './params.ts';

/** x [N, C, H, W] -> [N, C, 2H, 2W]; parameters `conv` when `withConv`. */
export function ddpmUpsample(
  scope: ParamScope,
  name: string,
  x: Value,
  channels: number,
  withConv: boolean,
): Value {
  const h = upsampleNearest(x, 2);
  return withConv ? ddpmConv2d(scope.child(name), 'conv', h, channels, channels, 3) : h;
}

/** x [N, C, H, W] -> [N, C, H/2, W/2]; parameters `conv` when `withConv`. */
export function ddpmDownsample(
  scope: ParamScope,
  name: string,
  x: Value,
  channels: number,
  withConv: boolean,
): Value {
  if (!withConv) return avgPool2d(x, 2);
  const padded = pad(x, [0, 0, 0, 0, 0, 0, 1, 1]); // [N, C, H+1, W+1]
  return ddpmConv2d(scope.child(name), 'conv', padded, channels, channels, 3, {
    stride: 2,
    padding: 0,
  });
}
