import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layer order of ../shared/docs/architecture.md ("Layers"): a folder under src/ may import
// only from its own layer or one listed before it. Folders on one line share a rank.
const LAYERS: readonly (readonly string[])[] = [
  ['rng', 'util'],
  ['graph'],
  ['runtime'],
  ['data', 'io'],
  ['nn'],
  ['models'],
  ['score'],
  ['sampling'],
  ['train'],
  ['tasks'],
  ['eval'],
  ['cli'],
];
const SRC = resolve(import.meta.dirname, '../src');
const rank = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** The src/ folder a path lies in, or null for src/index.ts and paths outside src/. */
function layerOf(path: string): string | null {
  const rel = relative(SRC, path).split('/');
  return rel.length > 1 && !rel[0]!.startsWith('..') ? rel[0]! : null;
}

describe('layering (architecture.md)', () => {
  it('every folder under src/ has a rank', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !rank.has(f))).toEqual([]);
  });

  it('no module imports from a layer below its own', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = layerOf(file);
      if (!from) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const to = layerOf(resolve(dirname(file), m[1]!));
        if (to && rank.get(to)! > rank.get(from)!)
          violations.push(`${relative(SRC, file)} imports ${m[1]} (${to} is below ${from})`);
      }
    }
    expect(violations).toEqual([]);
  });
});
