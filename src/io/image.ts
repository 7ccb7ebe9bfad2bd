/** An 8-bit raster image, pixels interleaved row by row (H, W, C). */
export interface Image {
  readonly width: number;
  readonly height: number;
  /** 1 grey, 3 RGB, 4 RGBA. */
  readonly channels: 1 | 3 | 4;
  readonly data: Uint8Array;
}

/** `image` as RGBA (alpha 255 where the image has none). */
export function toRgba(image: Image): Uint8Array {
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw new Error(`image: ${data.length} bytes for ${width}x${height}x${channels}`);
  }
  if (channels === 4) return data;
  const out = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) out[4 * p + c] = data[p * channels + (channels === 1 ? 0 : c)]!;
    out[4 * p + 3] = 255;
  }
  return out;
}
