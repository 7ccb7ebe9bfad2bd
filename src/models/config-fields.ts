/**
 * Validation of model configs: a config is the model's defaults overridden by user fields,
 * with data-derived fields (data dimension, channels, image size, noise levels) filled in.
 * Every error names the model and the field.
 */

/** Returns a description of what was expected when `v` is invalid, else null. */
export type FieldCheck = (v: unknown) => string | null;

export type FieldChecks<C> = { readonly [K in keyof C]-?: FieldCheck };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export const positiveInt: FieldCheck = (v) => (isInt(v) && v > 0 ? null : 'a positive integer');
export const nonNegativeInt: FieldCheck = (v) =>
  isInt(v) && v >= 0 ? null : 'a non-negative integer';
export const positiveNumber: FieldCheck = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? null : 'a positive number';
export const boolean: FieldCheck = (v) => (typeof v === 'boolean' ? null : 'true or false');
export const evenInt: FieldCheck = (v) =>
  isInt(v) && v > 0 && v % 2 === 0 ? null : 'a positive even integer';

/** `check`, or absent (an optional field). */
export function optional(check: FieldCheck): FieldCheck {
  return (v) => (v === undefined ? null : check(v));
}

/** One of `choices`. */
export function oneOf(choices: readonly string[]): FieldCheck {
  return (v) =>
    typeof v === 'string' && choices.includes(v) ? null : `one of ${choices.join(', ')}`;
}

/** A non-empty list of positive integers. */
export const positiveIntList: FieldCheck = (v) =>
  Array.isArray(v) && v.length > 0 && v.every((x) => positiveInt(x) === null)
    ? null
    : 'a non-empty list of positive integers';

/** A list (possibly empty) of positive integers. */
export const intList: FieldCheck = (v) =>
  Array.isArray(v) && v.every((x) => positiveInt(x) === null)
    ? null
    : 'a list of positive integers';

/** At least two positive numbers in strictly descending order (a noise schedule). */
export const descendingSigmas: FieldCheck = (v) =>
  Array.isArray(v) &&
  v.length >= 2 &&
  v.every((x, i) => positiveNumber(x) === null && (i === 0 || (x as number) < (v[i - 1] as number)))
    ? null
    : 'at least two positive numbers in descending order';

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Resolves a config: `defaults` <- `derived` (from the data) <- `raw` (user fields), checked
 * field by field. Unknown fields, and user fields that contradict the data, are errors.
 */
export function resolveConfig<C extends object>(
  model: string,
  defaults: C,
  derived: Partial<C>,
  raw: unknown,
  checks: FieldChecks<C>,
): C {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`model "${model}": the config must be an object, got ${show(raw)}`);
  }
  const user = raw as Record<string, unknown>;
  const known = Object.keys(checks);
  for (const key of Object.keys(user)) {
    if (!known.includes(key)) {
      throw new Error(
        `model "${model}": unknown config field "${key}"; fields: ${known.join(', ')}`,
      );
    }
  }
  for (const [key, value] of Object.entries(derived)) {
    if (key in user && JSON.stringify(user[key]) !== JSON.stringify(value)) {
      throw new Error(
        `model "${model}": config field "${key}" is ${show(user[key])} but the data needs ${show(value)}`,
      );
    }
  }
  const merged = { ...defaults, ...derived, ...user } as Record<string, unknown>;
  for (const key of known) {
    const expected = checks[key as keyof C](merged[key]);
    if (expected !== null) {
      throw new Error(
        `model "${model}": config field "${key}" must be ${expected}, got ${show(merged[key])}`,
      );
    }
  }
  return merged as C;
}
