/** The `als` sampler entry: annealed Langevin dynamics with the NCSN settings. */
import { annealedLangevin } from '../annealed-langevin.ts';
import { PlanSettings } from '../plan-settings.ts';
import type { SamplerEntry, SamplerPlan } from '../sampler-plan.ts';

/** The plan of annealed Langevin dynamics over `sigmas`, T steps per level, step size eps. */
export function annealedLangevinPlan(
  s: PlanSettings,
  sigmas: Float64Array,
  T: number,
  eps: number,
): SamplerPlan {
  const denoise = s.inp.denoise;
  const steps = sigmas.length * T + s.finalDenoise();
  return s.plan(steps, sigmas[0]!, (score, init, rng, callback) =>
    annealedLangevin(score, init, sigmas, { stepsPerScale: T, eps, denoise, callback }, rng),
  );
}

/** Annealed Langevin dynamics, Song & Ermon 2019 (NCSN) defaults. */
export const als: SamplerEntry = {
  name: 'als',
  summary: 'annealed Langevin dynamics, NCSN settings (Song & Ermon 2019)',
  plan(inp) {
    const s = new PlanSettings('als', inp);
    const sigmas = s.levels();
    const T = s.pick('stepsPerScale', 'T', 100, 'NCSN default');
    const eps = s.pick('eps', 'eps', 2e-5, 'NCSN default, our a s + sqrt(2a) z convention');
    return annealedLangevinPlan(s, sigmas, T, eps);
  },
};
