/** 2-D convolution layer (torch.nn.Conv2d semantics and initialisation). */
import { conv2d, type ConvOptions, type Value } from '../graph/index.ts';
import { fanInUniform } from './init.ts';
import type { ParamScope } from './params.ts';

export interface Conv2dLayerOptions extends ConvOptions {
  readonly bias?: boolean;
}

/** x [N, inChannels, H, W] -> [N, outChannels, H', W'] with a `kernel` x `kernel` filter. */
export function conv2dLayer(
  scope: ParamScope,
  name: string,
  x: Value,
  inChannels: number,
  outChannels: number,
  kernel: number,
  opts: Conv2dLayerOptions = {},
): Value {
  const groups = opts.groups ?? 1;
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new Error(
      `conv2d layer "${name}": groups ${groups} must divide ${inChannels} and ${outChannels}`,
    );
  }
  const fanIn = (inChannels / groups) * kernel * kernel;
  const p = scope.child(name);
  const w = p.param(
    'weight',
    [outChannels, inChannels / groups, kernel, kernel],
    fanInUniform(fanIn),
  );
  const b = opts.bias === false ? null : p.param('bias', [outChannels], fanInUniform(fanIn));
  return conv2d(x, w, b, opts);
}
