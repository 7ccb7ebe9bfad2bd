/**
 * Pad (opset 13-18 form: inputs data, pads, constant_value), modes constant, reflect and
 * edge. `pads` is [x1_begin, x2_begin, ..., x1_end, x2_end, ...]; negative pads crop.
 * The VJP is in pad-grad.ts.
 */
import type { Value } from '../graph.ts';
import { apply1, defineOp } from '../op-registry.ts';
import type { Dim } from '../shape.ts';
import { int64s, lift } from './constant.ts';
import { maybeKnownInts, stringAttr } from './int-inputs.ts';
import { freshDim } from './layout.ts';
import { padVjp } from './pad-grad.ts';

export type PadMode = 'constant' | 'reflect' | 'edge';

const MODES: readonly string[] = ['constant', 'reflect', 'edge'];

/** The mode attribute of a Pad node. */
export function padModeOf(attrs: Parameters<typeof stringAttr>[0]): PadMode {
  const mode = stringAttr(attrs, 'mode', 'constant');
  if (!MODES.includes(mode))
    throw new Error(`unsupported mode "${mode}" (use ${MODES.join(', ')})`);
  return mode as PadMode;
}

/** The pads of a node, checked against the rank; null when not known while building. */
export function padsOf(padsInput: Value | null | undefined, rank: number): number[] | null {
  const pads = maybeKnownInts(padsInput, 'pads');
  if (pads && pads.length !== 2 * rank) {
    throw new Error(`pads has ${pads.length} entries, expected ${2 * rank} for rank ${rank}`);
  }
  return pads;
}

function paddedDim(d: Dim, before: number, after: number, mode: PadMode, axis: number): Dim {
  if (typeof d !== 'number') return before + after === 0 ? d : freshDim('pad');
  if (mode !== 'constant' && (before < 0 || after < 0)) {
    throw new Error(`${mode} padding cannot crop (axis ${axis}: pads ${before}, ${after})`);
  }
  if (mode === 'reflect' && (before >= d || after >= d)) {
    throw new Error(`reflect pads ${before}, ${after} of axis ${axis} must be below its size ${d}`);
  }
  if (mode === 'edge' && d === 0 && before + after > 0) {
    throw new Error(`edge padding of the empty axis ${axis}`);
  }
  const out = d + before + after;
  if (out < 0) throw new Error(`pads ${before}, ${after} crop axis ${axis} of size ${d} below 0`);
  return out;
}

defineOp({
  name: 'Pad',
  infer(ins, attrs) {
    const [x, padsInput, c] = ins as [Value, Value, Value | null | undefined];
    const mode = padModeOf(attrs);
    if (c && c.dtype !== x.dtype) {
      throw new Error(`constant_value type ${c.dtype} differs from data type ${x.dtype}`);
    }
    const pads = padsOf(padsInput, x.rank);
    const r = x.rank;
    const shape = x.shape.map((d, i) =>
      pads ? paddedDim(d, pads[i]!, pads[i + r]!, mode, i) : freshDim('pad'),
    );
    return [{ dtype: x.dtype, shape }];
  },
  vjp: padVjp,
});

/** Pads for one axis of a rank-`rank` tensor (zeros elsewhere). */
export function axisPads(rank: number, axis: number, before: number, after: number): number[] {
  const pads = new Array<number>(2 * rank).fill(0);
  pads[axis] = before;
  pads[axis + rank] = after;
  return pads;
}

/**
 * Pads `x` by `pads` ([begin per axis..., end per axis...]; negative values crop). In
 * constant mode the fill is `value` (default 0).
 */
export function pad(
  x: Value,
  pads: readonly number[],
  opts: { mode?: PadMode; value?: number | Value } = {},
): Value {
  const ins = [x, int64s(x.graph, pads)];
  if (opts.value !== undefined && opts.value !== 0) ins.push(lift(opts.value, x));
  const mode = opts.mode ?? 'constant';
  return apply1('Pad', ins, mode === 'constant' ? {} : { mode: { type: 'string', value: mode } });
}
