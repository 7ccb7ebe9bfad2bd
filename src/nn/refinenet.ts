/**
 * RefineNet building blocks (Lin et al. 2017, section 3.1, figure 3) as used by NCSN
 * (conditional: a normalisation before each convolution, average pooling) and NCSNv2
 * (unconditional: no normalisation, max pooling): residual conv units (RCU), multi-resolution
 * fusion (MSF), chained residual pooling (CRP) and the refine block that chains them.
 * Parameter names follow ermongroup/ncsn and ermongroup/ncsnv2.
 */
import { add, avgPool2d, maxPool2d, upsampleBilinear, type Value } from '../graph/index.ts';
import type { Activation } from './activations.ts';
import { conv2dLayer } from './conv2d.ts';
import type { Norm2d } from './ncsn-residual-block.ts';
import type { ParamScope } from './params.ts';

export interface RefineOptions {
  readonly act: Activation;
  /** Normalisation before every convolution (NCSN v1), or null (NCSNv2). */
  readonly norm: Norm2d | null;
  /** Pooling of the chained residual pooling: 'max' (NCSNv2) or 'avg' (NCSN v1). */
  readonly pool: 'max' | 'avg';
}

const normed = (o: RefineOptions, p: ParamScope, name: string, x: Value, c: number): Value =>
  o.norm ? o.norm(p, name, x, c) : x;

/** 3x3 convolution, stride 1, padding 1. */
function conv3x3(
  p: ParamScope,
  name: string,
  x: Value,
  inCh: number,
  outCh: number,
  bias: boolean,
): Value {
  return conv2dLayer(p, name, x, inCh, outCh, 3, { padding: 1, bias });
}

/**
 * Residual conv units: `blocks` times x <- x + (norm -> act -> conv) applied `stages` times.
 * x [N, C, H, W] -> [N, C, H, W]; parameters `<i>_<j>_conv` (and `<i>_<j>_norm`), 1-based.
 */
export function residualConvUnit(
  scope: ParamScope,
  name: string,
  x: Value,
  features: number,
  blocks: number,
  stages: number,
  o: RefineOptions,
): Value {
  const p = scope.child(name);
  let out = x;
  for (let i = 1; i <= blocks; i++) {
    let h = out;
    for (let j = 1; j <= stages; j++) {
      h = o.act(normed(o, p, `${i}_${j}_norm`, h, features));
      h = conv3x3(p, `${i}_${j}_conv`, h, features, features, false);
    }
    out = add(h, out);
  }
  return out;
}

/** Bilinear resize (align_corners, as F.interpolate in the reference) to `size` [H, W]. */
function resizeTo(x: Value, size: readonly [number, number]): Value {
  const [h, w] = [x.shape[2] as number, x.shape[3] as number];
  if (h === size[0] && w === size[1]) return x;
  return upsampleBilinear(x, [size[0] / h, size[1] / w], true);
}

/**
 * Multi-resolution fusion: each input -> (norm) -> 3x3 conv to `features` -> bilinear
 * upsampling to `size`, summed. Returns [N, features, size[0], size[1]].
 */
export function multiResolutionFusion(
  scope: ParamScope,
  name: string,
  xs: readonly Value[],
  inPlanes: readonly number[],
  features: number,
  size: readonly [number, number],
  o: RefineOptions,
): Value {
  const p = scope.child(name);
  const parts = xs.map((x, i) => {
    const h = normed(o, p.child('norms'), `${i}`, x, inPlanes[i]!);
    return resizeTo(conv3x3(p.child('convs'), `${i}`, h, inPlanes[i]!, features, true), size);
  });
  return parts.reduce((a, b) => add(a, b));
}

/**
 * Chained residual pooling: x <- act(x); path <- x; `stages` times: path <- conv(pool5x5(
 * norm(path))), x <- x + path. x [N, C, H, W] -> [N, C, H, W].
 */
export function chainedResidualPooling(
  scope: ParamScope,
  name: string,
  x: Value,
  features: number,
  stages: number,
  o: RefineOptions,
): Value {
  const p = scope.child(name);
  let out = o.act(x);
  let path = out;
  for (let i = 0; i < stages; i++) {
    path = normed(o, p.child('norms'), `${i}`, path, features);
    path =
      o.pool === 'max'
        ? maxPool2d(path, 5, { stride: 1, padding: 2 })
        : avgPool2d(path, 5, { stride: 1, padding: 2, countIncludePad: true });
    path = conv3x3(p.child('convs'), `${i}`, path, features, features, false);
    out = add(path, out);
  }
  return out;
}

export interface RefineBlockOptions extends RefineOptions {
  /** The first refine block (one input, no fusion). */
  readonly start?: boolean;
  /** The last refine block (three output RCUs instead of one). */
  readonly end?: boolean;
}

/**
 * A refine block: an RCU pair per input (`adapt_convs`), fusion to the first input's
 * resolution `size` (`msf`), chained residual pooling (`crp`), output RCUs (`output_convs`).
 * Returns [N, features, size[0], size[1]].
 */
export function refineBlock(
  scope: ParamScope,
  name: string,
  xs: readonly Value[],
  inPlanes: readonly number[],
  features: number,
  size: readonly [number, number],
  o: RefineBlockOptions,
): Value {
  const p = scope.child(name);
  const adapt = p.child('adapt_convs');
  const hs = xs.map((x, i) => residualConvUnit(adapt, `${i}`, x, inPlanes[i]!, 2, 2, o));
  const fused =
    hs.length > 1 ? multiResolutionFusion(p, 'msf', hs, inPlanes, features, size, o) : hs[0]!;
  const pooled = chainedResidualPooling(p, 'crp', fused, features, 2, o);
  return residualConvUnit(p, 'output_convs', pooled, features, o.end ? 3 : 1, 2, o);
}
