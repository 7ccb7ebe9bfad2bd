import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, npyArray } from './npy.ts';
import { parseCsv, readTable, tabularSource } from './tabular.ts';
import { testDir } from './test-dir.ts';

const dir = testDir('tabular');
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('tabular data', () => {
  it('reads CSV with and without a header', async () => {
    const src = await tabularSource(file('a.csv', 'x,y\r\n1,2\n-3.5,"4e1"\n\n'));
    expect(src.size).toBe(2);
    expect(src.shape).toEqual([2]);
    expect(src.range).toEqual([-3.5, 40]);
    expect(Array.from(await src.read([1]))).toEqual([-3.5, 40]);
    expect(parseCsv('1,2\n3,4').columns).toBeUndefined();
    expect(parseCsv('a,b\n3,4').columns).toEqual(['a', 'b']);
  });

  it('reads 2-D and 1-D .npy', async () => {
    const two = file(
      'b.npy',
      encodeNpy(npyArray('float64', [3, 2], Float64Array.from([1, 2, 3, 4, 5, 6]))),
    );
    expect(Array.from((await tabularSource(two)).shape)).toEqual([2]);
    const one = file('c.npy', encodeNpy(npyArray('int32', [4], Int32Array.from([1, 2, 3, 4]))));
    const t = await readTable(one);
    expect([t.rows, t.cols]).toEqual([4, 1]);
  });

  it('rejects NaN, missing and non-numeric values with file, line and column', async () => {
    const nan = file('nan.csv', 'a,b\n1,2\n3,NaN\n');
    await expect(readTable(nan)).rejects.toThrow(
      `${nan}: line 3, column 2 (b): a missing value (NaN)`,
    );
    const gap = file('gap.csv', '1,2\n3,\n');
    await expect(readTable(gap)).rejects.toThrow(`${gap}: line 2, column 2: a missing value (NaN)`);
    const word = file('word.csv', '1,2\n3,abc\n');
    await expect(readTable(word)).rejects.toThrow(`${word}: line 2, column 2: not a number: "abc"`);
    const npyNan = file(
      'nan.npy',
      encodeNpy(npyArray('float32', [2, 2], Float32Array.from([1, 2, NaN, 4]))),
    );
    await expect(readTable(npyNan)).rejects.toThrow(
      `${npyNan}: row 1, column 0: NaN (values must be finite)`,
    );
  });

  it('rejects ragged rows, empty files, 3-D arrays and unknown formats', async () => {
    const ragged = file('ragged.csv', '1,2\n3\n');
    await expect(readTable(ragged)).rejects.toThrow(`${ragged}: line 2 has 1 columns, expected 2`);
    const empty = file('empty.csv', '\n');
    await expect(readTable(empty)).rejects.toThrow(`${empty}: empty CSV file`);
    const cube = file('cube.npy', encodeNpy(npyArray('uint8', [1, 1, 1], new Uint8Array(1))));
    await expect(readTable(cube)).rejects.toThrow(`${cube}: tabular .npy must be 1-D or 2-D`);
    const txt = file('t.txt', '1');
    await expect(readTable(txt)).rejects.toThrow(`${txt}: unsupported tabular format ".txt"`);
  });
});
