/** Reducing a broadcast gradient back to an input's shape (the VJP of broadcasting). */
import type { Value } from '../graph.ts';
import { shapesEqual, shapeToString } from '../shape.ts';
import { reduceSum } from './reduce.ts';
import { reshape } from './layout.ts';

/**
 * Sums `g` (the gradient of a broadcast result) over the axes that broadcasting added or
 * stretched, so that it has `target`'s shape.
 */
export function sumToShape(g: Value, target: Value): Value {
  const gs = g.shape;
  const ts = target.shape;
  if (shapesEqual(gs, ts)) return g;
  const lead = gs.length - ts.length;
  if (lead < 0)
    throw new Error(`sumToShape: ${shapeToString(gs)} has lower rank than ${shapeToString(ts)}`);
  const axes: number[] = [];
  for (let i = 0; i < gs.length; i++) {
    if (i < lead) axes.push(i);
    else if (ts[i - lead] === 1 && gs[i] !== 1) axes.push(i);
    else if (ts[i - lead] !== gs[i]) {
      throw new Error(
        `sumToShape: cannot reduce ${shapeToString(gs)} to ${shapeToString(ts)} (dimension ${i} differs)`,
      );
    }
  }
  const summed = axes.length ? reduceSum(g, axes, true) : g;
  return lead > 0 || !shapesEqual(summed.shape, ts) ? reshape(summed, ts) : summed;
}
