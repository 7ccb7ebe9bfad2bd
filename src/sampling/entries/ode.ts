/** The `ode` sampler entry: the probability-flow ODE, Heun on Karras sigmas or adaptive RK45. */
import { karrasSigmas } from '../../score/karras-sigmas.ts';
import { PlanSettings } from '../plan-settings.ts';
import { probabilityFlow, probabilityFlowEvaluations } from '../probability-flow.ts';
import { probabilityFlowRk45 } from '../probability-flow-rk45.ts';
import type { SamplerEntry, SamplerPlan } from '../sampler-plan.ts';

/** Adaptive RK45 (Dormand-Prince) between sigmaMax and sigmaMin; the cost is an estimate. */
function rk45Plan(s: PlanSettings, sigmaMax: number, sigmaMin: number): SamplerPlan {
  s.note('solver = RK45 (Dormand-Prince), rtol = atol = 1e-5 (--ode-steps adaptive)');
  const { denoise } = s.inp;
  const run: SamplerPlan['run'] = async (score, init, _rng, callback) =>
    (await probabilityFlowRk45(score, init, { sigmaMax, sigmaMin }, { denoise, callback })).x;
  return s.plan(40, sigmaMax, run, NaN);
}

/** Heun's method on n Karras sigmas (Karras et al. 2022, algorithm 1). */
function heunPlan(
  s: PlanSettings,
  sigmaMax: number,
  sigmaMin: number,
  odeSteps: number | undefined,
): SamplerPlan {
  const { denoise } = s.inp;
  const n = odeSteps ?? 18;
  s.note(
    `solver = Heun on ${n} Karras sigmas, rho = 7 (${odeSteps !== undefined ? '--ode-steps' : 'Karras et al. 2022 default'})`,
  );
  const sigmas = karrasSigmas(sigmaMax, sigmaMin, n);
  return s.plan(
    n - 1 + (denoise ? 1 : 0),
    sigmaMax,
    (score, init, _rng, callback) =>
      probabilityFlow(score, init, sigmas, { solver: 'heun', denoise, callback }),
    probabilityFlowEvaluations(n, 'heun', denoise),
  );
}

/** The probability-flow ODE (Song et al. 2021, eq. 13; Karras et al. 2022). */
export const ode: SamplerEntry = {
  name: 'ode',
  summary:
    'probability-flow ODE: Heun on Karras sigmas, or adaptive RK45 (Song et al. 2021; Karras et al. 2022)',
  plan(inp) {
    const s = new PlanSettings('ode', inp);
    const { sigmaMax, sigmaMin } = s.range({
      max: { label: 'sigma_max', what: 'the largest noise level' },
      min: { label: 'sigma_min', what: 'the smallest noise level' },
    });
    s.finalDenoise();
    if (inp.odeSteps === 'adaptive') return rk45Plan(s, sigmaMax, sigmaMin);
    return heunPlan(s, sigmaMax, sigmaMin, inp.odeSteps);
  },
};
