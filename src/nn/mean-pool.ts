/**
 * Downsampling by 2x2 mean pooling after a convolution (`ConvMeanPool` of the NCSN code,
 * after Gulrajani et al. 2017's WGAN-GP ResNets): conv (stride 1, same padding), then the
 * average of each 2x2 block.
 */
import { avgPool2d, type Value } from '../graph/index.ts';
import { conv2dLayer } from './conv2d.ts';
import type { ParamScope } from './params.ts';

/** x [N, inChannels, H, W] -> [N, outChannels, H/2, W/2]; parameters under `<name>.conv`. */
export function convMeanPool(
  scope: ParamScope,
  name: string,
  x: Value,
  inChannels: number,
  outChannels: number,
  kernel: number,
): Value {
  const h = conv2dLayer(scope.child(name), 'conv', x, inChannels, outChannels, kernel, {
    padding: Math.floor(kernel / 2),
  }); // [N, out, H, W]
  return avgPool2d(h, 2); // [N, out, H/2, W/2]
}
