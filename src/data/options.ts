/** Typed readers for dataset options that name the dataset and field when a value is wrong. */
import type { DatasetOptions } from './dataset.ts';

function fail(dataset: string, key: string, want: string, got: unknown): never {
  throw new Error(
    `dataset "${dataset}": option "${key}" must be ${want}, got ${JSON.stringify(got)}`,
  );
}

/** A finite number option, or `fallback` when absent. */
export function numberOption(
  o: DatasetOptions,
  key: string,
  dataset: string,
  fallback: number,
): number;
/** A finite number option, or undefined when absent. */
export function numberOption(o: DatasetOptions, key: string, dataset: string): number | undefined;
export function numberOption(
  o: DatasetOptions,
  key: string,
  dataset: string,
  fallback?: number,
): number | undefined {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(dataset, key, 'a finite number', v);
  return v;
}

/** A string option, or `fallback` when absent. */
export function stringOption(
  o: DatasetOptions,
  key: string,
  dataset: string,
  fallback: string,
): string;
/** A string option, or undefined when absent. */
export function stringOption(o: DatasetOptions, key: string, dataset: string): string | undefined;
export function stringOption(
  o: DatasetOptions,
  key: string,
  dataset: string,
  fallback?: string,
): string | undefined {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || v === '') fail(dataset, key, 'a non-empty string', v);
  return v;
}

/** A required non-empty string option. */
export function requiredString(o: DatasetOptions, key: string, dataset: string): string {
  const v = stringOption(o, key, dataset);
  if (v === undefined) fail(dataset, key, 'given (a non-empty string)', v);
  return v;
}

/** One of `choices`, or `fallback` when absent. */
export function choiceOption<const T extends string>(
  o: DatasetOptions,
  key: string,
  dataset: string,
  choices: readonly T[],
  fallback: T,
): T {
  const v = o[key];
  if (v === undefined) return fallback;
  if (!choices.includes(v as T)) fail(dataset, key, `one of ${choices.join(', ')}`, v);
  return v as T;
}

/** An array of finite numbers, or undefined when absent. */
export function numberArrayOption(
  o: DatasetOptions,
  key: string,
  dataset: string,
): number[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    fail(dataset, key, 'an array of finite numbers', v);
  }
  return v as number[];
}

/** A non-empty array of number arrays (e.g. mixture means), or undefined when absent. */
export function matrixOption(
  o: DatasetOptions,
  key: string,
  dataset: string,
): number[][] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const ok =
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((r) => Array.isArray(r) && r.every((x) => typeof x === 'number' && Number.isFinite(x)));
  if (!ok) fail(dataset, key, 'a non-empty array of number arrays', v);
  return v as number[][];
}
