import { describe, expect, it } from 'vitest';
import { datasetRegistry, openDataset } from './dataset.ts';
import { Registry } from '../util/registry.ts';
import { toyDatasetEntries } from './toy-datasets.ts';

describe('Registry', () => {
  it('throws on unknown and duplicate names, listing the valid ones', () => {
    const r = new Registry<number>('widget', [
      ['b', 2],
      ['a', 1],
    ]);
    expect(r.get('a')).toBe(1);
    expect(r.names()).toEqual(['a', 'b']);
    expect(() => r.get('c')).toThrow('unknown widget "c"; valid widget names: a, b');
    expect(() => r.register('a', 3)).toThrow(
      'widget "a" is already registered; registered widget names: a, b',
    );
  });
});

describe('toy dataset entries', () => {
  const registry = datasetRegistry(toyDatasetEntries());

  it('registers all seven toys with shape, range and log density', async () => {
    expect(registry.names()).toEqual([
      '8gaussians',
      'checkerboard',
      'gaussian-mixture',
      'grid',
      'rings',
      'swiss-roll',
      'two-moons',
    ]);
    for (const name of registry.names()) {
      const entry = registry.get(name);
      const src = await openDataset(registry, name);
      expect(src.kind).toBe('distribution');
      expect(entry.shape).toEqual([2]);
      expect(src.range).toEqual(entry.range);
      if (src.kind === 'distribution') expect(src.logDensity).toBeDefined();
    }
  });

  it('passes options through and validates them by name', async () => {
    const src = await openDataset(registry, 'gaussian-mixture', {
      means: [[0, 0, 0]],
      scales: 0.5,
    });
    expect(src.shape).toEqual([3]);
    await expect(async () =>
      openDataset(registry, '8gaussians', { radius: 'big' }),
    ).rejects.toThrow('dataset "8gaussians": option "radius" must be a finite number, got "big"');
    await expect(async () => openDataset(registry, 'grid', { sides: 3 })).rejects.toThrow(
      'dataset "grid": unknown option(s) sides; valid: side, spacing, scale',
    );
    await expect(async () => openDataset(registry, 'mnits')).rejects.toThrow(
      /unknown dataset "mnits"; valid dataset names: 8gaussians/,
    );
  });
});
