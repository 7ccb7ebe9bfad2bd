/** The `cas` sampler entry: consistent annealed sampling. */
import { refineSigmas } from '../../score/refine-sigmas.ts';
import { consistentAnnealed } from '../consistent-annealed.ts';
import { PlanSettings } from '../plan-settings.ts';
import type { SamplerEntry } from '../sampler-plan.ts';

/** The levels, refined geometrically to at least 100 unless --num-scales is given. */
function casLevels(s: PlanSettings): Float64Array {
  const sigmas = s.levels();
  if (s.inp.numScales !== undefined || sigmas.length >= 100) return sigmas;
  const n = Math.ceil(99 / Math.max(sigmas.length - 1, 1));
  const refined = refineSigmas(sigmas, n);
  s.note(
    `refined ${n}-fold geometrically to ${refined.length} levels (CAS needs closely spaced levels; --num-scales to override)`,
  );
  return refined;
}

/** Consistent annealed sampling (Jolicoeur-Martineau et al. 2020, algorithm 2). */
export const cas: SamplerEntry = {
  name: 'cas',
  summary: 'consistent annealed sampling (Jolicoeur-Martineau et al. 2020)',
  plan(inp) {
    const s = new PlanSettings('cas', inp);
    const sigmas = casLevels(s);
    let gammaMin = 1;
    for (let i = 0; i + 1 < sigmas.length; i++)
      gammaMin = Math.min(gammaMin, sigmas[i + 1]! / sigmas[i]!);
    const sigmaL2 = sigmas[sigmas.length - 1]! ** 2;
    const eps = s.pick(
      'eps',
      'eps',
      Math.min(2 * (1 - gammaMin), 1) * sigmaL2,
      `eta = eps / sigma_L^2 = 2 (1 - gamma), inside the valid (1 - gamma, 1 + gamma), small for little bias`,
    );
    const steps = sigmas.length + s.finalDenoise();
    return s.plan(steps, sigmas[0]!, (score, init, rng, callback) =>
      consistentAnnealed(score, init, sigmas, { eps, denoise: inp.denoise, callback }, rng),
    );
  },
};
