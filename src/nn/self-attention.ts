/**
 * Spatial self-attention block of the DDPM U-Net (Ho et al. 2020, appendix B, after Wang et
 * al. 2018's non-local block; `AttnBlock` of hojonathanho/diffusion and score_sde):
 * h = GroupNorm(x); q, k, v = NIN(h); w = softmax(q^T k / sqrt(C)) over the H*W keys;
 * x + NIN(v w^T), the last NIN initialised at scale 0 so the block starts as the identity.
 */
import { matmul, mul, reshape, transpose, type Value, add } from '../graph/index.ts';
import { nin } from './ddpm-layers.ts';
import { groupNorm } from './group-norm.ts';
import type { ParamScope } from './params.ts';
import { softmax } from './softmax.ts';

/** x [N, C, H, W] -> [N, C, H, W]; parameters norm, q, k, v, proj_out (the reference's names). */
export function selfAttention(
  scope: ParamScope,
  name: string,
  x: Value,
  channels: number,
  groups: number,
): Value {
  const p = scope.child(name);
  const [n, c, hh, ww] = x.shape as [string | number, number, number, number];
  const h = groupNorm(p, 'norm', x, channels, groups);
  const flat = (v: Value): Value => reshape(v, [n, c, hh * ww]); // [N, C, HW]
  const q = flat(nin(p, 'q', h, channels, channels));
  const k = flat(nin(p, 'k', h, channels, channels));
  const v = flat(nin(p, 'v', h, channels, channels));
  const logits = mul(matmul(transpose(q, [0, 2, 1]), k), channels ** -0.5); // [N, HW(q), HW(k)]
  const w = softmax(logits, 2);
  const attended = matmul(v, transpose(w, [0, 2, 1])); // [N, C, HW(q)]
  const out = nin(p, 'proj_out', reshape(attended, [n, c, hh, ww]), channels, channels, 0);
  return add(x, out);
}
