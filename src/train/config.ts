/**
 * The training configuration: defaults <- preset <- config file <- command-line flags,
 * validated once (zod) with errors that name the field. The resolved config is stored in
 * every checkpoint and exported model.
 */
import { z } from 'zod';

const auto = z.literal('auto');

export const TrainConfigSchema = z
  .object({
    data: z
      .object({
        /** Dataset registry name (or a path for file-backed datasets via options). */
        name: z.string().min(1),
        options: z.record(z.string(), z.unknown()).default({}),
        /** Rescale images to this range before training. */
        range: z.enum(['0,1', '-1,1']).optional(),
        /** Uniform dequantisation of 8-bit data (NCSNv2). */
        dequantize: z.boolean().default(false),
        /** Random horizontal flips. */
        flip: z.boolean().default(false),
        /** Pad images to this size (e.g. 28 -> 32 for the U-Net). */
        padTo: z.number().int().positive().optional(),
      })
      .strict(),
    model: z
      .object({
        name: z.string().min(1),
        /** Model options (the model's own config; validated by the model registry). */
        config: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
    noise: z
      .object({
        /** sigma_1; 'auto': the largest pairwise distance of the training data (NCSNv2 technique 1). */
        sigmaMax: z.union([z.number().positive(), auto]).default('auto'),
        sigmaMin: z.number().positive().default(0.01),
        /** L; 'auto': from the dimension (NCSNv2 technique 2). */
        numScales: z.union([z.number().int().min(2), auto]).default('auto'),
      })
      .strict()
      .default({ sigmaMax: 'auto', sigmaMin: 0.01, numScales: 'auto' }),
    optim: z
      .object({
        lr: z.number().positive().default(1e-4),
        warmup: z.number().int().min(0).default(0),
        beta1: z.number().min(0).lt(1).default(0.9),
        beta2: z.number().min(0).lt(1).default(0.999),
        eps: z.number().positive().default(1e-8),
        weightDecay: z.number().min(0).default(0),
        /** Global gradient-norm clip (null: none). */
        clipNorm: z.number().positive().nullable().default(1),
        ema: z.number().min(0).lt(1).default(0.999),
      })
      .strict()
      .default({
        lr: 1e-4,
        warmup: 0,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0,
        clipNorm: 1,
        ema: 0.999,
      }),
    steps: z.number().int().positive(),
    batchSize: z.number().int().positive().default(128),
    seed: z.number().int().min(0).default(0),
    log: z
      .object({
        every: z.number().int().positive().default(50),
        sampleEvery: z.number().int().min(0).default(0),
        sampleCount: z.number().int().positive().default(64),
        checkpointEvery: z.number().int().positive().default(1000),
        keep: z.number().int().positive().default(3),
      })
      .strict()
      .default({ every: 50, sampleEvery: 0, sampleCount: 64, checkpointEvery: 1000, keep: 3 }),
    divergence: z
      .object({
        action: z.enum(['stop', 'rollback']).default('rollback'),
        lrFactor: z.number().positive().lt(1).default(0.5),
        maxRollbacks: z.number().int().min(0).default(3),
      })
      .strict()
      .default({ action: 'rollback', lrFactor: 0.5, maxRollbacks: 3 }),
  })
  .strict();

export type TrainConfig = z.infer<typeof TrainConfigSchema>;
/** A partial config (presets, config files, flags), merged over the defaults. */
export type PartialConfig = {
  [K in keyof TrainConfig]?: TrainConfig[K] extends object
    ? Partial<TrainConfig[K]>
    : TrainConfig[K];
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects: later layers win; arrays and values are replaced. */
export function mergeConfig(...layers: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!isPlainObject(layer)) continue;
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeConfig(out[k], v) : v;
    }
  }
  return out;
}

/** Validates a merged config; the error lists each bad field by its path. */
export function resolveConfig(...layers: readonly unknown[]): TrainConfig {
  const r = TrainConfigSchema.safeParse(mergeConfig(...layers));
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
  throw new Error(`invalid training config: ${problems.join('; ')}`);
}
