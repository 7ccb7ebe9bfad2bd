import { describe, expect, it } from 'vitest';
import * as G from '../../src/graph/index.ts';

function setup(): { g: G.Graph; a: G.Value; b: G.Value; c: G.Value; f: G.Value } {
  const g = new G.Graph();
  return {
    g,
    a: g.input('a', 'float32', ['N', 3]),
    b: g.input('b', 'float32', ['N', 4]),
    c: g.input('c', 'float64', ['N', 3]),
    f: g.input('f', 'float32', [2]),
  };
}

describe('indexing errors name the operator, its inputs and their shapes', () => {
  it('Concat with mismatched shapes', () => {
    const { a, b } = setup();
    expect(() => G.concat([a, b], 0)).toThrow(
      'Concat: input 1 [N, 4] does not match input 0 [N, 3] outside axis 0 (inputs: a: float32[N, 3], b: float32[N, 4])',
    );
  });
  it('Concat with mismatched types', () => {
    const { a, c } = setup();
    expect(() => G.concat([a, c], 1)).toThrow(
      /^Concat: input 1 has type float64, input 0 has float32 \(inputs: a: float32\[N, 3\], c: float64\[N, 3\]\)/,
    );
  });
  it('Gather with an out-of-range index, float indices, or a bad axis', () => {
    const { a, f } = setup();
    expect(() => G.gather(a, [3], 1)).toThrow(
      /^Gather: index 3 is out of range for axis 1 of size 3 \(inputs: a: float32\[N, 3\], .*int64\[1\]\)/,
    );
    expect(() => G.gather(a, f, 1)).toThrow(
      'Gather: indices must be int64 or int32, got float32 (inputs: a: float32[N, 3], f: float32[2])',
    );
    expect(() => G.gather(a, [0], 2)).toThrow(/^Gather: .*axis 2 is out of range for rank 2/);
  });
  it('Slice with repeated axes or a zero step', () => {
    const { a } = setup();
    expect(() => G.slice(a, [0, 0], [1, 1], [1, -1])).toThrow(
      /^Slice: axes \[1,-1\] repeat an axis \(inputs: a: float32\[N, 3\]/,
    );
    expect(() => G.slice(a, [0], [2], [1], [0])).toThrow(/^Slice: steps must be non-zero/);
  });
  it('Pad with the wrong number of pads, or reflect pads too large', () => {
    const { a } = setup();
    expect(() => G.pad(a, [1, 1])).toThrow(
      /^Pad: pads has 2 entries, expected 4 for rank 2 \(inputs: a: float32\[N, 3\]/,
    );
    expect(() => G.pad(a, [0, 3, 0, 0], { mode: 'reflect' })).toThrow(
      /^Pad: reflect pads 3, 0 of axis 1 must be below its size 3/,
    );
  });
  it('Split with sizes that do not add up', () => {
    const { a } = setup();
    expect(() => G.split(a, [1, 1], 1)).toThrow(
      /^Split: split sizes \[1, 1\] sum to 2, not to axis 1 of size 3 \(inputs: a: float32\[N, 3\]/,
    );
    expect(() => G.split(a, 2, 1)).toThrow(/does not divide into 2 parts/);
  });
  it('the gradient of a bounded slice of a symbolic axis', () => {
    const { a } = setup();
    expect(() => G.grad(G.reduceSum(G.slice(a, [0], [2], [0])), [a])).toThrow(
      /Slice gradient for a: float32\[N, 3\]: axis 0 has symbolic size N/,
    );
  });
});
