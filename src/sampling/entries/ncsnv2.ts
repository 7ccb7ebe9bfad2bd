/** The `ncsnv2` sampler entry: annealed Langevin with the NCSNv2 rules for L and eps. */
import { ncsnv2NumScales, ncsnv2Ratio, ncsnv2StepSize } from '../../score/ncsnv2-rules.ts';
import { geometricSigmas } from '../../score/schedule.ts';
import { PlanSettings } from '../plan-settings.ts';
import type { SamplerEntry } from '../sampler-plan.ts';
import { annealedLangevinPlan } from './als.ts';

/** The levels: technique 2 (gamma from D, L from the endpoints) unless L is given or D < 5. */
function ncsnv2Levels(s: PlanSettings): Float64Array {
  const { inp } = s;
  if (inp.numScales === undefined && inp.dataDim >= 5) {
    const { sigmaMax, sigmaMin } = s.range();
    const gamma = ncsnv2Ratio(inp.dataDim);
    const L = ncsnv2NumScales(sigmaMax, sigmaMin, gamma.value);
    s.note(`gamma = ${gamma.value.toFixed(4)} (${gamma.reason})`, `L = ${L.value} (${L.reason})`);
    return geometricSigmas(sigmaMax, sigmaMin, L.value);
  }
  if (inp.numScales === undefined)
    s.note(`technique 2 needs D >= 5 (D = ${inp.dataDim}); levels from the file or flags`);
  return s.levels();
}

/** The step size: --eps, else technique 4 for the levels' ratio gamma. */
function ncsnv2Eps(s: PlanSettings, sigmas: Float64Array, T: number): number {
  if (s.inp.eps !== undefined) return s.pick('eps', 'eps', s.inp.eps, '--eps');
  const L = sigmas.length;
  const gamma = L > 1 ? (sigmas[0]! / sigmas[L - 1]!) ** (1 / (L - 1)) : 1.01;
  const rule = ncsnv2StepSize(T, gamma, sigmas[L - 1]!);
  return s.pick('eps', 'eps', rule.value, rule.reason);
}

/** Annealed Langevin with the NCSNv2 techniques 2 and 4 (Song & Ermon 2020). */
export const ncsnv2: SamplerEntry = {
  name: 'ncsnv2',
  summary: 'annealed Langevin with the NCSNv2 rules for L and eps (Song & Ermon 2020)',
  plan(inp) {
    const s = new PlanSettings('ncsnv2', inp);
    const sigmas = ncsnv2Levels(s);
    const T = s.pick('stepsPerScale', 'T', 5, 'NCSNv2 default');
    const eps = ncsnv2Eps(s, sigmas, T);
    return annealedLangevinPlan(s, sigmas, T, eps);
  },
};
