/**
 * The sampler registry (architecture.md: typed maps that throw on an unknown name, listing the
 * valid ones). Each entry turns what the user and the model file give into a plan: every
 * setting with where it came from, the cost, the initial distribution and the run itself.
 * Missing values fall back to the file's scorekit.sigmas, then to the papers' defaults; when
 * neither exists the error names the flag to pass.
 */
import type { Rng } from '../rng/rng.ts';
import { karrasSigmas } from '../score/karras-sigmas.ts';
import { ncsnv2NumScales, ncsnv2Ratio, ncsnv2StepSize } from '../score/ncsnv2-rules.ts';
import { refineSigmas } from '../score/refine-sigmas.ts';
import { geometricSigmas } from '../score/schedule.ts';
import type { ScoreFn } from '../score/score-fn.ts';
import { linearVpSchedule } from '../score/vp.ts';
import { annealedLangevin } from './annealed-langevin.ts';
import { consistentAnnealed } from './consistent-annealed.ts';
import { ddpm } from './ddpm.ts';
import { langevin } from './langevin.ts';
import { predictorCorrector } from './predictor-corrector.ts';
import { probabilityFlow, probabilityFlowEvaluations } from './probability-flow.ts';
import { probabilityFlowRk45 } from './probability-flow-rk45.ts';
import type { SampleBatch, StepCallback } from './sampler-step.ts';

/** What the user (flags) and the model file provide; undefined = not given. */
export interface SamplerInputs {
  readonly sigmaMax?: number;
  readonly sigmaMin?: number;
  readonly numScales?: number;
  readonly stepsPerScale?: number;
  readonly eps?: number;
  readonly snr?: number;
  /** Karras-grid Heun steps, or 'adaptive' for RK45. */
  readonly odeSteps?: number | 'adaptive';
  readonly denoise: boolean;
  /** scorekit.sigmas of the model file. */
  readonly fileSigmas?: readonly number[];
  /** Data dimension D (product of the sample shape). */
  readonly dataDim: number;
}

/** A resolved sampler: settings with reasons, cost, and how to run one batch. */
export interface SamplerPlan {
  readonly name: string;
  /** One line per setting: "name = value (where it came from)". */
  readonly settings: readonly string[];
  /** Steps reported per batch (an estimate for adaptive RK45). */
  readonly stepsPerBatch: number;
  /** Network evaluations per sample (an estimate for adaptive RK45). */
  readonly evaluationsPerSample: number;
  /** Standard deviation of the Gaussian initial x. */
  readonly initialStd: number;
  run(score: ScoreFn, init: SampleBatch, rng: Rng, callback?: StepCallback): Promise<Float32Array>;
}

/** A registry entry. */
export interface SamplerEntry {
  readonly name: string;
  readonly summary: string;
  plan(inputs: SamplerInputs): SamplerPlan;
}

/** A setting the plan could not find; the message names the flag. */
export class MissingSettingError extends Error {
  override name = 'MissingSettingError';
  constructor(sampler: string, flag: string, what: string) {
    super(
      `sampler ${sampler} needs ${what}: pass --${flag} (the model file has no scorekit.sigmas metadata to take it from)`,
    );
  }
}

const fmt = (v: number): string => Number(v.toPrecision(4)).toString();

/** The levels: flags, else the file's scorekit.sigmas, else an error naming the flag. */
function resolveLevels(
  sampler: string,
  inp: SamplerInputs,
  settings: string[],
  defaultCount?: { value: number; reason: string },
): Float64Array {
  const file = inp.fileSigmas;
  const anyFlag =
    inp.sigmaMax !== undefined || inp.sigmaMin !== undefined || inp.numScales !== undefined;
  if (file && !anyFlag && !defaultCount) {
    settings.push(
      `sigmas = ${fmt(file[0]!)} .. ${fmt(file[file.length - 1]!)}, ${file.length} levels (scorekit.sigmas of the file)`,
    );
    return Float64Array.from(file);
  }
  const sigmaMax = endpoint(
    sampler,
    inp.sigmaMax,
    file?.[0],
    'sigma-max',
    'the largest noise level',
    settings,
    'sigma_1',
  );
  const sigmaMin = endpoint(
    sampler,
    inp.sigmaMin,
    file?.[file.length - 1],
    'sigma-min',
    'the smallest noise level',
    settings,
    'sigma_L',
  );
  const L = inp.numScales ?? defaultCount?.value ?? file?.length;
  if (L === undefined)
    throw new MissingSettingError(sampler, 'num-scales', 'the number of noise levels');
  const why =
    inp.numScales !== undefined
      ? '--num-scales'
      : (defaultCount?.reason ?? 'scorekit.sigmas of the file');
  settings.push(`L = ${L} (${why})`);
  return geometricSigmas(sigmaMax, sigmaMin, L);
}

function endpoint(
  sampler: string,
  flag: number | undefined,
  fromFile: number | undefined,
  flagName: string,
  what: string,
  settings: string[],
  label: string,
): number {
  const v = flag ?? fromFile;
  if (v === undefined) throw new MissingSettingError(sampler, flagName, what);
  settings.push(
    `${label} = ${fmt(v)} (${flag !== undefined ? `--${flagName}` : 'scorekit.sigmas of the file'})`,
  );
  return v;
}

/** A value from its flag or a default, recorded in `settings`. */
function pick(
  flag: number | undefined,
  flagName: string,
  label: string,
  dflt: number,
  why: string,
  settings: string[],
): number {
  const v = flag ?? dflt;
  settings.push(`${label} = ${fmt(v)} (${flag !== undefined ? `--${flagName}` : why})`);
  return v;
}

function denoiseNote(inp: SamplerInputs, settings: string[]): void {
  settings.push(`final denoising ${inp.denoise ? 'on (Tweedie, NCSNv2)' : 'off (--no-denoise)'}`);
}

const als: SamplerEntry = {
  name: 'als',
  summary: 'annealed Langevin dynamics, NCSN settings (Song & Ermon 2019)',
  plan(inp) {
    const settings: string[] = [];
    const sigmas = resolveLevels('als', inp, settings);
    const T = pick(inp.stepsPerScale, 'steps-per-scale', 'T', 100, 'NCSN default', settings);
    const eps = pick(
      inp.eps,
      'eps',
      'eps',
      2e-5,
      'NCSN default, our a s + sqrt(2a) z convention',
      settings,
    );
    denoiseNote(inp, settings);
    const steps = sigmas.length * T + (inp.denoise ? 1 : 0);
    return {
      name: 'als',
      settings,
      stepsPerBatch: steps,
      evaluationsPerSample: steps,
      initialStd: sigmas[0]!,
      run: (score, init, rng, callback) =>
        annealedLangevin(
          score,
          init,
          sigmas,
          { stepsPerScale: T, eps, denoise: inp.denoise, callback },
          rng,
        ),
    };
  },
};

const ncsnv2: SamplerEntry = {
  name: 'ncsnv2',
  summary: 'annealed Langevin with the NCSNv2 rules for L and eps (Song & Ermon 2020)',
  plan(inp) {
    const settings: string[] = [];
    let sigmas: Float64Array;
    if (inp.numScales === undefined && inp.dataDim >= 5) {
      const file = inp.fileSigmas;
      const sigmaMax = endpoint(
        'ncsnv2',
        inp.sigmaMax,
        file?.[0],
        'sigma-max',
        'the largest noise level',
        settings,
        'sigma_1',
      );
      const sigmaMin = endpoint(
        'ncsnv2',
        inp.sigmaMin,
        file?.[file.length - 1],
        'sigma-min',
        'the smallest noise level',
        settings,
        'sigma_L',
      );
      const gamma = ncsnv2Ratio(inp.dataDim);
      const L = ncsnv2NumScales(sigmaMax, sigmaMin, gamma.value);
      settings.push(
        `gamma = ${gamma.value.toFixed(4)} (${gamma.reason})`,
        `L = ${L.value} (${L.reason})`,
      );
      sigmas = geometricSigmas(sigmaMax, sigmaMin, L.value);
    } else {
      if (inp.numScales === undefined)
        settings.push(
          `technique 2 needs D >= 5 (D = ${inp.dataDim}); levels from the file or flags`,
        );
      sigmas = resolveLevels('ncsnv2', inp, settings);
    }
    const T = pick(inp.stepsPerScale, 'steps-per-scale', 'T', 5, 'NCSNv2 default', settings);
    let eps = inp.eps;
    if (eps === undefined) {
      const L = sigmas.length;
      const gamma = L > 1 ? (sigmas[0]! / sigmas[L - 1]!) ** (1 / (L - 1)) : 1.01;
      const rule = ncsnv2StepSize(T, gamma, sigmas[L - 1]!);
      eps = rule.value;
      settings.push(`eps = ${fmt(eps)} (${rule.reason})`);
    } else settings.push(`eps = ${fmt(eps)} (--eps)`);
    denoiseNote(inp, settings);
    const steps = sigmas.length * T + (inp.denoise ? 1 : 0);
    const e = eps;
    return {
      name: 'ncsnv2',
      settings,
      stepsPerBatch: steps,
      evaluationsPerSample: steps,
      initialStd: sigmas[0]!,
      run: (score, init, rng, callback) =>
        annealedLangevin(
          score,
          init,
          sigmas,
          { stepsPerScale: T, eps: e, denoise: inp.denoise, callback },
          rng,
        ),
    };
  },
};

const cas: SamplerEntry = {
  name: 'cas',
  summary: 'consistent annealed sampling (Jolicoeur-Martineau et al. 2020)',
  plan(inp) {
    const settings: string[] = [];
    let sigmas = resolveLevels('cas', inp, settings);
    if (inp.numScales === undefined && sigmas.length < 100) {
      const n = Math.ceil(99 / Math.max(sigmas.length - 1, 1));
      sigmas = refineSigmas(sigmas, n);
      settings.push(
        `refined ${n}-fold geometrically to ${sigmas.length} levels (CAS needs closely spaced levels; --num-scales to override)`,
      );
    }
    let gammaMin = 1;
    for (let i = 0; i + 1 < sigmas.length; i++)
      gammaMin = Math.min(gammaMin, sigmas[i + 1]! / sigmas[i]!);
    const sigmaL2 = sigmas[sigmas.length - 1]! ** 2;
    const eps = pick(
      inp.eps,
      'eps',
      'eps',
      Math.min(2 * (1 - gammaMin), 1) * sigmaL2,
      `eta = eps / sigma_L^2 = 2 (1 - gamma), inside the valid (1 - gamma, 1 + gamma), small for little bias`,
      settings,
    );
    denoiseNote(inp, settings);
    const steps = sigmas.length + (inp.denoise ? 1 : 0);
    return {
      name: 'cas',
      settings,
      stepsPerBatch: steps,
      evaluationsPerSample: steps,
      initialStd: sigmas[0]!,
      run: (score, init, rng, callback) =>
        consistentAnnealed(score, init, sigmas, { eps, denoise: inp.denoise, callback }, rng),
    };
  },
};

const pc: SamplerEntry = {
  name: 'pc',
  summary: 'predictor-corrector: reverse diffusion + Langevin corrector (Song et al. 2021)',
  plan(inp) {
    const settings: string[] = [];
    const sigmas = resolveLevels('pc', inp, settings, {
      value: 1000,
      reason: 'Song et al. 2021 VE default, geometric',
    });
    const snr = pick(inp.snr, 'snr', 'snr', 0.16, 'Song et al. 2021, CIFAR-10 VE', settings);
    const C = pick(
      inp.stepsPerScale,
      'steps-per-scale',
      'corrector steps',
      1,
      'Song et al. 2021',
      settings,
    );
    denoiseNote(inp, settings);
    const steps = sigmas.length * (C + 1) - 1 + (inp.denoise ? 1 : 0);
    return {
      name: 'pc',
      settings,
      stepsPerBatch: steps,
      evaluationsPerSample: steps,
      initialStd: sigmas[0]!,
      run: (score, init, rng, callback) =>
        predictorCorrector(
          score,
          init,
          sigmas,
          { snr, correctorSteps: C, denoise: inp.denoise, callback },
          rng,
        ),
    };
  },
};

const ode: SamplerEntry = {
  name: 'ode',
  summary:
    'probability-flow ODE: Heun on Karras sigmas, or adaptive RK45 (Song et al. 2021; Karras et al. 2022)',
  plan(inp) {
    const settings: string[] = [];
    const file = inp.fileSigmas;
    const sigmaMax = endpoint(
      'ode',
      inp.sigmaMax,
      file?.[0],
      'sigma-max',
      'the largest noise level',
      settings,
      'sigma_max',
    );
    const sigmaMin = endpoint(
      'ode',
      inp.sigmaMin,
      file?.[file.length - 1],
      'sigma-min',
      'the smallest noise level',
      settings,
      'sigma_min',
    );
    denoiseNote(inp, settings);
    if (inp.odeSteps === 'adaptive') {
      settings.push('solver = RK45 (Dormand-Prince), rtol = atol = 1e-5 (--ode-steps adaptive)');
      return {
        name: 'ode',
        settings,
        stepsPerBatch: 40,
        evaluationsPerSample: NaN,
        initialStd: sigmaMax,
        run: async (score, init, _rng, callback) =>
          (
            await probabilityFlowRk45(
              score,
              init,
              { sigmaMax, sigmaMin },
              { denoise: inp.denoise, callback },
            )
          ).x,
      };
    }
    const n = inp.odeSteps ?? 18;
    settings.push(
      `solver = Heun on ${n} Karras sigmas, rho = 7 (${inp.odeSteps !== undefined ? '--ode-steps' : 'Karras et al. 2022 default'})`,
    );
    const sigmas = karrasSigmas(sigmaMax, sigmaMin, n);
    const evals = probabilityFlowEvaluations(n, 'heun', inp.denoise);
    return {
      name: 'ode',
      settings,
      stepsPerBatch: n - 1 + (inp.denoise ? 1 : 0),
      evaluationsPerSample: evals,
      initialStd: sigmaMax,
      run: (score, init, _rng, callback) =>
        probabilityFlow(score, init, sigmas, { solver: 'heun', denoise: inp.denoise, callback }),
    };
  },
};

const ddpmEntry: SamplerEntry = {
  name: 'ddpm',
  summary: 'DDPM ancestral sampling through the VP wrapper (Ho et al. 2020)',
  plan(inp) {
    const settings: string[] = [];
    const T = pick(inp.numScales, 'num-scales', 'T', 1000, 'Ho et al. 2020', settings);
    const schedule = linearVpSchedule(T);
    settings.push(
      `betas linear 1e-4 .. 0.02 (Ho et al. 2020); VE sigmas ${fmt(schedule.sigmas[T - 1]!)} .. ${fmt(schedule.sigmas[0]!)}`,
    );
    if (inp.sigmaMax !== undefined || inp.sigmaMin !== undefined)
      settings.push('--sigma-max / --sigma-min are not used by ddpm');
    settings.push(
      `last step ${inp.denoise ? 'without noise (Ho et al.)' : 'with noise (--no-denoise)'}`,
    );
    return {
      name: 'ddpm',
      settings,
      stepsPerBatch: T,
      evaluationsPerSample: T,
      initialStd: 1,
      run: (score, init, rng, callback) =>
        ddpm(score, init, schedule, { denoise: inp.denoise, callback }, rng),
    };
  },
};

const langevinEntry: SamplerEntry = {
  name: 'langevin',
  summary: 'plain Langevin dynamics at the smallest noise level (no annealing)',
  plan(inp) {
    const settings: string[] = [];
    const file = inp.fileSigmas;
    const sigmaMax = endpoint(
      'langevin',
      inp.sigmaMax,
      file?.[0],
      'sigma-max',
      'the spread of the initial x',
      settings,
      'initial std',
    );
    const sigma = endpoint(
      'langevin',
      inp.sigmaMin,
      file?.[file.length - 1],
      'sigma-min',
      'the noise level',
      settings,
      'sigma',
    );
    const T = pick(inp.stepsPerScale, 'steps-per-scale', 'steps', 1000, 'default', settings);
    const a = pick(
      inp.eps,
      'eps',
      'step size a',
      2e-5,
      'ALS default at the smallest level',
      settings,
    );
    return {
      name: 'langevin',
      settings,
      stepsPerBatch: T,
      evaluationsPerSample: T,
      initialStd: sigmaMax,
      run: (score, init, rng, callback) =>
        langevin(score, init, sigma, { stepSize: a, steps: T, callback }, rng),
    };
  },
};

/** Every sampler by name. */
export const SAMPLERS: ReadonlyMap<string, SamplerEntry> = new Map(
  [als, ncsnv2, cas, pc, ode, ddpmEntry, langevinEntry].map((e) => [e.name, e]),
);

/** The registry entry `name`; throws listing the valid names. */
export function samplerEntry(name: string): SamplerEntry {
  const e = SAMPLERS.get(name);
  if (!e)
    throw new Error(`unknown sampler "${name}" (samplers: ${[...SAMPLERS.keys()].join(', ')})`);
  return e;
}
