/**
 * The model registry: names, config resolution and validation, parameter counts of the papers'
 * configurations (from the layout alone, no weights), and the in-graph noise-level index.
 */
import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import { buildModel, MODELS } from '../../src/models/registry.ts';
import { nearestLevel } from '../../src/models/sigma-level.ts';
import { vpNegLogAlphaBars, vpTimestep } from '../../src/models/vp-score.ts';
import { run } from '../helpers/run-graph.ts';

const MNIST = { dataShape: [1, 28, 28] };
const CIFAR = { dataShape: [3, 32, 32] };

describe('model registry', () => {
  it('lists the models and rejects unknown and duplicate names, naming the valid ones', () => {
    expect(MODELS.names()).toEqual(['mlp', 'ncsn', 'ncsnv2', 'unet']);
    expect(() => MODELS.get('resnet')).toThrow(/unknown model "resnet".*mlp, ncsn, ncsnv2, unet/);
    expect(() => MODELS.register('mlp', MODELS.get('mlp'))).toThrow(/already registered/);
  });

  it('states each model’s noise conditioning', () => {
    const kinds = MODELS.names().map((n) => [n, MODELS.get(n).conditioning]);
    expect(Object.fromEntries(kinds)).toEqual({
      mlp: 'sigma-input',
      ncsn: 'level-index',
      ncsnv2: 'sigma-division',
      unet: 'vp-time',
    });
  });

  it('fills data-derived fields and keeps user fields', () => {
    const m = buildModel('ncsnv2', { ngf: 32 }, MNIST);
    expect(m.config).toEqual({
      channels: 1,
      imageSize: 28,
      ngf: 32,
      nonlinearity: 'elu',
      centerInput: true,
    });
    const n = buildModel('ncsn', {}, { dataShape: [3, 32, 32], sigmas: [1, 0.1, 0.01] });
    expect((n.config as { sigmas: number[] }).sigmas).toEqual([1, 0.1, 0.01]);
    expect((buildModel('mlp', {}, { dataShape: [2] }).config as { dim: number }).dim).toBe(2);
  });

  it('rejects bad configs with errors naming the model and field', () => {
    expect(() => buildModel('ncsnv2', { ngf: 0 }, MNIST)).toThrow(
      /model "ncsnv2": config field "ngf" must be a positive even integer, got 0/,
    );
    expect(() => buildModel('ncsnv2', { ngff: 64 }, MNIST)).toThrow(
      /unknown config field "ngff"; fields: channels, imageSize, ngf/,
    );
    expect(() => buildModel('ncsnv2', { channels: 3 }, MNIST)).toThrow(
      /config field "channels" is 3 but the data needs 1/,
    );
    expect(() => buildModel('ncsn', { nonlinearity: 'tanh' }, MNIST)).toThrow(
      /"nonlinearity" must be one of elu, relu, swish/,
    );
    expect(() => buildModel('ncsn', { sigmas: [0.1, 1] }, MNIST)).toThrow(/"sigmas" must be/);
    expect(() => buildModel('unet', { numGroups: 3 }, CIFAR)).toThrow(/"numGroups" \(3\)/);
    expect(() => buildModel('unet', {}, MNIST)).toThrow(/"imageSize" \(28\) must be divisible/);
    expect(() => buildModel('ncsnv2', {}, { dataShape: [2] })).toThrow(/needs square images/);
    expect(() => buildModel('mlp', {}, MNIST)).toThrow(/needs vector data/);
    const g = new G.Graph();
    const x = g.input('x', 'float32', [1, 1, 28, 28]);
    expect(() => buildModel('ncsnv2', {}, MNIST).epsilon(null as never, x, x)).toThrow(
      /"ncsnv2" is not a noise predictor/,
    );
  });
});

describe('parameter counts of the papers’ configurations', () => {
  // Reference counts: the reference code itself instantiated with PyTorch (ermongroup/ncsnv2
  // NCSNv2, ermongroup/ncsn CondRefineNetDilated) and the DDPM paper's 35.7M; the same
  // numbers come from test/fixtures/score_nets_reference.py (see torch-reference.test.ts).
  const cases: [string, object, { dataShape: number[] }, number][] = [
    ['ncsnv2', { ngf: 128 }, CIFAR, 29_694_083],
    ['ncsnv2', { ngf: 64 }, MNIST, 7_426_881],
    ['ncsn', { ngf: 128 }, CIFAR, 30_117_635],
    ['ncsn', { ngf: 64 }, MNIST, 7_638_657],
    ['unet', {}, CIFAR, 35_746_307],
  ];
  for (const [name, config, data, count] of cases) {
    it(`${name} ${JSON.stringify(config)} on ${data.dataShape.join('x')}: ${count}`, () => {
      const model = buildModel(name, config, data);
      expect(model.layout().size).toBe(count);
    });
  }

  it('describe() prints the total and per-module counts', () => {
    const text = buildModel('ncsnv2', { ngf: 8 }, { dataShape: [1, 16, 16] }).describe();
    expect(text).toMatch(/^ncsnv2: [\d.]+k parameters \(\d+\)/);
    expect(text).toMatch(/\n {2}begin_conv +80\n/);
    expect(text).toMatch(/refine4/);
  });
});

describe('noise conditioning inside the graph', () => {
  it('nearestLevel maps each level to its index and other sigmas to the nearest (log scale)', async () => {
    const sigmas = [1, 0.1, 0.01];
    const probe = [1, 0.1, 0.01, 5, 0.4, 0.2, 0.03, 0.001];
    const g = new G.Graph();
    const s = g.input('sigma', 'float32', ['N']);
    const out = await run(g, [s], [G.tensor('float32', [probe.length], probe)], {
      i: nearestLevel(s, sigmas),
    });
    expect(out['i']).toEqual([0, 1, 2, 0, 0, 1, 2, 2]);
  });

  it('vpTimestep inverts the DDPM schedule: sigma_t -> t at every step', async () => {
    const vp = { betaMin: 1e-4, betaMax: 0.02, numTimesteps: 1000 };
    const u = vpNegLogAlphaBars(vp);
    const steps = [0, 1, 10, 250, 500, 998, 999];
    const sigma = steps.map((t) => Math.sqrt(Math.expm1(u[t]!)));
    const g = new G.Graph();
    const s = g.input('sigma', 'float32', ['N']);
    const out = await run(g, [s], [G.tensor('float32', [steps.length], sigma)], {
      t: vpTimestep(s, vp),
    });
    out['t']!.forEach((t, i) => expect(t).toBeCloseTo(steps[i]!, 1));
  });
});
