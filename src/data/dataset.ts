/**
 * Dataset registry entries: what a dataset is (shape, range, description), which options it
 * takes, and how to open it. Config files and the CLI refer to datasets by registry name only.
 */
import { Registry } from '../util/registry.ts';
import type { DataRange, DataSource } from './source.ts';

/** Options as they come from a config file: validated by each entry. */
export type DatasetOptions = Readonly<Record<string, unknown>>;

/** One registered dataset. */
export interface DatasetEntry {
  readonly description: string;
  /** Shape of one item, or null when it depends on the options (image folder, tabular). */
  readonly shape: readonly number[] | null;
  /** Data range, or null when it depends on the data (tabular). */
  readonly range: DataRange | null;
  /** The option names `open` accepts. */
  readonly options: readonly string[];
  /** Opens the dataset; file-backed entries read headers now and items lazily. */
  open(options: DatasetOptions): Promise<DataSource>;
}

/** The dataset registry type. */
export type DatasetRegistry = Registry<DatasetEntry>;

/** A new registry holding `entries`. */
export function datasetRegistry(
  entries: Iterable<readonly [string, DatasetEntry]>,
): DatasetRegistry {
  return new Registry<DatasetEntry>('dataset', entries);
}

/**
 * Opens dataset `name` from `registry`, first rejecting option names the entry does not
 * accept (listing the accepted ones).
 */
export function openDataset(
  registry: DatasetRegistry,
  name: string,
  options: DatasetOptions = {},
): Promise<DataSource> {
  const entry = registry.get(name);
  const unknown = Object.keys(options).filter((k) => !entry.options.includes(k));
  if (unknown.length > 0) {
    const valid = entry.options.length > 0 ? entry.options.join(', ') : '(none)';
    throw new Error(`dataset "${name}": unknown option(s) ${unknown.join(', ')}; valid: ${valid}`);
  }
  return entry.open(options);
}
