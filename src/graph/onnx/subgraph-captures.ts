/**
 * Outer-scope references of subgraph attributes (If branches, Loop and Scan bodies): the
 * names a subgraph reads that it does not define itself. They are dependencies of the node
 * that holds the subgraph without being its inputs.
 */
import { decodeGraph, type OnnxGraph } from './decode-model.ts';
import { decodeTensor } from './decode-tensor.ts';
import * as S from './schema.ts';
import { asBytes, fieldsNumbered, readFields } from './wire.ts';

/** Names from the enclosing scopes read by the subgraphs of an encoded AttributeProto. */
export function capturedNames(attribute: Uint8Array): string[] {
  const fields = readFields(attribute, 'AttributeProto');
  const graphs = [
    ...fieldsNumbered(fields, S.AttributeProto.g),
    ...fieldsNumbered(fields, S.AttributeProto.graphs),
  ];
  const out = new Set<string>();
  for (const g of graphs) for (const n of graphCaptures(decodeGraph(asBytes(g)))) out.add(n);
  return [...out];
}

function graphCaptures(g: OnnxGraph): Set<string> {
  const defined = new Set<string>([
    ...g.inputs.map((v) => v.name),
    ...g.initializers.map((b) => decodeTensor(b, 'subgraph initializer').name),
  ]);
  const used = new Set<string>();
  for (const n of g.nodes) {
    for (const i of n.inputs) if (i !== '' && !defined.has(i)) used.add(i);
    for (const a of n.attributes) {
      for (const c of capturedNames(a)) if (!defined.has(c)) used.add(c);
    }
    for (const o of n.outputs) defined.add(o);
  }
  for (const o of g.outputs) if (!defined.has(o.name)) used.add(o.name);
  return used;
}
