/**
 * The dilated RefineNet score network shared by NCSN (Song & Ermon 2019, appendix A.1,
 * `CondRefineNetDilated`) and NCSNv2 (Song & Ermon 2020, `NCSNv2`): a 3x3 input conv, four
 * stages of two residual blocks (ngf, 2 ngf at half resolution, then dilation 2 and 4 instead
 * of further downsampling), four refine blocks back to full resolution, norm -> act -> 3x3
 * output conv. The variants differ only in their normalisation and pooling, passed in here.
 */
import { mul, sub, type Value } from '../graph/index.ts';
import type { Activation } from '../nn/activations.ts';
import { conv2dLayer } from '../nn/conv2d.ts';
import { ncsnResidualBlock, type Norm2d } from '../nn/ncsn-residual-block.ts';
import type { ParamScope } from '../nn/params.ts';
import { refineBlock } from '../nn/refinenet.ts';

export interface RefineNetVariant {
  readonly channels: number;
  readonly ngf: number;
  readonly act: Activation;
  /** Normalisation of the residual blocks and of the output. */
  readonly norm: Norm2d;
  /** Normalisation inside the refine blocks (NCSN v1), or null (NCSNv2). */
  readonly refineNorm: Norm2d | null;
  readonly pool: 'max' | 'avg';
  /** Map inputs from [0, 1] to [-1, 1] first (the reference's default, `2 x - 1`). */
  readonly centerInput: boolean;
}

interface Stage {
  readonly name: string;
  readonly outMult: number;
  readonly resample: 'down' | null;
  readonly dilation: number;
}

// Each stage: a first block (which may change width or resolution) and a second block.
const STAGES: readonly Stage[] = [
  { name: 'res1', outMult: 1, resample: null, dilation: 1 },
  { name: 'res2', outMult: 2, resample: 'down', dilation: 1 },
  { name: 'res3', outMult: 2, resample: 'down', dilation: 2 },
  { name: 'res4', outMult: 2, resample: 'down', dilation: 4 },
];

const spatial = (v: Value): [number, number] => [v.shape[2] as number, v.shape[3] as number];

/** x [N, C, H, W] -> [N, C, H, W] (H, W even). */
export function refineNetDilated(scope: ParamScope, v: RefineNetVariant, x: Value): Value {
  const { ngf, act } = v;
  const h0 = v.centerInput ? sub(mul(x, 2), 1) : x;
  let h = conv2dLayer(scope, 'begin_conv', h0, v.channels, ngf, 3, { padding: 1 }); // [N, ngf, H, W]
  const layers: Value[] = [];
  let width = ngf;
  for (const s of STAGES) {
    const out = s.outMult * ngf;
    const block = { act, norm: v.norm, dilation: s.dilation };
    const stage = scope.child(s.name);
    h = ncsnResidualBlock(stage, '0', h, width, out, { ...block, resample: s.resample });
    h = ncsnResidualBlock(stage, '1', h, out, out, { ...block, resample: null });
    layers.push(h); // layer1 [N, ngf, H, W], layer2..4 [N, 2 ngf, H/2, W/2]
    width = out;
  }
  const [l1, l2, l3, l4] = layers as [Value, Value, Value, Value];
  const o = { act, norm: v.refineNorm, pool: v.pool };
  const c2 = 2 * ngf;
  let r = refineBlock(scope, 'refine1', [l4], [c2], c2, spatial(l4), { ...o, start: true });
  r = refineBlock(scope, 'refine2', [l3, r], [c2, c2], c2, spatial(l3), o);
  r = refineBlock(scope, 'refine3', [l2, r], [c2, c2], ngf, spatial(l2), o);
  r = refineBlock(scope, 'refine4', [l1, r], [ngf, ngf], ngf, spatial(l1), { ...o, end: true });
  const out = act(v.norm(scope, 'normalizer', r, ngf));
  return conv2dLayer(scope, 'end_conv', out, ngf, v.channels, 3, { padding: 1 }); // [N, C, H, W]
}
