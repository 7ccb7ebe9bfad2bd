/** The `langevin` sampler entry: plain Langevin dynamics at one noise level. */
import { langevin as langevinSampler } from '../langevin.ts';
import { PlanSettings } from '../plan-settings.ts';
import type { SamplerEntry } from '../sampler-plan.ts';

/** Unadjusted Langevin dynamics at the smallest level, no annealing (Song & Ermon 2019, 2.2). */
export const langevin: SamplerEntry = {
  name: 'langevin',
  summary: 'plain Langevin dynamics at the smallest noise level (no annealing)',
  plan(inp) {
    const s = new PlanSettings('langevin', inp);
    const { sigmaMax, sigmaMin: sigma } = s.range({
      max: { label: 'initial std', what: 'the spread of the initial x' },
      min: { label: 'sigma', what: 'the noise level' },
    });
    const T = s.pick('stepsPerScale', 'steps', 1000, 'default');
    const a = s.pick('eps', 'step size a', 2e-5, 'ALS default at the smallest level');
    return s.plan(T, sigmaMax, (score, init, rng, callback) =>
      langevinSampler(score, init, sigma, { stepSize: a, steps: T, callback }, rng),
    );
  },
};
