/**
 * Residual block of the DDPM U-Net (Ho et al. 2020, appendix B; `ResnetBlockDDPM` of
 * score_sde, after Zagoruyko & Komodakis 2016's wide ResNet): GroupNorm -> act -> conv, plus a
 * dense projection of the time embedding as a per-channel bias, GroupNorm -> act -> conv
 * (initialised at scale 0), and a NIN shortcut when the width changes. Dropout is omitted
 * (the graph is deterministic).
 */
import { add, unsqueeze, type Value } from '../graph/index.ts';
import type { Activation } from './activations.ts';
import { ddpmConv2d, ddpmDense, nin } from './ddpm-layers.ts';
import { groupNorm } from './group-norm.ts';
import type { ParamScope } from './params.ts';

export interface DdpmResnetBlockOptions {
  readonly act: Activation;
  /** Number of groups of the group norms. */
  readonly groups: number;
  /** Width of the time embedding `temb`. */
  readonly tembDim: number;
}

/** x [N, inCh, H, W], temb [N, tembDim] -> [N, outCh, H, W]. */
export function ddpmResnetBlock(
  scope: ParamScope,
  name: string,
  x: Value,
  temb: Value,
  inCh: number,
  outCh: number,
  o: DdpmResnetBlockOptions,
): Value {
  const p = scope.child(name);
  let h = o.act(groupNorm(p, 'norm1', x, inCh, o.groups));
  h = ddpmConv2d(p, 'conv1', h, inCh, outCh, 3);
  const bias = ddpmDense(p, 'temb_proj', o.act(temb), o.tembDim, outCh); // [N, outCh]
  h = add(h, unsqueeze(bias, [2, 3]));
  h = o.act(groupNorm(p, 'norm2', h, outCh, o.groups));
  h = ddpmConv2d(p, 'conv2', h, outCh, outCh, 3, { initScale: 0 });
  const shortcut = inCh === outCh ? x : nin(p, 'nin_shortcut', x, inCh, outCh);
  return add(shortcut, h);
}
