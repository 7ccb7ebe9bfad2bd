/** Runs a graph once with ONNX Runtime and returns each output's elements as numbers. */
import type { Graph, TensorData, Value } from '../../src/graph/index.ts';
import { tensorValues } from '../../src/graph/index.ts';
import { compile } from '../../src/runtime/session.ts';

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
