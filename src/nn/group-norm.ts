/**
 * Group normalisation (Wu & He 2018, eq. 1-3): standardise each group of C/G channels over
 * the channels of the group and the spatial axes, then a per-channel affine map. The
 * standardisation is ONNX InstanceNormalization over [N, G, C/G * H * W] (torch exports
 * GroupNorm the same way). torch.nn.GroupNorm semantics and parameter names (`weight` = 1,
 * `bias` = 0).
 */
import { add, instanceNormalize, mul, reshape, type Value } from '../graph/index.ts';
import { constantInit, zeros } from './init.ts';
import type { ParamScope } from './params.ts';

/** x [N, C, H, W] -> [N, C, H, W] with `groups` groups (eps 1e-6 as in DDPM). */
export function groupNorm(
  scope: ParamScope,
  name: string,
  x: Value,
  channels: number,
  groups: number,
  eps = 1e-6,
): Value {
  if (channels % groups !== 0) {
    throw new Error(`group norm "${name}": ${groups} groups do not divide ${channels} channels`);
  }
  const [n, c, h, w] = x.shape as [string | number, number, number, number];
  if (c !== channels)
    throw new Error(`group norm "${name}": expected ${channels} channels, got ${x.toString()}`);
  const perChannel = [channels, 1, 1];
  const p = scope.child(name);
  const gamma = reshape(p.param('weight', [channels], constantInit(1)), perChannel);
  const beta = reshape(p.param('bias', [channels], zeros), perChannel);
  const grouped = reshape(x, [n, groups, -1]); // [N, G, C/G * H * W]
  const standardized = reshape(instanceNormalize(grouped, eps), [n, c, h, w]); // [N, C, H, W]
  return add(mul(standardized, gamma), beta);
}
