/**
 * Static shapes with symbolic dimensions. A dimension is a number or a name (e.g. the batch
 * dimension "N"); two symbolic dimensions are equal only when their names are.
 */

export type Dim = number | string;
export type Shape = readonly Dim[];

/** "[N, 3, 28, 28]" */
export function shapeToString(shape: Shape | null): string {
  return shape === null ? '[?]' : `[${shape.join(', ')}]`;
}

/** True when every dimension is a number. */
export function isStatic(shape: Shape): shape is readonly number[] {
  return shape.every((d) => typeof d === 'number');
}

/** Number of elements; throws if the shape is symbolic. */
export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') throw new Error(`numel: shape ${shapeToString(shape)} is symbolic`);
    n *= d;
  }
  return n;
}

export function dimsEqual(a: Dim, b: Dim): boolean {
  return a === b;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Numpy broadcasting of two shapes, or null when they do not broadcast. */
export function broadcastShapes(a: Shape, b: Shape): Dim[] | null {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else return null;
  }
  return out;
}

/** Normalises a possibly negative axis for a tensor of rank `rank`; throws if out of range. */
export function normAxis(axis: number, rank: number, where: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new Error(`${where}: axis ${axis} is out of range for rank ${rank}`);
  }
  return a;
}

/** Strides of a C-ordered static shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}
