/**
 * How a sampler entry resolves its settings: each value from its flag, else the model file's
 * scorekit.sigmas, else the papers' default, recorded as "name = value (where it came from)";
 * when neither flag nor file has a required value, the error names the flag to pass.
 */
import { geometricSigmas } from '../score/schedule.ts';
import { MissingSettingError, type SamplerInputs, type SamplerPlan } from './sampler-plan.ts';

const FROM_FILE = 'scorekit.sigmas of the file';

/** The numeric inputs that flags set, with the flag names. */
const FLAGS = {
  sigmaMax: 'sigma-max',
  sigmaMin: 'sigma-min',
  numScales: 'num-scales',
  stepsPerScale: 'steps-per-scale',
  eps: 'eps',
  snr: 'snr',
} as const;
type NumericInput = keyof typeof FLAGS;

/** A setting's value in the settings lines: four significant digits. */
export const fmt = (v: number): string => Number(v.toPrecision(4)).toString();

/** How a noise-level endpoint is named in the settings and in the missing-flag error. */
export interface EndpointLabel {
  readonly label: string;
  readonly what: string;
}

/** Labels of the largest and smallest noise level. */
export interface RangeLabels {
  readonly max: EndpointLabel;
  readonly min: EndpointLabel;
}

/** The endpoints of a geometric ladder of levels, sigma_1 > ... > sigma_L. */
export const LEVEL_LABELS: RangeLabels = {
  max: { label: 'sigma_1', what: 'the largest noise level' },
  min: { label: 'sigma_L', what: 'the smallest noise level' },
};

/** The settings of one sampler's plan, resolved from its inputs and recorded line by line. */
export class PlanSettings {
  readonly lines: string[] = [];

  constructor(
    readonly sampler: string,
    readonly inp: SamplerInputs,
  ) {}

  /** Records lines as they are. */
  note(...lines: string[]): void {
    this.lines.push(...lines);
  }

  /** A value from its flag or a default, recorded with where it came from. */
  pick(key: NumericInput, label: string, dflt: number, why: string): number {
    const v = this.inp[key] ?? dflt;
    this.record(key, label, v, why);
    return v;
  }

  /** The largest and smallest noise level: flags, else the ends of the file's sigmas. */
  range(labels: RangeLabels = LEVEL_LABELS): { sigmaMax: number; sigmaMin: number } {
    const file = this.inp.fileSigmas;
    const sigmaMax = this.endpoint('sigmaMax', file?.[0], labels.max);
    const sigmaMin = this.endpoint('sigmaMin', file?.[file.length - 1], labels.min);
    return { sigmaMax, sigmaMin };
  }

  /**
   * The levels: the file's scorekit.sigmas when no flag (and no default count) is given, else
   * geometric between the endpoints with L from --num-scales, the default count or the file.
   */
  levels(defaultCount?: { value: number; reason: string }): Float64Array {
    const { inp } = this;
    const file = inp.fileSigmas;
    const anyFlag =
      inp.sigmaMax !== undefined || inp.sigmaMin !== undefined || inp.numScales !== undefined;
    if (file && !anyFlag && !defaultCount) {
      this.note(
        `sigmas = ${fmt(file[0]!)} .. ${fmt(file[file.length - 1]!)}, ${file.length} levels (${FROM_FILE})`,
      );
      return Float64Array.from(file);
    }
    const { sigmaMax, sigmaMin } = this.range();
    const L = inp.numScales ?? defaultCount?.value ?? file?.length;
    if (L === undefined)
      throw new MissingSettingError(this.sampler, FLAGS.numScales, 'the number of noise levels');
    this.note(`L = ${L} (${this.source('numScales', defaultCount?.reason ?? FROM_FILE)})`);
    return geometricSigmas(sigmaMax, sigmaMin, L);
  }

  /** Records whether the final denoising step runs; returns the steps it adds (0 or 1). */
  finalDenoise(): number {
    const on = this.inp.denoise;
    this.note(`final denoising ${on ? 'on (Tweedie, NCSNv2)' : 'off (--no-denoise)'}`);
    return on ? 1 : 0;
  }

  /** The plan with these settings; by default one network evaluation per step. */
  plan(
    steps: number,
    initialStd: number,
    run: SamplerPlan['run'],
    evaluationsPerSample = steps,
  ): SamplerPlan {
    const { sampler: name, lines: settings } = this;
    return { name, settings, stepsPerBatch: steps, evaluationsPerSample, initialStd, run };
  }

  private endpoint(
    key: 'sigmaMax' | 'sigmaMin',
    fromFile: number | undefined,
    { label, what }: EndpointLabel,
  ): number {
    const v = this.inp[key] ?? fromFile;
    if (v === undefined) throw new MissingSettingError(this.sampler, FLAGS[key], what);
    this.record(key, label, v, FROM_FILE);
    return v;
  }

  private record(key: NumericInput, label: string, v: number, why: string): void {
    this.note(`${label} = ${fmt(v)} (${this.source(key, why)})`);
  }

  /** "--flag" when the flag was given, else `why`. */
  private source(key: NumericInput, why: string): string {
    return this.inp[key] !== undefined ? `--${FLAGS[key]}` : why;
  }
}
