import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../data/dataset.ts';
import { createDatasetRegistry } from './datasets.ts';
import { testDir } from './test-dir.ts';

describe('dataset registry', () => {
  const registry = createDatasetRegistry();

  it('lists every dataset of the issue', () => {
    expect(registry.names()).toEqual([
      '8gaussians',
      'checkerboard',
      'cifar10',
      'fashion-mnist',
      'gaussian-mixture',
      'grid',
      'idx',
      'image-folder',
      'mnist',
      'rings',
      'stacked-mnist',
      'swiss-roll',
      'tabular',
      'two-moons',
    ]);
    expect(() => registry.get('cifar100')).toThrow(
      /unknown dataset "cifar100"; valid dataset names: 8gaussians, .*two-moons/,
    );
  });

  it('opens file datasets by name with validated options', async () => {
    const csv = join(testDir('registry'), 't.csv');
    writeFileSync(csv, '1,2,3\n4,5,6\n');
    const tab = await openDataset(registry, 'tabular', { path: csv });
    expect(tab.shape).toEqual([3]);
    const stacked = await openDataset(registry, 'stacked-mnist', { size: 100, seed: 3 });
    expect(stacked.shape).toEqual(registry.get('stacked-mnist').shape);
    await expect(async () => openDataset(registry, 'tabular', {})).rejects.toThrow(
      'dataset "tabular": option "path" must be given (a non-empty string), got undefined',
    );
    await expect(async () =>
      openDataset(registry, 'cifar10', { path: '/x', split: 'val' }),
    ).rejects.toThrow(
      'dataset "cifar10": option "split" must be one of train, test, all, got "val"',
    );
  });
});
