import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeGif, trajectoryFrames, writeTrajectoryGif } from './gif.ts';
import { testDir } from './test-dir.ts';

describe('GIF trajectories', () => {
  it('encodes an image trajectory that decodes with the right frame count and size', async () => {
    // 4 steps of 2 grey 8x8 images fading from 0 to 1.
    const frames = [0, 1, 2, 3].map((t) => new Float32Array(2 * 64).fill(t / 3));
    const path = join(testDir('gif'), 't.gif');
    await writeTrajectoryGif(path, frames, [2, 1, 8, 8], { columns: 2, padding: 1, delayMs: 50 });
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    const meta = await sharp(bytes, { animated: true }).metadata();
    expect(meta.pages).toBe(4);
    expect(meta.width).toBe(19);
    expect(meta.pageHeight).toBe(10);
    expect(meta.delay).toEqual([50, 50, 50, 50]);
    expect(meta.loop).toBe(0);
    const last = await sharp(bytes, { page: 3 }).raw().toBuffer();
    expect(last[(1 * 19 + 1) * (last.length / (19 * 10))]).toBe(255);
  });

  it('renders 2D point trajectories as scatter plots and rejects mismatched frames', () => {
    const pts = [Float32Array.from([0, 0, 1, 1]), Float32Array.from([0.5, 0.5, 1, -1])];
    const frames = trajectoryFrames(pts, [2, 2], { size: 32 });
    expect(frames.map((f) => [f.width, f.channels])).toEqual([
      [32, 3],
      [32, 3],
    ]);
    expect(() =>
      encodeGif([frames[0]!, { width: 2, height: 2, channels: 1, data: new Uint8Array(4) }]),
    ).toThrow(/differs/);
    expect(() => encodeGif([])).toThrow(/no frames/);
  });
});
