/** The `ddpm` sampler entry: DDPM ancestral sampling through the VP wrapper. */
import { linearVpSchedule } from '../../score/vp.ts';
import { ddpm as ddpmSampler } from '../ddpm.ts';
import { fmt, PlanSettings } from '../plan-settings.ts';
import type { SamplerEntry } from '../sampler-plan.ts';

/** DDPM ancestral sampling with the linear beta schedule (Ho et al. 2020, algorithm 2). */
export const ddpm: SamplerEntry = {
  name: 'ddpm',
  summary: 'DDPM ancestral sampling through the VP wrapper (Ho et al. 2020)',
  plan(inp) {
    const s = new PlanSettings('ddpm', inp);
    const T = s.pick('numScales', 'T', 1000, 'Ho et al. 2020');
    const schedule = linearVpSchedule(T);
    s.note(
      `betas linear 1e-4 .. 0.02 (Ho et al. 2020); VE sigmas ${fmt(schedule.sigmas[T - 1]!)} .. ${fmt(schedule.sigmas[0]!)}`,
    );
    if (inp.sigmaMax !== undefined || inp.sigmaMin !== undefined)
      s.note('--sigma-max / --sigma-min are not used by ddpm');
    s.note(`last step ${inp.denoise ? 'without noise (Ho et al.)' : 'with noise (--no-denoise)'}`);
    return s.plan(T, 1, (score, init, rng, callback) =>
      ddpmSampler(score, init, schedule, { denoise: inp.denoise, callback }, rng),
    );
  },
};
