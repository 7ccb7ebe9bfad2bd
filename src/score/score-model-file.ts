/**
 * Opening a score-model ONNX file (architecture.md, public contracts): checks the inputs `x`
 * float32 [N, ...D] and `sigma` float32 [N] and the output `score` of x's shape, reads the
 * scorekit.* metadata, and returns a {@link ScoreFn} running in ONNX Runtime. Files from any
 * exporter (e.g. torch.onnx.export) qualify; every problem is one error naming the file.
 */
import {
  decodeModel,
  type OnnxTensorType,
  type OnnxValueInfo,
} from '../graph/onnx/decode-model.ts';
import { Session, type SessionOptions } from '../runtime/session.ts';
import { sessionScoreFn } from './onnx-score.ts';
import type { ScoreFn } from './score-fn.ts';

/** What the file declares about itself. */
export interface ScoreModelInfo {
  /** scorekit.sigmas, descending. */
  readonly sigmas?: readonly number[];
  /** scorekit.data_shape, else the static dims of input x after the batch axis. */
  readonly dataShape?: readonly number[];
  /** scorekit.data_range. */
  readonly dataRange?: readonly [number, number];
  /** The dims of input x after the batch axis (numbers, or null where symbolic). */
  readonly inputDims: readonly (number | null)[] | null;
}

/** An opened score model. */
export interface ScoreModel {
  readonly score: ScoreFn;
  readonly info: ScoreModelInfo;
  release(): Promise<void>;
}

/** Validates `bytes` as a score-model file (named `source` in errors) and opens a session. */
export async function openScoreModel(
  bytes: Uint8Array,
  source: string,
  opts: SessionOptions = {},
): Promise<ScoreModel> {
  const info = readScoreModelInfo(bytes, source);
  let session: Session;
  try {
    session = await Session.fromBytes(bytes, opts);
  } catch (e) {
    throw new Error(
      `${source}: ONNX Runtime cannot load it: ${(e as Error).message.split('\n')[0]}`,
      { cause: e },
    );
  }
  return { score: sessionScoreFn(session), info, release: () => session.release() };
}

/** Checks the score-model contract of `bytes` and reads its metadata (no session). */
export function readScoreModelInfo(bytes: Uint8Array, source: string): ScoreModelInfo {
  let model;
  try {
    model = decodeModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new Error(`${source}: not an ONNX model (${(e as Error).message})`, { cause: e });
  }
  const g = model.graph;
  const x = find(g.inputs, 'x', 'input', source);
  const sigma = find(g.inputs, 'sigma', 'input', source);
  const score = find(g.outputs, 'score', 'output', source);
  const xType = float32(x, source);
  const sigmaType = float32(sigma, source);
  const scoreType = float32(score, source);
  if (xType.shape && xType.shape.length < 2)
    throw new Error(
      `${source}: input "x" must be [N, ...D] (rank >= 2), got rank ${xType.shape.length}`,
    );
  if (sigmaType.shape && sigmaType.shape.length !== 1)
    throw new Error(
      `${source}: input "sigma" must be [N] (rank 1), got rank ${sigmaType.shape.length}`,
    );
  if (xType.shape && scoreType.shape && !sameDims(xType.shape, scoreType.shape))
    throw new Error(
      `${source}: output "score" has shape ${dims(scoreType.shape)} but input "x" has ${dims(xType.shape)}`,
    );
  const inputDims = xType.shape
    ? xType.shape.slice(1).map((d) => (typeof d === 'number' ? d : null))
    : null;
  const meta = model.metadata;
  const sigmas = jsonMeta(meta, 'scorekit.sigmas', source, isSigmas);
  const metaShape = jsonMeta(meta, 'scorekit.data_shape', source, isShape);
  const dataRange = jsonMeta(meta, 'scorekit.data_range', source, isRange);
  const staticShape = inputDims?.every((d) => d !== null) ? (inputDims as number[]) : undefined;
  return { sigmas, dataShape: metaShape ?? staticShape, dataRange, inputDims };
}

function find(
  list: readonly OnnxValueInfo[],
  name: string,
  what: string,
  source: string,
): OnnxValueInfo {
  const v = list.find((i) => i.name === name);
  if (!v) {
    throw new Error(
      `${source}: not a score model: no ${what} "${name}" (${what}s: ${list.map((i) => i.name).join(', ') || 'none'}); a score model has inputs x [N, ...D], sigma [N] and output score [N, ...D]`,
    );
  }
  return v;
}

function float32(v: OnnxValueInfo, source: string): OnnxTensorType {
  if (!v.type || v.type.dtype !== 'float32')
    throw new Error(
      `${source}: "${v.name}" must be a float32 tensor, got ${v.type?.dtype ?? 'a non-tensor type'}`,
    );
  return v.type;
}

function sameDims(
  a: readonly (number | string | null)[],
  b: readonly (number | string | null)[],
): boolean {
  return (
    a.length === b.length &&
    a.every((d, i) => typeof d !== 'number' || typeof b[i] !== 'number' || d === b[i])
  );
}

function dims(s: readonly (number | string | null)[]): string {
  return `[${s.map((d) => d ?? '?').join(', ')}]`;
}

function jsonMeta<T>(
  meta: Readonly<Record<string, string>>,
  key: string,
  source: string,
  check: (v: unknown) => v is T,
): T | undefined {
  const raw = meta[key];
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new Error(`${source}: metadata ${key} is not JSON: ${raw.slice(0, 80)}`);
  }
  if (!check(v)) throw new Error(`${source}: metadata ${key} is invalid: ${raw.slice(0, 80)}`);
  return v;
}

const isSigmas = (v: unknown): v is number[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every((s, i) => typeof s === 'number' && s > 0 && (i === 0 || s < (v[i - 1] as number)));
const isShape = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length > 0 && v.every((d) => Number.isInteger(d) && d > 0);
const isRange = (v: unknown): v is [number, number] =>
  Array.isArray(v) &&
  v.length === 2 &&
  typeof v[0] === 'number' &&
  typeof v[1] === 'number' &&
  v[0] < v[1];
