/** The viridis colour map (van der Walt & Smith, matplotlib), as 9 anchors linearly interpolated. */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** The viridis colour at `t` in [0, 1] (clipped) as [r, g, b] bytes. */
export function viridis(t: number): [number, number, number] {
  const s = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1) * (VIRIDIS.length - 1);
  const k = Math.min(Math.floor(s), VIRIDIS.length - 2);
  const f = s - k;
  const a = VIRIDIS[k]!;
  const b = VIRIDIS[k + 1]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as [number, number, number];
}
