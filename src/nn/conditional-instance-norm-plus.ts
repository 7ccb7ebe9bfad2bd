/**
 * Conditional instance normalisation++ (Song & Ermon 2019, appendix A.1, eq. 13): instance
 * norm++ whose gamma, alpha, beta are chosen by the noise-level index, as in NCSN v1's
 * `ConditionalInstanceNorm2dPlus`. The per-level coefficients live in one embedding table
 * `embed.weight` [L, 3C] laid out [gamma | alpha | beta] per row (the reference's layout),
 * gathered by an int64 level index [N].
 */
import { split, unsqueeze, type Value } from '../graph/index.ts';
import { embedding } from './embedding.ts';
import type { Init } from './init.ts';
import { instanceNormPlusWith, nearOneInit } from './instance-norm-plus.ts';
import type { ParamScope } from './params.ts';

/** Each row: gamma and alpha ~ N(1, 0.02^2), beta = 0 (the reference initialisation). */
function embedInit(channels: number, parts: number): Init {
  return (rng, shape) => {
    const w = nearOneInit(rng, shape);
    if (parts === 3) {
      for (let row = 0; row < (shape[0] ?? 0); row++) {
        const start = row * 3 * channels + 2 * channels;
        w.fill(0, start, start + channels);
      }
    }
    return w;
  };
}

/**
 * x [N, C, H, W], level [N] int64 in [0, numLevels) -> [N, C, H, W], normalised with the
 * coefficients of each example's noise level.
 */
export function conditionalInstanceNormPlus(
  scope: ParamScope,
  name: string,
  x: Value,
  level: Value,
  channels: number,
  numLevels: number,
  bias = true,
): Value {
  const parts = bias ? 3 : 2;
  const coeffs = embedding(
    scope.child(name),
    'embed',
    level,
    numLevels,
    parts * channels,
    embedInit(channels, parts),
  ); // [N, parts * C]
  const [gamma, alpha, beta] = split(coeffs, new Array<number>(parts).fill(channels), 1).map((v) =>
    unsqueeze(v, [2, 3]),
  ); // each [N, C, 1, 1]
  return instanceNormPlusWith(x, { gamma: gamma!, alpha: alpha!, beta: beta ?? null });
}
