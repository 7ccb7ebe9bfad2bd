/**
 * The NCHWc block size of this machine's ONNX Runtime CPU kernels (MLAS): 16 with AVX-512,
 * 8 with AVX2, 0 where the blocked kernels are unavailable (other CPUs, other builds).
 *
 * Detected at run time by running ReorderInput (domain com.microsoft.nchwc) on a tensor with
 * 4 channels: it pads the channel axis to one block, so the output's channel count is the
 * block size. If the kernel is not registered the session cannot be created, which means 0.
 */
import ort from 'onnxruntime-node';
import { Graph } from '../graph/graph.ts';
import { exportOnnx } from '../graph/onnx/export.ts';
import { NCHWC_DOMAIN } from './nchwc-lowering.ts';

let cached: Promise<number> | null = null;

/** The ONNX bytes of y = ReorderInput(x), x: float32 [1, 4, 1, 1]. */
function probeModel(): Uint8Array {
  const g = new Graph();
  const x = g.input('x', 'float32', [1, 4, 1, 1]);
  const y = g.addNode('ReorderInput', [x], {}, [{ dtype: 'float32', shape: null }], NCHWC_DOMAIN)
    .outputs[0]!;
  return exportOnnx(g, { inputs: [x], outputs: { y }, opsets: { [NCHWC_DOMAIN]: 1 } });
}

async function detect(): Promise<number> {
  try {
    const session = await ort.InferenceSession.create(probeModel(), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'disabled',
    });
    const x = new ort.Tensor('float32', new Float32Array(4), [1, 4, 1, 1]);
    const { y } = await session.run({ x });
    await session.release();
    const b = y?.dims[1] ?? 0;
    return b >= 4 && Number.isInteger(b) ? b : 0;
  } catch {
    return 0;
  }
}

/** The NCHWc block size (0: unavailable); detected once per process. */
export function nchwcBlockSize(): Promise<number> {
  cached ??= detect();
  return cached;
}
