import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFileError } from './data-file-error.ts';
import { decodeNpy, encodeNpy, npyArray, readNpy, writeNpy, type NpyArray } from './npy.ts';

const PY = '/usr/bin/python3';
const hasNumpy = spawnSync(PY, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
if (!hasNumpy)
  console.warn(`npy tests: ${PY} with numpy not found; skipping the numpy round trips`);

const dir = mkdtempSync(join(tmpdir(), 'scorekit-npy-'));

function samples(): NpyArray[] {
  return [
    npyArray(
      'float32',
      [2, 3, 4],
      Float32Array.from({ length: 24 }, (_, i) => i * 0.5 - 3),
    ),
    npyArray('float64', [5], Float64Array.from([Math.PI, -1e-300, 1e300, 0, -0])),
    npyArray('uint8', [3, 1, 2], Uint8Array.from([0, 1, 127, 128, 254, 255])),
    npyArray('int32', [2, 2], Int32Array.from([-2147483648, 2147483647, 0, -5])),
    npyArray('float32', [], Float32Array.from([7])),
    npyArray('float32', [0, 3], new Float32Array(0)),
  ];
}

function python(code: string): string {
  const r = spawnSync(PY, ['-c', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe('npy', () => {
  it('round-trips every dtype and shape through encode/decode', () => {
    for (const a of samples()) {
      const b = decodeNpy(encodeNpy(a));
      expect(b.dtype).toBe(a.dtype);
      expect(b.shape).toEqual(a.shape);
      expect(Array.from(b.data)).toEqual(Array.from(a.data));
    }
  });

  it('aligns the header to 64 bytes', () => {
    for (const a of samples()) {
      const bytes = encodeNpy(a);
      const headerLen = bytes[8]! + 256 * bytes[9]!;
      expect((10 + headerLen) % 64).toBe(0);
    }
  });

  it.skipIf(!hasNumpy)('is read by numpy with the same dtype, shape and values', async () => {
    for (const [k, a] of samples().entries()) {
      const path = join(dir, `ts${k}.npy`);
      await writeNpy(path, a);
      const out = python(
        `import numpy as np, json; a = np.load('${path}'); ` +
          `print(json.dumps([str(a.dtype), list(a.shape), a.ravel().tolist(), a.flags['C_CONTIGUOUS']]))`,
      );
      const [dtype, shape, values, c] = JSON.parse(out) as [string, number[], number[], boolean];
      expect(dtype).toBe(a.dtype);
      expect(shape).toEqual(a.shape);
      expect(values).toEqual(Array.from(a.data));
      expect(c).toBe(true);
    }
  });

  it.skipIf(!hasNumpy)(
    'reads what numpy writes, including big-endian and version 2.0 files',
    async () => {
      const path = (n: string): string => join(dir, n);
      python(
        `import numpy as np\n` +
          `np.save('${path('f4.npy')}', np.arange(24, dtype='<f4').reshape(2, 3, 4) / 8)\n` +
          `np.save('${path('be.npy')}', np.arange(6, dtype='>i4').reshape(3, 2) - 3)\n` +
          `np.save('${path('u1.npy')}', np.arange(256, dtype=np.uint8))\n` +
          `np.save('${path('f8t.npy')}', np.arange(6.0).reshape(2, 3).T)\n` +
          `np.lib.format.write_array(open('${path('v2.npy')}', 'wb'), np.ones((2, 2)), version=(2, 0))`,
      );
      const f4 = await readNpy(path('f4.npy'));
      expect(f4.dtype).toBe('float32');
      expect(f4.shape).toEqual([2, 3, 4]);
      expect(f4.data[23]).toBe(23 / 8);
      const be = await readNpy(path('be.npy'));
      expect(Array.from(be.data)).toEqual([-3, -2, -1, 0, 1, 2]);
      expect((await readNpy(path('u1.npy'))).data[255]).toBe(255);
      // np.save writes a transposed array in Fortran order; we return it in C order.
      expect(Array.from((await readNpy(path('f8t.npy'))).data)).toEqual([0, 3, 1, 4, 2, 5]);
      const v2 = await readNpy(path('v2.npy'));
      expect(v2.shape).toEqual([2, 2]);
      expect(Array.from(v2.data)).toEqual([1, 1, 1, 1]);
    },
  );

  it('converts a Fortran-order file to C order', () => {
    const f = encodeNpy(npyArray('int32', [2, 3], Int32Array.from([0, 1, 2, 3, 4, 5])));
    const text = new TextDecoder('latin1').decode(f).replace('False', 'True ');
    const a = decodeNpy(Uint8Array.from(text, (ch) => ch.charCodeAt(0)));
    // Fortran order: element (i, j) sits at i + 2 j.
    expect(Array.from(a.data)).toEqual([0, 2, 4, 1, 3, 5]);
  });

  it('rejects bad magic, truncation and unsupported dtypes, naming the file', () => {
    const good = encodeNpy(npyArray('float32', [4], new Float32Array(4)));
    const bad = (bytes: Uint8Array): string => {
      try {
        decodeNpy(bytes, 'x.npy');
      } catch (e) {
        expect(e).toBeInstanceOf(DataFileError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(bad(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toMatch(
      /^x\.npy: not a \.npy file/,
    );
    expect(bad(good.subarray(0, good.length - 3))).toMatch(
      /x\.npy: .*needs 16 data bytes but the file has 13 \(truncated\)/,
    );
    expect(bad(good.subarray(0, 40))).toMatch(/x\.npy: truncated \.npy header/);
    const text = new TextDecoder('latin1').decode(good);
    const swap = (from: string, to: string): Uint8Array =>
      Uint8Array.from(text.replace(from, to), (ch) => ch.charCodeAt(0));
    expect(bad(swap("'<f4'", "'<c8'"))).toMatch(/x\.npy: unsupported dtype '<c8'/);
    expect(bad(swap("'shape': (4,), ", "'shape': (4.5,)"))).toMatch(/x\.npy: malformed shape/);
  });

  it('reports a missing file by name', async () => {
    await expect(readNpy(join(dir, 'nope.npy'))).rejects.toThrow(/nope\.npy: file not found/);
  });

  it('rejects data whose size does not match the shape', () => {
    expect(() => npyArray('float32', [2, 2], new Float32Array(3))).toThrow(
      /holds 4 elements but data has 3/,
    );
  });

  it('writes a file whose bytes decode back', async () => {
    const a = npyArray('int32', [3], Int32Array.from([1, 2, 3]));
    await writeNpy(join(dir, 'w.npy'), a);
    writeFileSync(join(dir, 'copy.npy'), readFileSync(join(dir, 'w.npy')));
    expect(Array.from((await readNpy(join(dir, 'copy.npy'))).data)).toEqual([1, 2, 3]);
  });
});

describe('decodeNpy on Node Buffers', () => {
  it('reads a Buffer that is a view into a larger pool (readFileSync of a small file)', () => {
    const bytes = encodeNpy(npyArray('float32', [3], new Float32Array([1.5, -2, 3.25])));
    const pool = Buffer.alloc(bytes.length + 13);
    pool.set(bytes, 13);
    const view = pool.subarray(13);
    expect(Array.from(decodeNpy(view).data)).toEqual([1.5, -2, 3.25]);
  });
});
