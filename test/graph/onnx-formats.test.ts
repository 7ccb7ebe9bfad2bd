/**
 * ONNX import without PyTorch: round trips of scorekit graphs, opset 18 node forms, typed
 * tensor fields, pass-through operators with raw attributes (subgraphs included), binding
 * inputs when composing models, and the error messages for files scorekit cannot read.
 */
import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';
import * as S from '../../src/graph/onnx/schema.ts';
import type { ProtoWriter } from '../../src/graph/onnx/wire.ts';
import { Session } from '../../src/runtime/session.ts';
import { randn } from '../helpers/gradcheck.ts';
import { initializer, node, rawModel, valueInfo } from '../helpers/onnx-model.ts';

const F = 'float32';

async function runBytes(
  bytes: Uint8Array,
  feeds: Record<string, G.TensorData>,
): Promise<Record<string, G.TensorData>> {
  const session = await Session.fromBytes(bytes, { threads: 1 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** Exports an imported model as it is. */
function reexport(m: G.ImportedModel): Uint8Array {
  return G.exportOnnx(m.graph, {
    inputs: m.inputs,
    outputs: m.outputs,
    metadata: m.metadata,
    opsets: m.opsets,
  });
}

function maxDiff(a: G.TensorData, b: G.TensorData): number {
  expect([...a.shape]).toEqual([...b.shape]);
  let d = 0;
  for (let i = 0; i < a.data.length; i++)
    d = Math.max(d, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  return d;
}

/** A small score-like scorekit graph: x [N, 4], sigma [N] -> score [N, 4]. */
function scorekitModel(): { g: G.Graph; x: G.Value; sigma: G.Value; score: G.Value } {
  const g = new G.Graph();
  const x = g.input('x', F, ['N', 4]);
  const sigma = g.input('sigma', F, ['N']);
  const w = G.constant(g, randn(F, [4, 6], 1), 'w');
  const h = G.tanh(G.matmul(x, w));
  const [a, b] = G.split(h, [2, 4], 1) as [G.Value, G.Value];
  const centred = G.sub(b, G.reduceMean(b, [1], true));
  const feat = G.concat([G.relu(a), G.reduceMax(centred, [1], true), G.softplus(a)], 1); // [N, 5]
  const w2 = G.constant(g, randn(F, [5, 4], 2), 'w2');
  const score = G.div(G.matmul(feat, w2), G.unsqueeze(sigma, [1]));
  return { g, x, sigma, score };
}

const feeds = {
  x: randn(F, [3, 4], 3),
  sigma: G.tensor(F, [3], [0.5, 1, 2]),
};

describe('ONNX export -> import -> export', () => {
  it('a scorekit graph keeps its outputs, gradients and metadata', async () => {
    const { g, x, sigma, score } = scorekitModel();
    const metadata = { 'scorekit.sigmas': '[2, 1, 0.5]', 'scorekit.data_range': '[-1, 1]' };
    const bytes = G.exportOnnx(g, { inputs: [x, sigma], outputs: { score }, metadata });
    const m = G.importOnnx(bytes, { source: 'score.onnx' });
    expect(m.metadata).toEqual(metadata);
    expect(m.opsets['']).toBe(S.OPSET);
    expect(m.passThrough).toEqual([]);
    const again = reexport(m);
    const [want, got] = [await runBytes(bytes, feeds), await runBytes(again, feeds)];
    expect(maxDiff(got['score']!, want['score']!)).toBe(0);
    // Gradients w.r.t. x agree between the original and the imported graph.
    const gradOf = async (gr: G.Graph, xv: G.Value, sv: G.Value, out: G.Value) => {
      const [gx] = G.grad(G.reduceSum(G.mul(out, out)), [xv]);
      const b = G.exportOnnx(gr, { inputs: [xv, sv], outputs: { gx: gx! } });
      return (await runBytes(b, feeds))['gx']!;
    };
    const [mx, ms] = m.inputs as [G.Value, G.Value];
    expect(
      maxDiff(await gradOf(m.graph, mx, ms, m.outputs['score']!), await gradOf(g, x, sigma, score)),
    ).toBeLessThan(1e-5);
  });

  it('imports a model twice into one graph with bound inputs (fused steps)', async () => {
    const { g, x, sigma, score } = scorekitModel();
    const bytes = G.exportOnnx(g, { inputs: [x, sigma], outputs: { score } });
    const host = new G.Graph();
    const hx = host.input('x', F, ['N', 4]);
    const hs = host.input('sigma', F, ['N']);
    const step = (xv: G.Value): G.Value => {
      const m = G.importOnnx(bytes, { graph: host, bind: { x: xv, sigma: hs } });
      expect(m.inputs).toEqual([]);
      return G.add(xv, G.mul(m.outputs['score']!, 0.1));
    };
    const x2 = step(step(hx));
    const fused = G.exportOnnx(host, { inputs: [hx, hs], outputs: { x2 } });
    const once = async (xt: G.TensorData) => {
      const s = (await runBytes(bytes, { x: xt, sigma: feeds.sigma }))['score']!;
      return G.tensor(
        F,
        xt.shape,
        Array.from(xt.data as Float32Array, (v, i) => v + 0.1 * Number(s.data[i])),
      );
    };
    const want = await once(await once(feeds.x));
    expect(maxDiff((await runBytes(fused, feeds))['x2']!, want)).toBeLessThan(1e-6);
  });
});

describe('ONNX import of newer opsets', () => {
  it('opset 18 ReduceMean/Split/Pad forms are rewritten to opset 17 and written back', async () => {
    const g = new G.Graph();
    const x = g.input('x', F, [2, 5]);
    const t = (shape: number[]) => [{ dtype: F, shape }] as const;
    const mean = g.addNode(
      'ReduceMean',
      [x, G.int64s(g, [1])],
      { keepdims: { type: 'int', value: 1 } },
      t([2, 1]),
      '',
      'mean',
    );
    const parts = g.addNode(
      'Split',
      [x],
      { axis: { type: 'int', value: 1 }, num_outputs: { type: 'int', value: 3 } },
      [...t([2, 2]), ...t([2, 2]), ...t([2, 1])],
      '',
      'split',
    );
    const padded = g.addNode(
      'Pad',
      [parts.outputs[2]!, G.int64s(g, [1, 2]), null, G.int64s(g, [1])],
      {},
      t([2, 4]),
      '',
      'pad',
    );
    const [p0, p1, p2] = parts.outputs as [G.Value, G.Value, G.Value];
    // [2, 5] + [2, 2] + [2, 2] + [2, 4] + [2, 1] -> [2, 14]
    const y = G.concat([G.sub(x, mean.outputs[0]!), p0, p1, padded.outputs[0]!, p2], 1);
    const bytes = G.exportOnnx(g, { inputs: [x], outputs: { y }, opsets: { '': 18 } });
    const m = G.importOnnx(bytes, { source: 'opset18.onnx' });
    const byName = (n: string) => m.graph.nodes.find((k) => k.name === n)!;
    expect(byName('mean').attr('axes')).toEqual({ type: 'ints', value: [1] });
    expect(byName('mean').inputs.length).toBe(1);
    expect(byName('split').attr('num_outputs')).toBeUndefined();
    expect(byName('pad').inputs.length).toBe(3);
    const again = reexport(m);
    const fx = { x: randn(F, [2, 5], 4) };
    expect(maxDiff((await runBytes(again, fx))['y']!, (await runBytes(bytes, fx))['y']!)).toBe(0);
    // Gradients of the imported graph run at opset 18 too.
    const [gx] = G.grad(G.reduceSum(m.outputs['y']!), m.inputs);
    const gb = G.exportOnnx(m.graph, { inputs: m.inputs, outputs: { gx: gx! }, opsets: m.opsets });
    expect((await runBytes(gb, fx))['gx']!.shape).toEqual([2, 5]);
  });

  it('opset 13 forms: Constant value_floats, Split by output count, ReduceSum no-op', async () => {
    const ints = (name: string, v: number) => (m: ProtoWriter) =>
      m.message(S.NodeProto.attribute, (a) =>
        a
          .string(S.AttributeProto.name, name)
          .int(S.AttributeProto.type, S.AttrType.INT)
          .int(S.AttributeProto.i, v),
      );
    const bytes = rawModel({
      opset: 13,
      irVersion: 7,
      graph: (g) => {
        node(g, 'Constant', 'k', [], ['k'], (m) =>
          m.message(S.NodeProto.attribute, (a) =>
            a
              .string(S.AttributeProto.name, 'value_floats')
              .int(S.AttributeProto.type, S.AttrType.FLOATS)
              .packedFloats(S.AttributeProto.floats, [1, 2, 3, 4]),
          ),
        );
        node(g, 'Split', 'halves', ['x'], ['a', 'b'], ints('axis', 1));
        node(g, 'ReduceSum', 'noop', ['a'], ['s'], ints('noop_with_empty_axes', 1));
        node(g, 'Mul', 'mul', ['s', 'b'], ['p']);
        node(g, 'Add', 'add', ['p', 'k'], ['y']);
        valueInfo(g, S.GraphProto.input, 'x', F, ['N', 8]);
        valueInfo(g, S.GraphProto.output, 'y', F, ['N', 4]);
      },
    });
    const m = G.importOnnx(bytes);
    expect(m.graph.nodes.find((n) => n.name === 'noop')!.op).toBe('Identity');
    expect(m.outputs['y']!.shape).toEqual(['N', 4]);
    const fx = { x: randn(F, [3, 8], 5) };
    expect(
      maxDiff((await runBytes(reexport(m), fx))['y']!, (await runBytes(bytes, fx))['y']!),
    ).toBe(0);
  });

  it('rejects opsets older than 13 and newer than 21, naming the version', () => {
    const identity = (opset: number) =>
      rawModel({
        opset,
        graph: (g) => {
          node(g, 'Identity', 'id', ['x'], ['y']);
          valueInfo(g, S.GraphProto.input, 'x', F, [2]);
          valueInfo(g, S.GraphProto.output, 'y', F, [2]);
        },
      });
    expect(() => G.importOnnx(identity(11), { source: 'old.onnx' })).toThrow(
      /old\.onnx: uses ONNX opset 11; scorekit imports opsets 13 to 21/,
    );
    expect(() => G.importOnnx(identity(22), { source: 'new.onnx' })).toThrow(
      /new\.onnx: uses ONNX opset 22/,
    );
    expect(G.importOnnx(identity(13)).outputs['y']!.shape).toEqual([2]);
  });
});

describe('ONNX tensors and pass-through operators', () => {
  it('decodes the typed data fields of initializers exactly', () => {
    const bytes = rawModel({
      opset: 17,
      graph: (g) => {
        initializer(g, 'f', 'float32', [2], (t) =>
          t.packedFloats(S.TensorProto.float_data, [1.5, -2]),
        );
        initializer(g, 'd', 'float64', [1], (t) =>
          t.bytes(S.TensorProto.double_data, new Uint8Array(new Float64Array([0.1]).buffer)),
        );
        initializer(g, 'i', 'int64', [2], (t) =>
          t.packedInts(S.TensorProto.int64_data, [9223372036854775807n, -3]),
        );
        initializer(g, 'b', 'bool', [3], (t) => t.packedInts(S.TensorProto.int32_data, [1, 0, 1]));
        initializer(g, 'u', 'uint8', [2], (t) => t.packedInts(S.TensorProto.int32_data, [255, 7]));
        initializer(g, 'r', 'int32', [2], (t) =>
          t.bytes(S.TensorProto.raw_data, new Uint8Array(new Int32Array([-5, 6]).buffer)),
        );
        node(g, 'Identity', 'id', ['f'], ['y']);
        valueInfo(g, S.GraphProto.output, 'y', F, [2]);
      },
    });
    const m = G.importOnnx(bytes);
    const data = (n: string) =>
      Array.from(m.initializers[n]!.known!.data as ArrayLike<number | bigint>);
    expect(data('f')).toEqual([1.5, -2]);
    expect(data('d')).toEqual([0.1]);
    expect(data('i')).toEqual([9223372036854775807n, -3n]);
    expect(data('b')).toEqual([1, 0, 1]);
    expect(m.initializers['b']!.dtype).toBe('bool');
    expect(data('u')).toEqual([255, 7]);
    expect(data('r')).toEqual([-5, 6]);
  });

  /** x [3] -> Abs -> If(c) { Neg } else { Identity } -> LeakyRelu(alpha 0.2) -> Erf. */
  function passThroughModel(): Uint8Array {
    const branch = (op: string, out: string) => (a: ProtoWriter) =>
      a
        .string(S.AttributeProto.name, op === 'Neg' ? 'then_branch' : 'else_branch')
        .int(S.AttributeProto.type, S.AttrType.GRAPH)
        .message(S.AttributeProto.g, (sg) => {
          sg.string(S.GraphProto.name, out);
          node(sg, op, `${out}_node`, ['ax'], [out]); // 'ax' from the enclosing graph
          valueInfo(sg, S.GraphProto.output, out, F, [3]);
        });
    return rawModel({
      opset: 17,
      graph: (g) => {
        node(g, 'Abs', 'outer', ['x'], ['ax']);
        node(g, 'If', 'branch', ['c'], ['h'], (m) => {
          m.message(S.NodeProto.attribute, branch('Neg', 'yt'));
          m.message(S.NodeProto.attribute, branch('Identity', 'ye'));
        });
        node(g, 'LeakyRelu', 'leaky', ['h'], ['l'], (m) =>
          m.message(S.NodeProto.attribute, (a) =>
            a
              .string(S.AttributeProto.name, 'alpha')
              .int(S.AttributeProto.type, S.AttrType.FLOAT)
              .float(S.AttributeProto.f, 0.2),
          ),
        );
        node(g, 'Erf', 'my_erf', ['l'], ['y']);
        valueInfo(g, S.GraphProto.input, 'x', F, [3]);
        valueInfo(g, S.GraphProto.input, 'c', 'bool', []);
        valueInfo(g, S.GraphProto.value_info, 'h', F, [3]);
        valueInfo(g, S.GraphProto.output, 'y', F, [3]);
      },
    });
  }

  it('keeps unknown operators and their attributes (subgraphs too) byte for byte', async () => {
    const bytes = passThroughModel();
    const m = G.importOnnx(bytes, { source: 'branchy.onnx' });
    expect(m.passThrough.map((n) => `${n.op}:${n.name}`)).toEqual([
      'If:branch',
      'LeakyRelu:leaky',
      'Erf:my_erf',
    ]);
    expect(m.outputs['y']!.shape).toEqual([3]);
    const again = reexport(m);
    const x = G.tensor(F, [3], [-1, 0.5, 2]);
    for (const c of [0, 1]) {
      const fx = { x, c: G.tensor('bool', [], [c]) };
      expect(maxDiff((await runBytes(again, fx))['y']!, (await runBytes(bytes, fx))['y']!)).toBe(0);
    }
    const m2 = G.importOnnx(again);
    const attrs = (mm: G.ImportedModel) => mm.passThrough.map((n) => Object.values(n.attrs));
    expect(attrs(m2)).toEqual(attrs(m));
  });

  it('grad through a pass-through operator names the operator and the node', () => {
    const m = G.importOnnx(passThroughModel());
    expect(() => G.grad(m.outputs['y']!, [m.inputs[0]!])).toThrow(
      /no gradient rule for Erf node "my_erf"/,
    );
    // x reaches the If node only through its subgraphs: still refused, not a silent zero.
    expect(() => G.grad(m.values.get('h')!, [m.inputs[0]!])).toThrow(
      /no gradient rule for subgraphs of If node "branch"/,
    );
  });

  it('a defined operator after an untyped custom operator is kept with an unknown shape', () => {
    const bytes = rawModel({
      opset: 17,
      graph: (g) => {
        g.message(S.GraphProto.node, (n) =>
          n
            .string(S.NodeProto.input, 'x')
            .string(S.NodeProto.output, 'h')
            .string(S.NodeProto.name, 'foo')
            .string(S.NodeProto.op_type, 'Foo')
            .string(S.NodeProto.domain, 'com.example'),
        );
        node(g, 'Relu', 'relu', ['h'], ['y']);
        valueInfo(g, S.GraphProto.input, 'x', F, ['N', 3]);
        valueInfo(g, S.GraphProto.output, 'y', F, ['N', 3]);
      },
    });
    const m = G.importOnnx(bytes);
    expect(m.values.get('h')!.hasShape).toBe(false);
    expect(m.outputs['y']!.shape).toEqual(['N', 3]);
    expect(() => G.grad(m.outputs['y']!, m.inputs)).toThrow(/com\.example|Foo/);
  });
});

describe('ONNX import errors name the file', () => {
  it('not an ONNX file, and a truncated one', () => {
    const json = new TextEncoder().encode('{"not": "onnx"}');
    expect(() => G.importOnnx(json, { source: 'data.json' })).toThrow(
      /^data\.json: not (a valid )?an? ONNX model|^data\.json: not/,
    );
    const { g, x, sigma, score } = scorekitModel();
    const bytes = G.exportOnnx(g, { inputs: [x, sigma], outputs: { score } });
    expect(() =>
      G.importOnnx(bytes.subarray(0, bytes.length - 40), { source: 'cut.onnx' }),
    ).toThrow(/^cut\.onnx: .*(truncated|runs past)/);
    expect(() => G.importOnnx(new Uint8Array(0), { source: 'empty.onnx' })).toThrow(
      /^empty\.onnx: not an ONNX model/,
    );
  });

  it('external data', () => {
    const bytes = rawModel({
      opset: 17,
      graph: (g) => {
        initializer(g, 'w', 'float32', [2], (t) =>
          t
            .int(S.TensorProto.data_location, S.DataLocation.EXTERNAL)
            .message(S.TensorProto.external_data, (e) =>
              e.string(1, 'location').string(2, 'w.bin'),
            ),
        );
        node(g, 'Identity', 'id', ['w'], ['y']);
        valueInfo(g, S.GraphProto.output, 'y', F, [2]);
      },
    });
    expect(() => G.importOnnx(bytes, { source: 'big.onnx' })).toThrow(
      /^big\.onnx: initializer #0 "w" keeps its data in an external file/,
    );
  });

  it('a model whose shapes do not fit names the node', () => {
    const bytes = rawModel({
      opset: 17,
      graph: (g) => {
        node(g, 'MatMul', 'mm', ['a', 'b'], ['y']);
        valueInfo(g, S.GraphProto.input, 'a', F, [2, 3]);
        valueInfo(g, S.GraphProto.input, 'b', F, [4, 5]);
        valueInfo(g, S.GraphProto.output, 'y', F, [2, 5]);
      },
    });
    expect(() => G.importOnnx(bytes, { source: 'bad.onnx' })).toThrow(
      /^bad\.onnx: node "mm" \(MatMul\): MatMul: inner dimensions differ/,
    );
  });
});
