/**
 * Protocol Buffers wire format (the subset ONNX uses): varints, 64-bit integers as
 * two's complement varints, fixed32/fixed64, and length-delimited fields.
 */

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Appends protobuf fields to a growing buffer. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private rawVarint(v: bigint | number): void {
    let x = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (x >= 0x80n) {
      this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.len++] = Number(x);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint((field << 3) | wire);
  }

  /** int32/int64/enum/bool field. */
  int(field: number, v: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, WIRE_I32);
    this.ensure(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, textEncoder.encode(s));
  }

  /** A nested message. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const w = new ProtoWriter();
    build(w);
    return this.bytes(field, w.finish());
  }

  /** Packed repeated varints. */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const w = new ProtoWriter();
    for (const v of values) w.rawVarint(v);
    return this.bytes(field, w.finish());
  }

  /** Packed repeated floats. */
  packedFloats(field: number, values: readonly number[]): this {
    const b = new Uint8Array(values.length * 4);
    const dv = new DataView(b.buffer);
    values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** One decoded field: its number, wire type and payload. */
export interface ProtoField {
  readonly field: number;
  readonly wire: number;
  /** varint / fixed payloads as bigint; length-delimited as bytes. */
  readonly value: bigint | Uint8Array;
}

/** Reads the fields of one message; `where` names the message in error messages. */
export function readFields(buf: Uint8Array, where: string): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error(`${where}: truncated varint at byte ${pos}`);
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
      if (shift > 70n) throw new Error(`${where}: malformed varint at byte ${pos}`);
    }
  };
  const take = (n: number): Uint8Array => {
    if (pos + n > buf.length)
      throw new Error(`${where}: field of ${n} bytes runs past the end (byte ${pos})`);
    const b = buf.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === WIRE_VARINT) out.push({ field, wire, value: varint() });
    else if (wire === WIRE_LEN) out.push({ field, wire, value: take(Number(varint())) });
    else if (wire === WIRE_I32) out.push({ field, wire, value: take(4) });
    else if (wire === WIRE_I64) out.push({ field, wire, value: take(8) });
    else throw new Error(`${where}: unsupported wire type ${wire} for field ${field}`);
  }
  return out;
}

/** A varint field as a signed 64-bit JS number. */
export function asInt(f: ProtoField): number {
  return Number(BigInt.asIntN(64, f.value as bigint));
}

export function asString(f: ProtoField): string {
  return textDecoder.decode(f.value as Uint8Array);
}

export function asBytes(f: ProtoField): Uint8Array {
  return f.value as Uint8Array;
}

export function asFloat32(f: ProtoField): number {
  const b = f.value as Uint8Array;
  return new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
}

/** Repeated varints, packed or not, as signed 64-bit JS numbers. */
export function asIntList(fields: readonly ProtoField[]): number[] {
  return asBigIntList(fields).map((v) => Number(v));
}

/** Repeated varints, packed or not, as exact signed 64-bit integers. */
export function asBigIntList(fields: readonly ProtoField[]): bigint[] {
  const out: bigint[] = [];
  for (const f of fields) {
    if (f.wire === WIRE_VARINT) out.push(BigInt.asIntN(64, f.value as bigint));
    else for (const g of readPackedVarints(f.value as Uint8Array)) out.push(g);
  }
  return out;
}

function readPackedVarints(b: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let pos = 0;
  while (pos < b.length) {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= b.length) throw new Error('packed varints: truncated varint');
      const byte = b[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7n;
    }
    out.push(BigInt.asIntN(64, result));
  }
  return out;
}

/** Repeated floats, packed or not. */
export function asFloatList(fields: readonly ProtoField[]): number[] {
  return fixedList(fields, 4, (dv, i) => dv.getFloat32(i, true));
}

/** Repeated doubles (fixed64), packed or not. */
export function asFloat64List(fields: readonly ProtoField[]): number[] {
  return fixedList(fields, 8, (dv, i) => dv.getFloat64(i, true));
}

/** Repeated fixed-width values, packed or not: `read` at each multiple of `width` bytes. */
function fixedList(
  fields: readonly ProtoField[],
  width: number,
  read: (dv: DataView, offset: number) => number,
): number[] {
  const out: number[] = [];
  for (const f of fields) {
    const b = f.value as Uint8Array;
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    for (let i = 0; i + width <= b.length; i += width) out.push(read(dv, i));
  }
  return out;
}

/** The fields of a message numbered `field`, in order. */
export function fieldsNumbered(fields: readonly ProtoField[], field: number): ProtoField[] {
  return fields.filter((f) => f.field === field);
}

/** The last field numbered `field` (protobuf: the last occurrence wins), or undefined. */
export function lastField(fields: readonly ProtoField[], field: number): ProtoField | undefined {
  for (let i = fields.length - 1; i >= 0; i--) if (fields[i]!.field === field) return fields[i];
  return undefined;
}

/** The string of the last field numbered `field`, or '' (protobuf's default) when absent. */
export function stringField(fields: readonly ProtoField[], field: number): string {
  const f = lastField(fields, field);
  return f ? asString(f) : '';
}

/** The varint of the last field numbered `field`, or 0 (protobuf's default) when absent. */
export function intField(fields: readonly ProtoField[], field: number): number {
  const f = lastField(fields, field);
  return f ? asInt(f) : 0;
}
