/**
 * Lowers 2-D convolutions to ONNX Runtime's blocked-layout kernels (domain
 * `com.microsoft.nchwc`: ReorderInput, Conv, ReorderOutput) with the weight reordered inside
 * the graph, so that convolutions whose weights are graph inputs (every training step) get
 * the same MLAS NCHWc kernels that ONNX Runtime's own layout transformer gives only to
 * constant weights. Measured gain: docs/PERFORMANCE.md ("NCHWc lowering").
 *
 * Runtime-only: applied by `compile` just before a graph is handed to onnxruntime-node; the
 * graph the user built and every exported file stay standard ONNX.
 *
 * What is rewritten (block size B = MlasNchwcGetBlockSize(): 16 with AVX-512, 8 with AVX2):
 * - Conv, float32, 2-D, group 1, input and output channels multiples of B, weight not a
 *   constant (ONNX Runtime lowers those itself): ReorderInput(x), nchwc Conv with the weight
 *   permuted from OIHW to OIHWBiBo, ReorderOutput;
 * - ConvTranspose with stride 1 and group 1 (the input gradient of a Conv): the equivalent
 *   Conv with the spatially flipped, transposed weight, lowered as above;
 * - Relu of a lowered Conv's output is also computed in blocked form, so a following Conv
 *   reads it without a ReorderInput (unused copies are pruned at export);
 * - a weight that is an activation with its first two axes swapped (a weight gradient
 *   computed as a Conv, graph/ops/conv-weight-grad-as-conv.ts) is blocked by a ReorderInput
 *   and a Transpose of 64-byte runs instead of the element-wise 6-D Transpose;
 * - a Conv input that is such a swapped activation, x^T, is blocked by one ReorderInput of x
 *   read as N/B images (for all pieces of a batch Split of x at once), and a piece of a Split
 *   along the batch or along whole channel blocks by the same Split of the blocked source:
 *   the chunked weight gradients of graph/ops/conv-weight-grad-as-conv.ts.
 * Everything else (groups, odd channel counts, strides in ConvTranspose, 1-D/3-D) is copied
 * unchanged and runs on ONNX Runtime's plain kernels.
 */
import type { Attrs, Node, Value } from '../graph/graph.ts';
import { convParams, type ConvParams } from '../graph/ops/conv.ts';
import { intAttr } from '../graph/ops/int-inputs.ts';
import { intA, intsA, intsAttr, windowAttrs } from '../graph/ops/window.ts';
import { tensor } from '../graph/tensor.ts';
import type { ExportOptions } from '../graph/onnx/export.ts';
import type { Graph } from '../graph/graph.ts';
import { equivalentPads, flipSpatial } from './conv-transpose-swap.ts';
import { zeroPads } from './pad-by-concat.ts';
import { type RewriteContext, rewriteGraph, type Rewritten } from './rewrite-graph.ts';

/** The ONNX Runtime domain of the blocked-layout kernels. */
export const NCHWC_DOMAIN = 'com.microsoft.nchwc';

/** Whether a channel count can be blocked. */
function blocks(c: unknown, b: number): c is number {
  return typeof c === 'number' && c > 0 && c % b === 0;
}

/** The Conv parameters of `node` if it is a float32 2-D group-1 convolution, else null. */
function plainConv2d(node: Node): ConvParams | null {
  const [x, w] = node.inputs;
  if (!x || !w || x.dtype !== 'float32' || x.rank !== 4 || w.rank !== 4) return null;
  if (!w.shape.slice(2).every((d) => typeof d === 'number')) return null;
  const p = convParams(node.attrs, w);
  return p.group === 1 ? p : null;
}

/**
 * x = Pad(source) padding only H and W of [N, C, H, W] with zeros (of static shape): the
 * source and the spatial pads [top, left, bottom, right], else null.
 */
function spatialZeroPad(x: Value): { source: Value; pads: number[] } | null {
  const node = x.producer;
  const pads = node && x.rank === 4 ? zeroPads(node) : null;
  if (!pads || pads[0] || pads[1] || pads[4] || pads[5]) return null;
  return { source: node!.inputs[0]!, pads: [pads[2]!, pads[3]!, pads[6]!, pads[7]!] };
}

/** t where w = Transpose(t, [1, 0, 2, 3]) (w's first two axes swapped), else null. */
function swappedAxesSource(w: Value): Value | null {
  const node = w.producer;
  if (node?.op !== 'Transpose' || node.domain !== '') return null;
  return intsAttr(node.attrs, 'perm')?.join() === '1,0,2,3' ? node.inputs[0]! : null;
}

/** The axis of a Split of a 4-D value (negative axes counted from the end). */
function splitAxis(node: Node): number {
  const a = intAttr(node.attrs, 'axis', 0);
  return a < 0 ? a + 4 : a;
}

/**
 * x = output `index` of a Split of a 4-D value along the batch, or along the channels with
 * every piece a whole number of blocks of `b`; else null.
 */
function blockSplitPiece(x: Value, b: number): { node: Node; index: number } | null {
  const node = x.producer;
  if (node?.op !== 'Split' || node.domain !== '' || x.rank !== 4 || !node.inputs[1]) return null;
  const axis = splitAxis(node);
  const whole = axis === 1 && node.outputs.every((o) => blocks(o.shape[1], b));
  if (axis !== 0 && !whole) return null;
  return { node, index: node.outputs.indexOf(x) };
}

/**
 * s = output `index` of a Split along the batch of a static 4-D value into whole blocks of
 * `b` examples; else null.
 */
function batchPiece(s: Value, b: number): { node: Node; index: number } | null {
  const piece = blockSplitPiece(s, b);
  if (!piece || splitAxis(piece.node) !== 0) return null;
  const source = piece.node.inputs[0]!;
  if (!source.shape.every((d) => typeof d === 'number')) return null;
  return piece.node.outputs.every((o) => blocks(o.shape[0], b)) ? piece : null;
}

/** Per-rewrite state: blocked forms of values and reordered weights, shared between uses. */
class NchwcLowering {
  /** Original value -> its blocked form in the new graph. */
  private readonly blocked = new Map<Value, Value>();
  /** `${kind}:${weight name}` -> the reordered weight. */
  private readonly weights = new Map<string, Value>();
  /** Split node -> the blocked forms of its outputs. */
  private readonly pieces = new Map<Node, Value[]>();
  /** Split node along the batch -> the blocked forms of its outputs with axes 0, 1 swapped. */
  private readonly swappedPieces = new Map<Node, Value[]>();

  constructor(
    private readonly b: number,
    private readonly ctx: RewriteContext,
  ) {}

  private ints(values: readonly number[]): Value {
    return this.ctx.constant(tensor('int64', [values.length], values));
  }

  private reshape(x: Value, shape: readonly number[]): Value {
    return this.ctx.apply('Reshape', [x, this.ints(shape)]);
  }

  /** x [N, C, H, W] in blocked form [N, C, H, W] (C/B blocks of H*W*B). */
  private blockedInput(x: Value): Value {
    let v = this.blocked.get(x);
    if (!v) {
      v = this.blockedFromSource(x) ?? this.reorderInput(this.ctx.map(x));
      this.blocked.set(x, v);
    }
    return v;
  }

  /** ReorderInput of a plain 4-D value of the new graph. */
  private reorderInput(m: Value): Value {
    return this.ctx.add(
      'ReorderInput',
      [m],
      {},
      [{ dtype: m.dtype, shape: m.shape }],
      NCHWC_DOMAIN,
    )[0]!;
  }

  /**
   * The blocked form of x computed from the blocked form of what x is made of, where that
   * saves passes over the data: a zero padding of H and W, a piece of a Split along the
   * batch or along whole channel blocks, or x = Transpose(s, [1, 0, 2, 3]) with s's batch a
   * multiple of B (the input of a weight gradient computed as a Conv; when s is a piece of a
   * batch Split, all pieces are reordered together); else null.
   */
  private blockedFromSource(x: Value): Value | null {
    const padded = spatialZeroPad(x);
    if (padded) return this.blockedPad(this.blockedInput(padded.source), padded.pads);
    const piece = blockSplitPiece(x, this.b);
    if (piece) return this.blockedPieces(piece.node)[piece.index]!;
    const swapped = swappedAxesSource(x);
    if (!swapped || x.rank !== 4 || !swapped.shape.every((d) => typeof d === 'number')) return null;
    const batch = batchPiece(swapped, this.b);
    if (batch) return this.blockedSwappedPieces(batch.node)[batch.index]!;
    return blocks(swapped.shape[0], this.b) ? this.blockedSwapped(swapped) : null;
  }

  /**
   * The blocked outputs of a Split of a 4-D value along the batch or along whole channel
   * blocks: the same Split of the blocked source (blocks never straddle the cut, so each
   * piece's blocked form is a contiguous run of the blocked source per example).
   */
  private blockedPieces(node: Node): Value[] {
    let pieces = this.pieces.get(node);
    if (!pieces) {
      const [source, sizes] = node.inputs as [Value, Value];
      pieces = this.ctx.add(
        'Split',
        [this.blockedInput(source), this.ctx.map(sizes)],
        node.attrs,
        node.outputs.map((o) => ({ dtype: o.dtype, shape: o.shape })),
      );
      this.pieces.set(node, pieces);
    }
    return pieces;
  }

  /**
   * The blocked form of s^T = Transpose(s, [1, 0, 2, 3]), s [N, C, H, W] with N a multiple
   * of B: [C, N/B, H, W, B]. s read as N/B images [N/B, B, C H, W] is reordered by
   * ReorderInput into [N/B, C, H, W, B] (B examples innermost) without the plain Transpose.
   */
  private blockedSwapped(s: Value): Value {
    const [n, c, h, w] = s.shape as number[] as [number, number, number, number];
    return this.swappedFromBlocks(this.blockedSwappedSource(s), n / this.b, c, h, w);
  }

  /**
   * Blocked s^T for each piece s of a Split along the batch whose pieces are whole blocks of
   * examples: one ReorderInput of the Split's source, then the same Split in blocks. (One
   * ReorderInput per piece of B examples is a single work item, which ONNX Runtime runs on
   * one thread.)
   */
  private blockedSwappedPieces(node: Node): Value[] {
    let pieces = this.swappedPieces.get(node);
    if (!pieces) {
      const [n, c, h, w] = node.inputs[0]!.shape as number[] as [number, number, number, number];
      const b = this.b;
      const whole = this.blockedSwappedSource(node.inputs[0]!);
      const counts = node.outputs.map((o) => (o.shape[0] as number) / b);
      const parts = this.ctx.add(
        'Split',
        [this.reshape(whole, [n / b, c * h * w * b]), this.ints(counts)],
        { axis: intA(0) },
        counts.map((k) => ({ dtype: whole.dtype, shape: [k, c * h * w * b] })),
      );
      pieces = parts.map((part, i) => this.swappedFromBlocks(part, counts[i]!, c, h, w));
      this.swappedPieces.set(node, pieces);
    }
    return pieces;
  }

  /** ReorderInput of s [N, C, H, W] read as N/B images [N/B, B, C H, W]: [N/B, C, H, W, B]. */
  private blockedSwappedSource(s: Value): Value {
    const [n, c, h, w] = s.shape as number[] as [number, number, number, number];
    return this.reorderInput(this.reshape(this.ctx.map(s), [n / this.b, this.b, c * h, w]));
  }

  /**
   * k blocks of B examples [k, C, H, W, B] as the blocked s^T [C, k B, H, W]: for k > 1 a
   * Transpose of H W B-float runs moves C out.
   */
  private swappedFromBlocks(v: Value, k: number, c: number, h: number, w: number): Value {
    if (k === 1) return this.reshape(v, [c, this.b, h, w]);
    const runs = this.reshape(v, [k, c, h * w * this.b]);
    const moved = this.ctx.apply('Transpose', [runs], { perm: intsA([1, 0, 2]) });
    return this.reshape(moved, [c, k * this.b, h, w]);
  }

  /**
   * A zero padding of H and W ([top, left, bottom, right]) done in blocked form: on the view
   * [N C/B, H, W, B] it copies runs of B floats and whole rows, where the same Pad before
   * ReorderInput copies single floats at the row ends (pad-by-concat.ts turns both into
   * Concats; measured in docs/PERFORMANCE.md, "Weight gradient as a convolution").
   */
  private blockedPad(xb: Value, pads: readonly number[]): Value {
    const [n, c, h, w] = xb.shape as number[] as [number, number, number, number];
    const [pt, pl, pb, pr] = pads as [number, number, number, number];
    const view = this.reshape(xb, [(n * c) / this.b, h, w, this.b]);
    const padded = this.ctx.apply('Pad', [view, this.ints([0, pt, pl, 0, 0, pb, pr, 0])]);
    return this.reshape(padded, [n, c, h + pt + pb, w + pl + pr]);
  }

  /**
   * The OIHWBiBo form of a Conv weight w [M, C, kh, kw]: blocks [M/B, C/B, kh, kw, Bi, Bo]
   * with element (ob, ib, i, j, bi, bo) = w[ob B + bo, ib B + bi, i, j]; with `flip`, of the
   * equivalent Conv weight of a ConvTranspose with weight w: w'[c, m, i, j] =
   * w[m, c, kh-1-i, kw-1-j].
   */
  private reorderedWeight(w: Value, flip: boolean): Value {
    const key = `${flip ? 'flip' : 'fwd'}:${w.name}`;
    let v = this.weights.get(key);
    if (v) return v;
    const [m, c, kh, kw] = w.shape as number[] as [number, number, number, number];
    const swapped = flip ? null : swappedAxesSource(w);
    v = swapped
      ? this.reorderedSwapped(swapped, m, c, kh, kw)
      : this.reorderedPlain(w, flip, m, c, kh, kw);
    this.weights.set(key, v);
    return v;
  }

  /** {@link reorderedWeight} by one 6-D Transpose (weights of parameter size). */
  private reorderedPlain(
    w: Value,
    flip: boolean,
    m: number,
    c: number,
    kh: number,
    kw: number,
  ): Value {
    const b = this.b;
    const src = flip ? flipSpatial(this.ctx, this.ctx.map(w)) : this.ctx.map(w);
    const split = this.reshape(src, [m / b, b, c / b, b, kh, kw]);
    // Forward: (ob, bo, ib, bi, i, j) -> (ob, ib, i, j, bi, bo). Flipped: the Conv's output
    // channels are w's C axis, its input channels w's M axis.
    const perm = flip ? [2, 0, 4, 5, 1, 3] : [0, 2, 4, 5, 3, 1];
    const t = this.ctx.apply('Transpose', [split], { perm: intsA(perm) });
    return this.reshape(t, flip ? [c, m, kh, kw] : [m, c, kh, kw]);
  }

  /**
   * The OIHWBiBo form of w = Transpose(t, [1, 0, 2, 3]), t [C, M, kh, kw] (a weight gradient
   * computed as a Conv, graph/ops/conv-weight-grad-as-conv.ts, whose "weight" is an
   * activation-sized output gradient): ReorderInput blocks t's M axis innermost, [C, M/B, kh,
   * kw, B], and a Transpose that keeps that axis innermost (64-byte runs) moves C's blocks
   * in: (ib, bi, ob, i, j, bo) -> (ob, ib, i, j, bi, bo). One 6-D Transpose from t instead,
   * as for other weights, moves single floats and took 5x longer (1.3 ms against 0.25 for
   * [64, 32, 14, 14]); ONNX Runtime fuses two plain Transposes into that one.
   */
  private reorderedSwapped(t: Value, m: number, c: number, kh: number, kw: number): Value {
    const b = this.b;
    // The same blocked t as a Conv reading t would use: the output gradient of a
    // convolution is also the input of its input-gradient Conv.
    const blocked = this.blockedInput(t);
    const split = this.reshape(blocked, [c / b, b, m / b, kh, kw, b]);
    const moved = this.ctx.apply('Transpose', [split], { perm: intsA([2, 0, 3, 4, 1, 5]) });
    return this.reshape(moved, [m, c, kh, kw]);
  }

  /** Emits the blocked Conv for original input x, returning the plain output. */
  private conv(
    node: Node,
    x: Value,
    w: Value,
    bias: Value | null,
    attrs: Attrs,
    outChannels: number,
  ): Value[] {
    const y = node.outputs[0]!;
    const yb = this.ctx.add(
      'Conv',
      [this.blockedInput(x), w, bias ? this.ctx.map(bias) : null],
      attrs,
      [{ dtype: y.dtype, shape: y.shape }],
      NCHWC_DOMAIN,
    )[0]!;
    this.blocked.set(y, yb);
    const out = this.ctx.add(
      'ReorderOutput',
      [yb],
      { channels: intA(outChannels) },
      [{ dtype: y.dtype, shape: y.shape }],
      NCHWC_DOMAIN,
    );
    return out;
  }

  /** The rewrite rule. */
  rewrite(node: Node): Value[] | null {
    if (node.domain !== '') return null;
    if (node.op === 'Relu') return this.relu(node);
    if (node.op !== 'Conv' && node.op !== 'ConvTranspose') return null;
    const p = plainConv2d(node);
    if (!p) return null;
    const [x, w, bias] = node.inputs as [Value, Value, Value | undefined];
    const [wo, wi] = [w.shape[0], w.shape[1]];
    if (!blocks(wo, this.b) || !blocks(wi, this.b)) return null;
    // ONNX Runtime's own NCHWc transformer already takes a Conv with a constant weight, and
    // also fuses its activation and residual Add, so such a Conv is left to it.
    if (node.op === 'Conv' && w.producer?.op === 'Constant') return null;
    if (node.op === 'Conv')
      return this.conv(node, x, this.reorderedWeight(w, false), bias ?? null, windowAttrs(p), wo);
    return this.convTranspose(node, p, x, w, bias ?? null, wi);
  }

  /** ConvTranspose with stride 1 as a Conv with flipped, transposed weight and new pads. */
  private convTranspose(
    node: Node,
    p: ConvParams,
    x: Value,
    w: Value,
    bias: Value | null,
    outChannels: number,
  ): Value[] | null {
    const pads = equivalentPads(node, p);
    if (!pads) return null;
    const attrs = windowAttrs({ ...p, pads });
    return this.conv(node, x, this.reorderedWeight(w, true), bias, attrs, outChannels);
  }

  /** Relu of a blocked value: also computed in blocked form (elementwise, same layout). */
  private relu(node: Node): null {
    const xb = this.blocked.get(node.inputs[0]!);
    if (xb) {
      const y = node.outputs[0]!;
      const yb = this.ctx.add('Relu', [xb], {}, [{ dtype: y.dtype, shape: y.shape }])[0]!;
      this.blocked.set(y, yb);
    }
    return null;
  }
}

/**
 * Rewrites the convolutions of `graph` that the blocked kernels support (see the module
 * comment) for ONNX Runtime with NCHWc block size `blockSize`. Returns the graph unchanged
 * (`replaced` 0) when nothing qualifies.
 */
export function lowerToNchwc(
  graph: Graph,
  exportOpts: ExportOptions,
  blockSize: number,
): Rewritten {
  let lowering: NchwcLowering | null = null;
  const r = rewriteGraph(
    graph,
    exportOpts,
    (node, ctx) => (lowering ??= new NchwcLowering(blockSize, ctx)).rewrite(node),
    'nchwc',
  );
  if (r.replaced === 0) return { graph, exportOpts, replaced: 0 };
  return {
    ...r,
    exportOpts: { ...r.exportOpts, opsets: { ...r.exportOpts.opsets, [NCHWC_DOMAIN]: 1 } },
  };
}
