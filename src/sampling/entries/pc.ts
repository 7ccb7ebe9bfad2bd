/** The `pc` sampler entry: predictor-corrector sampling of the VE SDE. */
import { PlanSettings } from '../plan-settings.ts';
import { predictorCorrector } from '../predictor-corrector.ts';
import type { SamplerEntry } from '../sampler-plan.ts';

/** Reverse diffusion predictor + Langevin corrector (Song et al. 2021, algorithm 2). */
export const pc: SamplerEntry = {
  name: 'pc',
  summary: 'predictor-corrector: reverse diffusion + Langevin corrector (Song et al. 2021)',
  plan(inp) {
    const s = new PlanSettings('pc', inp);
    const sigmas = s.levels({ value: 1000, reason: 'Song et al. 2021 VE default, geometric' });
    const snr = s.pick('snr', 'snr', 0.16, 'Song et al. 2021, CIFAR-10 VE');
    const C = s.pick('stepsPerScale', 'corrector steps', 1, 'Song et al. 2021');
    const steps = sigmas.length * (C + 1) - 1 + s.finalDenoise();
    return s.plan(steps, sigmas[0]!, (score, init, rng, callback) =>
      predictorCorrector(
        score,
        init,
        sigmas,
        { snr, correctorSteps: C, denoise: inp.denoise, callback },
        rng,
      ),
    );
  },
};
