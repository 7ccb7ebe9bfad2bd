/** Runs a graph once with ONNX Runtime and returns each output's elements as numbers. */
import type { Graph, TensorData, Value } from '../../src/graph/index.ts';
import { tensorValues } from '../../src/graph/index.ts';
import { exportOnnx, type ExportOptions } from '../../src/graph/onnx/export.ts';
import { compile, Session } from '../../src/runtime/session.ts';

/** Feeds `values` to `inputs` and returns every output in `outputs` as a flat number array. */
export async function run(
  g: Graph,
  inputs: readonly Value[],
  values: readonly TensorData[],
  outputs: Readonly<Record<string, Value>>,
): Promise<Record<string, number[]>> {
  const session = await compile(g, { inputs, outputs }, { threads: 1 });
  const feeds = Object.fromEntries(inputs.map((v, i) => [v.name, values[i]!]));
  const result = await session.run(feeds);
  await session.release();
  return Object.fromEntries(Object.entries(result).map(([k, t]) => [k, tensorValues(t)]));
}

/**
 * Runs the exported bytes of `graph` as they are, without `compile`'s rewrites for ONNX
 * Runtime (one thread): the reference a rewrite in src/runtime/ is compared with, and the
 * way to run a graph a rewrite returned.
 */
export async function runUncompiled(
  graph: Graph,
  opts: ExportOptions,
  feeds: Readonly<Record<string, TensorData>>,
): Promise<Record<string, TensorData>> {
  const s = await Session.fromBytes(exportOnnx(graph, opts), { threads: 1 });
  const out = await s.run(feeds);
  await s.release();
  return out;
}
