/** Reading integer operands of indexing operators: constant int inputs and attributes. */
import type { Attrs, Value } from '../graph.ts';
import { normAxis } from '../shape.ts';
import { tensorValues } from '../tensor.ts';

/** The entries of a constant (or fully resolved shape-like) integer input. */
export function knownInts(v: Value | null | undefined, what: string): number[] {
  if (!v) throw new Error(`missing ${what} input`);
  if (v.known) return tensorValues(v.known);
  const s = v.symbolic;
  if (s && s.every((d): d is number => typeof d === 'number')) return s;
  throw new Error(`the ${what} input must be a constant, got ${v.toString()}`);
}

/** Like {@link knownInts}, but null when the input is not known while building. */
export function maybeKnownInts(v: Value | null | undefined, what: string): number[] | null {
  try {
    return knownInts(v, what);
  } catch {
    return null;
  }
}

/** An integer attribute, or `dflt` when absent. */
export function intAttr(attrs: Attrs, name: string, dflt: number): number {
  const a = attrs[name];
  return a && a.type === 'int' ? a.value : dflt;
}

/** The `ints` attribute `name` (a copy), or null when absent. */
export function intsAttr(attrs: Attrs, name: string): number[] | null {
  const a = attrs[name];
  return a && a.type === 'ints' ? [...a.value] : null;
}

/** A string attribute, or `dflt` when absent. */
export function stringAttr(attrs: Attrs, name: string, dflt: string): string {
  const a = attrs[name];
  return a && a.type === 'string' ? a.value : dflt;
}

/** Throws unless `v` holds integers (int32 or int64). */
export function checkIndexType(v: Value, what: string): void {
  if (v.dtype !== 'int64' && v.dtype !== 'int32') {
    throw new Error(`${what} must be int64 or int32, got ${v.dtype}`);
  }
}

/** The `axis` attribute (default 0) normalised for a tensor of rank `rank`. */
export function axisAttr(attrs: Attrs, rank: number): number {
  return normAxis(intAttr(attrs, 'axis', 0), rank, 'the axis attribute');
}
