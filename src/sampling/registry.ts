/**
 * The sampler registry (architecture.md: typed maps that throw on an unknown name, listing the
 * valid ones). Each entry (entries/*.ts) turns what the user and the model file give into a
 * plan: every setting with where it came from, the cost, the initial distribution and the run
 * itself. Missing values fall back to the file's scorekit.sigmas, then to the papers' defaults;
 * when neither exists the error names the flag to pass (plan-settings.ts).
 */
import { als } from './entries/als.ts';
import { cas } from './entries/cas.ts';
import { ddpm } from './entries/ddpm.ts';
import { langevin } from './entries/langevin.ts';
import { ncsnv2 } from './entries/ncsnv2.ts';
import { ode } from './entries/ode.ts';
import { pc } from './entries/pc.ts';
import type { SamplerEntry } from './sampler-plan.ts';

export {
  MissingSettingError,
  type SamplerEntry,
  type SamplerInputs,
  type SamplerPlan,
} from './sampler-plan.ts';

/** Every sampler by name. */
export const SAMPLERS: ReadonlyMap<string, SamplerEntry> = new Map(
  [als, ncsnv2, cas, pc, ode, ddpm, langevin].map((e) => [e.name, e]),
);

/** The registry entry `name`; throws listing the valid names. */
export function samplerEntry(name: string): SamplerEntry {
  const e = SAMPLERS.get(name);
  if (!e)
    throw new Error(`unknown sampler "${name}" (samplers: ${[...SAMPLERS.keys()].join(', ')})`);
  return e;
}
