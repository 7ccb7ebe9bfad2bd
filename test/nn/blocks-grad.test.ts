/**
 * Gradient checks of the convolutional building blocks against central finite differences,
 * with respect to the input and every parameter.
 *
 * ONNX Runtime's Conv is float32-only, so these run in float32, where two errors compete:
 * - truncation, O(h^2 f'''): normalisations after convolutions are scale-invariant in the
 *   conv weights, so small weights mean strong curvature. Parameters are spread by +-0.5
 *   around their initial values (which also makes zero-initialised ones matter); a probe of
 *   an RCU weight gave relative errors 2.4e-2, 1.8e-3, 2.2e-4 at h = 1e-2, 3e-3, 1e-3;
 * - float32 rounding of the loss, ~6e-8 |L| / (2h): with |L| ~ 100 and h = 1e-3 about 3e-3
 *   in absolute terms (the harness divides by max(1, |fd|, |analytic|)).
 * Hence h = 1e-3 and a 1e-2 tolerance; a wiring or VJP error shows as an O(1) error. Max
 * pooling is piecewise linear; the fixed seed keeps window maxima apart by more than h.
 */
import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { eluActivation, silu } from '../../src/nn/activations.ts';
import { ddpmDownsample, ddpmUpsample } from '../../src/nn/ddpm-resample.ts';
import { ddpmResnetBlock } from '../../src/nn/ddpm-resnet-block.ts';
import { instanceNormPlus } from '../../src/nn/instance-norm-plus.ts';
import { convMeanPool } from '../../src/nn/mean-pool.ts';
import { ncsnResidualBlock } from '../../src/nn/ncsn-residual-block.ts';
import {
  chainedResidualPooling,
  multiResolutionFusion,
  refineBlock,
  residualConvUnit,
  type RefineOptions,
} from '../../src/nn/refinenet.ts';
import { selfAttention } from '../../src/nn/self-attention.ts';
import { timestepEmbedding } from '../../src/nn/timestep-embedding.ts';
import { randn } from '../helpers/gradcheck.ts';
import { type LayerCheck, layerGradCheck } from '../helpers/layer-check.ts';

const F = 'float32';
const TOL = 1e-2;
const H = 1e-3;
const check = (c: LayerCheck): ReturnType<typeof layerGradCheck> =>
  layerGradCheck({ tol: TOL, h: H, jitter: 0.5, ...c });
const x = (shape: number[], seed: number): G.TensorData => randn(F, shape, seed);
const norm = instanceNormPlus;
const ncsnOpts = { act: eluActivation, norm };
const refine: RefineOptions = { act: eluActivation, norm, pool: 'avg' };

describe('NCSN residual blocks', () => {
  for (const [label, resample, dilation, inCh, outCh] of [
    ['plain, same width', null, 1, 4, 4],
    ['plain, wider (1x1 shortcut)', null, 1, 3, 4],
    ['down by mean pooling', 'down', 1, 3, 4],
    ['down, dilated 2 (keeps the size)', 'down', 2, 3, 4],
  ] as const) {
    it(label, async () => {
      await check({
        inputs: [x([2, inCh, 6, 6], 1)],
        build: (s, [h]) =>
          ncsnResidualBlock(s, 'b', h!, inCh, outCh, { ...ncsnOpts, resample, dilation }),
      });
    });
  }

  it('conv + 2x2 mean pooling', async () => {
    await check({
      inputs: [x([2, 3, 4, 4], 2)],
      build: (s, [h]) => convMeanPool(s, 'c', h!, 3, 2, 3),
    });
  });
});

describe('RefineNet blocks', () => {
  it('residual conv unit with norms', async () => {
    await check({
      inputs: [x([2, 3, 4, 4], 3)],
      build: (s, [h]) => residualConvUnit(s, 'rcu', h!, 3, 2, 2, refine),
    });
  });

  it('multi-resolution fusion (bilinear upsampling, align corners)', async () => {
    await check({
      inputs: [x([2, 2, 6, 6], 4), x([2, 3, 3, 3], 5)],
      build: (s, [a, b]) => multiResolutionFusion(s, 'msf', [a!, b!], [2, 3], 3, [6, 6], refine),
    });
  });

  it('chained residual pooling, average pooling with norms (NCSN)', async () => {
    await check({
      inputs: [x([2, 3, 5, 5], 6)],
      build: (s, [h]) => chainedResidualPooling(s, 'crp', h!, 3, 2, refine),
    });
  });

  it('chained residual pooling, max pooling (NCSNv2)', async () => {
    await check({
      inputs: [x([1, 2, 4, 4], 7)],
      build: (s, [h]) =>
        chainedResidualPooling(s, 'crp', h!, 2, 2, { act: eluActivation, norm: null, pool: 'max' }),
    });
  });

  // Without norms (NCSNv2's form): with them, this many stacked normalisations leave no step
  // h where both truncation and rounding stay under 1e-2; their blocks are checked above.
  it('refine block with two inputs', async () => {
    await check({
      inputs: [x([1, 3, 4, 4], 8), x([1, 3, 2, 2], 9)],
      build: (s, [a, b]) =>
        refineBlock(s, 'r', [a!, b!], [3, 3], 3, [4, 4], { ...refine, norm: null }),
    });
  });
});

describe('DDPM U-Net blocks', () => {
  it('ResNet block with a time embedding and a NIN shortcut', async () => {
    await check({
      inputs: [x([2, 4, 4, 4], 10), x([2, 8], 11)],
      build: (s, [h, temb]) =>
        ddpmResnetBlock(s, 'b', h!, temb!, 4, 6, { act: silu, groups: 2, tembDim: 8 }),
    });
  });

  it('self-attention', async () => {
    await check({
      inputs: [x([2, 4, 3, 3], 12)],
      build: (s, [h]) => selfAttention(s, 'attn', h!, 4, 2),
    });
  });

  it('upsampling and downsampling with convolutions', async () => {
    await check({
      inputs: [x([2, 3, 4, 4], 13)],
      build: (s, [h]) => ddpmDownsample(s, 'down', ddpmUpsample(s, 'up', h!, 3, true), 3, true),
    });
  });

  it('sinusoidal time embedding (gradient with respect to t)', async () => {
    const r = await check({
      h: 1e-3,
      inputs: [G.tensor(F, [3], [0.5, 3.2, 7.9])],
      build: (_s, [t]) => timestepEmbedding(t!, 8),
    });
    expect(r.checks).toBe(3);
  });
});
