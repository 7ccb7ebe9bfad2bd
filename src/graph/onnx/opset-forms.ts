/**
 * Operator forms across default-domain opsets. scorekit's IR holds every operator it defines
 * in its opset-17 form: import rewrites nodes of newer files into that form
 * ({@link toOpset17}), and export rewrites them back when it writes a newer opset
 * ({@link fromOpset17}). Differences handled (onnx/docs/Changelog.md):
 * - opset 18: the axes of ReduceMean/ReduceMax/... move from an attribute to an input;
 *   Split gains `num_outputs`; Pad gains an `axes` input; Resize gains `antialias`,
 *   `keep_aspect_ratio_policy` and `axes`.
 * - opset 19: AveragePool gains `dilations`; Cast gains `saturate` (float8 only).
 * - Reshape (14) gains `allowzero`; Constant (12/13) gains `value_float(s)`/`value_int(s)`.
 * Opsets 13..16 need no rewriting: scorekit's operators have their opset-17 form there.
 */
import type { Attr, Attrs, Value } from '../graph.ts';
import { isStatic } from '../shape.ts';
import { tensor, type TensorData, tensorValues } from '../tensor.ts';

/** Reductions whose `axes` is an attribute at opset 17 and an input from opset 18 on. */
export const AXES_MOVED_AT_18: ReadonlySet<string> = new Set([
  'ReduceMean',
  'ReduceMax',
  'ReduceMin',
  'ReduceProd',
  'ReduceL1',
  'ReduceL2',
  'ReduceLogSum',
  'ReduceLogSumExp',
  'ReduceSumSquare',
]);

/** A node's operator, inputs and attributes. */
export interface NodeForm {
  readonly op: string;
  readonly inputs: readonly (Value | null)[];
  readonly attrs: Attrs;
}

/** Makes a constant int64 input in the graph being imported into. */
export type MakeInts = (values: readonly number[], what: string) => Value;

/**
 * Rewrites a default-domain node of a file with opset `opset` into scorekit's opset-17 form.
 * Throws, naming the attribute, when the node uses a newer feature with no opset-17 form.
 */
export function toOpset17(
  form: NodeForm,
  opset: number,
  ints: MakeInts,
  outputs: number,
): NodeForm {
  const { op } = form;
  if (op === 'Constant') return constantForm(form);
  if (op === 'Reshape') return reshapeForm(form);
  if (op === 'ReduceSum') return reduceSumForm(form);
  if (op === 'Split') return splitForm(form, ints, outputs);
  if (opset < 18) return form;
  if (AXES_MOVED_AT_18.has(op)) return reduceForm(form);
  if (op === 'Pad') return padForm(form, ints);
  if (op === 'Resize') {
    return dropDefaults(form, { antialias: 0, keep_aspect_ratio_policy: 'stretch', axes: null });
  }
  if (op === 'AveragePool') return dropDefaults(form, { dilations: 1 });
  if (op === 'Cast') return without(form, ['saturate']);
  return form;
}

function without(form: NodeForm, names: readonly string[]): NodeForm {
  const attrs: Record<string, Attr> = {};
  for (const [k, a] of Object.entries(form.attrs)) if (!names.includes(k)) attrs[k] = a;
  return { ...form, attrs };
}

function knownList(v: Value | null | undefined): number[] | null {
  if (!v) return null;
  if (v.known) return tensorValues(v.known);
  return v.symbolic && isStatic(v.symbolic) ? [...v.symbolic] : null;
}

/** Constant's value_float(s) / value_int(s) become a tensor `value`. */
function constantForm(form: NodeForm): NodeForm {
  const a = form.attrs;
  const scalarOrList = (name: string, dtype: 'float32' | 'int64'): TensorData | null => {
    const x = a[name];
    if (!x) return null;
    if (x.type === 'float' || x.type === 'int') return tensor(dtype, [], [x.value]);
    if (x.type === 'floats' || x.type === 'ints') return tensor(dtype, [x.value.length], x.value);
    return null;
  };
  const t =
    scalarOrList('value_float', 'float32') ??
    scalarOrList('value_floats', 'float32') ??
    scalarOrList('value_int', 'int64') ??
    scalarOrList('value_ints', 'int64');
  return t ? { ...form, attrs: { value: { type: 'tensor', value: t } } } : form;
}

/** Reshape's allowzero=1 only differs from opset 17 when the target shape holds a 0. */
function reshapeForm(form: NodeForm): NodeForm {
  const az = form.attrs['allowzero'];
  if (!az || az.type !== 'int' || az.value === 0) return without(form, ['allowzero']);
  const target = knownList(form.inputs[1]);
  if (target && !target.includes(0)) return without(form, ['allowzero']);
  throw new Error('allowzero=1 with a target shape that may hold 0 is not supported');
}

/** Reductions: a constant axes input becomes the axes attribute. */
function reduceForm(form: NodeForm): NodeForm {
  const [x, axesInput] = form.inputs;
  const noopAttr = form.attrs['noop_with_empty_axes'];
  const noop = noopAttr?.type === 'int' && noopAttr.value === 1;
  const rest = without(form, ['noop_with_empty_axes']);
  const axes = axesInput ? knownList(axesInput) : [];
  if (axes === null) throw new Error('the axes input must be a constant');
  if (axes.length === 0 && noop) return { op: 'Identity', inputs: [x ?? null], attrs: {} };
  const attrs: Record<string, Attr> = { ...rest.attrs };
  if (axes.length > 0) attrs['axes'] = { type: 'ints', value: axes };
  return { op: form.op, inputs: [x ?? null], attrs };
}

/** ReduceSum (axes input since 13) with noop_with_empty_axes=1 and no axes is Identity. */
function reduceSumForm(form: NodeForm): NodeForm {
  const noop = form.attrs['noop_with_empty_axes'];
  if (noop?.type !== 'int' || noop.value !== 1) return form;
  const axes = form.inputs[1] ? knownList(form.inputs[1]) : [];
  if (axes === null) throw new Error('noop_with_empty_axes=1 needs a constant axes input');
  return axes.length === 0 ? { op: 'Identity', inputs: [form.inputs[0] ?? null], attrs: {} } : form;
}

/**
 * Split without a sizes input (equal parts, as many as the node has outputs; `num_outputs`
 * from opset 18, where the last part may be smaller): explicit sizes when the axis is static,
 * else `num_outputs`, which export drops again below opset 18.
 */
function splitForm(form: NodeForm, ints: MakeInts, outputs: number): NodeForm {
  const n = form.attrs['num_outputs'];
  const rest = without(form, ['num_outputs']);
  if (form.inputs[1]) return rest;
  const parts = n?.type === 'int' ? n.value : outputs;
  const x = form.inputs[0]!;
  const axisAttr = form.attrs['axis'];
  const axis = axisAttr?.type === 'int' ? axisAttr.value : 0;
  const d = x.hasShape ? x.shape[axis < 0 ? axis + x.rank : axis] : undefined;
  if (typeof d !== 'number') {
    return { ...rest, attrs: { ...rest.attrs, num_outputs: { type: 'int', value: parts } } };
  }
  const chunk = Math.ceil(d / parts);
  const sizes = Array.from({ length: parts }, (_, i) =>
    Math.max(0, Math.min(chunk, d - i * chunk)),
  );
  return { ...rest, inputs: [x, ints(sizes, 'split')] };
}

/** Pad: pads over a subset of axes (`axes` input) become pads over every axis. */
function padForm(form: NodeForm, ints: MakeInts): NodeForm {
  const [x, pads, value, axesInput] = form.inputs;
  if (!axesInput) return { ...form, inputs: [x ?? null, pads ?? null, value ?? null] };
  const axes = knownList(axesInput);
  const p = knownList(pads);
  if (!axes || !p || !x) throw new Error('Pad with an axes input needs constant pads and axes');
  const r = x.rank;
  const full = new Array<number>(2 * r).fill(0);
  axes.forEach((a, i) => {
    const ax = a < 0 ? a + r : a;
    full[ax] = p[i]!;
    full[ax + r] = p[i + axes.length]!;
  });
  return { ...form, inputs: [x, ints(full, 'pads'), value ?? null] };
}

/** Drops attributes at their default; throws when one has another value. */
function dropDefaults(
  form: NodeForm,
  defaults: Readonly<Record<string, number | string | null>>,
): NodeForm {
  for (const [name, dflt] of Object.entries(defaults)) {
    const a = form.attrs[name];
    if (!a) continue;
    const isDefault =
      (a.type === 'int' && a.value === dflt) ||
      (a.type === 'string' && a.value === dflt) ||
      (a.type === 'ints' && typeof dflt === 'number' && a.value.every((v) => v === dflt));
    if (!isDefault) {
      throw new Error(`attribute ${name}=${JSON.stringify(a.value)} (opset 18+) is not supported`);
    }
  }
  return without(form, Object.keys(defaults));
}

/** A node as export writes it: inputs may be new constant tensors (written as initializers). */
export interface ExportForm {
  readonly inputs: readonly (Value | TensorData | null)[];
  readonly attrs: Attrs;
}

/** Rewrites an opset-17 node of scorekit's IR into the form of default-domain `opset`. */
export function fromOpset17(
  op: string,
  inputs: readonly (Value | null)[],
  outputs: number,
  attrs: Attrs,
  opset: number,
): ExportForm {
  if (op === 'Split') return splitExportForm(inputs, attrs, outputs, opset);
  if (opset < 18) return { inputs, attrs };
  if (AXES_MOVED_AT_18.has(op) && attrs['axes']?.type === 'ints') {
    const axes = attrs['axes'].value;
    const rest = without({ op, inputs, attrs }, ['axes']).attrs;
    return { inputs: [inputs[0] ?? null, tensor('int64', [axes.length], axes)], attrs: rest };
  }
  return { inputs, attrs };
}

/** Split without sizes: `num_outputs` from opset 18 on, none before (ONNX rejects it). */
function splitExportForm(
  inputs: readonly (Value | null)[],
  attrs: Attrs,
  outputs: number,
  opset: number,
): ExportForm {
  if (inputs[1]) return { inputs, attrs };
  const base = without({ op: 'Split', inputs, attrs }, ['num_outputs']).attrs;
  if (opset < 18) return { inputs, attrs: base };
  return { inputs, attrs: { ...base, num_outputs: { type: 'int', value: outputs } } };
}
