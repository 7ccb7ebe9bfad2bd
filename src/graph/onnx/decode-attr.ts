/**
 * Decoding of ONNX AttributeProto messages into {@link Attr}. Attributes scorekit does not
 * interpret (subgraphs, sparse tensors, type protos, unsupported tensor types, references to
 * function attributes) are kept as `raw`: the whole encoded AttributeProto, which export
 * writes back verbatim.
 */
import type { Attr } from '../graph.ts';
import { decodeTensor, UnsupportedTensorError } from './decode-tensor.ts';
import * as S from './schema.ts';
import {
  asBytes,
  asFloat32,
  asFloatList,
  asInt,
  asIntList,
  asString,
  fieldsNumbered,
  intField,
  lastField,
  type ProtoField,
  readFields,
  stringField,
} from './wire.ts';

/** An attribute's name and value. */
export interface NamedAttr {
  readonly name: string;
  readonly attr: Attr;
}

/** The name of an encoded AttributeProto. */
export function attrName(bytes: Uint8Array, where: string): string {
  return nameOf(readFields(bytes, where), where);
}

function nameOf(fields: readonly ProtoField[], where: string): string {
  const nameField = lastField(fields, S.AttributeProto.name);
  if (!nameField) throw new Error(`${where}: attribute without a name`);
  return asString(nameField);
}

/** Decodes one AttributeProto; `where` names it in error messages. */
export function decodeAttr(bytes: Uint8Array, where: string): NamedAttr {
  const fields = readFields(bytes, where);
  const name = nameOf(fields, where);
  const raw: NamedAttr = { name, attr: { type: 'raw', value: bytes.slice() } };
  if (lastField(fields, S.AttributeProto.ref_attr_name)) return raw;
  const attr = interpret(fields, attrType(fields), `${where} "${name}"`);
  return attr ? { name, attr } : raw;
}

/** The declared type, or (IR < 2 files) the type implied by the field that is present. */
function attrType(fields: readonly ProtoField[]): number {
  const t = lastField(fields, S.AttributeProto.type);
  if (t) return asInt(t);
  const has = (f: number) => lastField(fields, f) !== undefined;
  if (has(S.AttributeProto.f)) return S.AttrType.FLOAT;
  if (has(S.AttributeProto.i)) return S.AttrType.INT;
  if (has(S.AttributeProto.s)) return S.AttrType.STRING;
  if (has(S.AttributeProto.t)) return S.AttrType.TENSOR;
  if (has(S.AttributeProto.floats)) return S.AttrType.FLOATS;
  if (has(S.AttributeProto.ints)) return S.AttrType.INTS;
  if (has(S.AttributeProto.strings)) return S.AttrType.STRINGS;
  return 0;
}

function interpret(fields: readonly ProtoField[], type: number, label: string): Attr | null {
  const one = (f: number) => lastField(fields, f);
  const all = (f: number) => fieldsNumbered(fields, f);
  switch (type) {
    case S.AttrType.FLOAT: {
      const f = one(S.AttributeProto.f);
      return { type: 'float', value: f ? asFloat32(f) : 0 };
    }
    case S.AttrType.INT:
      return { type: 'int', value: intField(fields, S.AttributeProto.i) };
    case S.AttrType.STRING: {
      const f = one(S.AttributeProto.s);
      if (f && !isUtf8(asBytes(f))) return null;
      return { type: 'string', value: stringField(fields, S.AttributeProto.s) };
    }
    case S.AttrType.FLOATS:
      return { type: 'floats', value: asFloatList(all(S.AttributeProto.floats)) };
    case S.AttrType.INTS:
      return { type: 'ints', value: asIntList(all(S.AttributeProto.ints)) };
    case S.AttrType.STRINGS: {
      const items = all(S.AttributeProto.strings);
      if (!items.every((f) => isUtf8(asBytes(f)))) return null;
      return { type: 'strings', value: items.map(asString) };
    }
    case S.AttrType.TENSOR:
      return tensorAttr(one(S.AttributeProto.t), label);
    default:
      return null;
  }
}

function tensorAttr(f: ProtoField | undefined, label: string): Attr | null {
  if (!f) return null;
  try {
    return { type: 'tensor', value: decodeTensor(asBytes(f), label).tensor };
  } catch (e) {
    if (e instanceof UnsupportedTensorError) return null;
    throw e;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether bytes are valid UTF-8 (so decoding and re-encoding them is lossless). */
function isUtf8(b: Uint8Array): boolean {
  try {
    strictUtf8.decode(b);
    return true;
  } catch {
    return false;
  }
}
