// DynamicValue.msgpack: cty values <-> MessagePack, byte-compatible with go-cty 1.16's
// cty/msgpack (compact ints, sorted object keys, `d4 00 00` for unknown, ext 12 refinements).
//
// Why a hand-written codec instead of @msgpack/msgpack's Decoder/Encoder: decoding is driven by
// the schema type (str vs number text, bin type in dynamic values, exact attribute sets), the
// generic Decoder throws on a map key named `__proto__` (legal in a Terraform map) and caps
// nesting at 100, and skipping the library keeps ~16 ms off every provider process start. The
// tests use the library as an independent oracle for well-formedness.

import { CtyDecodeError, CtyEncodeError, CtyTypeError } from './errors';
import { fromWireDouble, fromWireInteger, parseNumberText, toWireNumber, type NumberValue } from './numbers';
import { attributeType, compareUtf8, friendlyTypeName, isCollectionType, parseTypeJsonText, sortedAttributeNames, typeEquals, typeToJsonText, type CtyType, type ObjectType } from './types';
import {
  applicableRefinements,
  CtyDynamic,
  CtyNumber,
  dedupeSet,
  getAttr,
  isRecord,
  newRecord,
  setAttr,
  UNKNOWN,
  Unknown,
  unwrapDynamic,
  type CtyValue,
  type Refinements,
} from './values';

/** Extension type go-cty uses for unknown values that carry refinements. */
export const EXT_REFINED_UNKNOWN = 0x0c;
/** go-cty refuses refinement payloads above this size; we keep such a value plainly unknown. */
const MAX_REFINEMENT_PAYLOAD = 1024;
/**
 * Like go-cty's refinement builder, keep string prefixes short: a shorter prefix is still true,
 * and it keeps the payload far below the 1 KiB Terraform accepts.
 */
const MAX_STRING_PREFIX_BYTES = 256;
/** fixext1, type 0, one zero byte: go-cty's encoding of a wholly unknown value. */
const WHOLLY_UNKNOWN_BYTES: readonly number[] = [0xd4, 0x00, 0x00];

/** fixext codes by payload length; other lengths use ext8/16/32. */
const FIXEXT_CODES: Readonly<Record<number, number>> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };

const KEY_NULLNESS = 1;
const KEY_STRING_PREFIX = 2;
const KEY_NUMBER_MIN = 3;
const KEY_NUMBER_MAX = 4;
const KEY_LENGTH_MIN = 5;
const KEY_LENGTH_MAX = 6;

// =============================================================================================
// Encoding

/** Serialises `value` as a value of `type`. Throws CtyEncodeError (with path) on a mismatch. */
export function encodeMsgpack(value: CtyValue, type: CtyType): Uint8Array {
  const w = new Writer();
  encodeValue(w, value, type, []);
  return w.finish();
}

class Writer {
  private buf = Buffer.allocUnsafeSlow(256);
  private pos = 0;

  finish(): Uint8Array {
    const out = new Uint8Array(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    return out;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  raw(data: Uint8Array | readonly number[]): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** A code byte followed by a big-endian unsigned integer of `size` bytes (1, 2 or 4). */
  private head(code: number, size: 1 | 2 | 4, v: number): void {
    this.ensure(1 + size);
    this.buf[this.pos] = code;
    this.buf.writeUIntBE(v, this.pos + 1, size);
    this.pos += 1 + size;
  }

  nil(): void {
    this.byte(0xc0);
  }

  bool(v: boolean): void {
    this.byte(v ? 0xc3 : 0xc2);
  }

  /** Smallest encoding, as vmihailenco/msgpack's EncodeInt (non-negative values use the uint family). */
  int(v: number | bigint): void {
    const n = typeof v === 'bigint' && v >= -0xffffffffn && v <= 0xffffffffn ? Number(v) : v;
    if (typeof n === 'bigint' || n > 0xffffffff || n < -0x80000000) {
      const b = BigInt(n);
      this.ensure(9);
      this.buf[this.pos] = b >= 0n ? 0xcf : 0xd3;
      if (b >= 0n) this.buf.writeBigUInt64BE(b, this.pos + 1);
      else this.buf.writeBigInt64BE(b, this.pos + 1);
      this.pos += 9;
    } else if (n >= 0) {
      if (n <= 0x7f) this.byte(n);
      else if (n <= 0xff) this.head(0xcc, 1, n);
      else if (n <= 0xffff) this.head(0xcd, 2, n);
      else this.head(0xce, 4, n);
    } else if (n >= -32) this.byte(n & 0xff);
    else if (n >= -0x80) this.head(0xd0, 1, n & 0xff);
    else if (n >= -0x8000) this.head(0xd1, 2, n & 0xffff);
    else this.head(0xd2, 4, n >>> 0);
  }

  float64(x: number): void {
    this.ensure(9);
    this.buf[this.pos] = 0xcb;
    this.buf.writeDoubleBE(x, this.pos + 1);
    this.pos += 9;
  }

  str(s: string): void {
    if (s.length < 32 && this.asciiStr(s)) return;
    const len = Buffer.byteLength(s, 'utf8');
    if (len < 32) this.byte(0xa0 | len);
    else if (len <= 0xff) this.head(0xd9, 1, len);
    else if (len <= 0xffff) this.head(0xda, 2, len);
    else this.head(0xdb, 4, len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
  }

  /** Fast path for short ASCII strings (most attribute names and values); false if not ASCII. */
  private asciiStr(s: string): boolean {
    const n = s.length;
    this.ensure(n + 1);
    const start = this.pos + 1;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false; // nothing committed: pos unchanged
      this.buf[start + i] = c;
    }
    this.buf[this.pos] = 0xa0 | n;
    this.pos = start + n;
    return true;
  }

  bin(data: Uint8Array): void {
    const len = data.length;
    if (len <= 0xff) this.head(0xc4, 1, len);
    else if (len <= 0xffff) this.head(0xc5, 2, len);
    else this.head(0xc6, 4, len);
    this.raw(data);
  }

  arrayHeader(n: number): void {
    if (n < 16) this.byte(0x90 | n);
    else if (n <= 0xffff) this.head(0xdc, 2, n);
    else this.head(0xdd, 4, n);
  }

  mapHeader(n: number): void {
    if (n < 16) this.byte(0x80 | n);
    else if (n <= 0xffff) this.head(0xde, 2, n);
    else this.head(0xdf, 4, n);
  }

  ext(type: number, data: Uint8Array): void {
    const code = FIXEXT_CODES[data.length];
    if (code !== undefined) this.byte(code);
    else if (data.length <= 0xff) this.head(0xc7, 1, data.length);
    else if (data.length <= 0xffff) this.head(0xc8, 2, data.length);
    else this.head(0xc9, 4, data.length);
    this.byte(type & 0xff);
    this.raw(data);
  }
}

function mismatch(what: string, type: CtyType, value: unknown, path: (string | number)[]): CtyEncodeError {
  return new CtyEncodeError(`${what} is required for ${friendlyTypeName(type)}, got ${describe(value)}`, path);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Unknown) return 'an unknown value';
  if (v instanceof CtyNumber) return 'a CtyNumber';
  if (v instanceof CtyDynamic) return `a dynamic value of type ${friendlyTypeName(v.type)}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function encodeNumber(w: Writer, v: NumberValue, path: (string | number)[]): void {
  const wire = toWireNumber(v);
  if (!wire) throw new CtyEncodeError(`invalid number ${typeof v === 'number' ? String(v) : JSON.stringify(v.decimal)}`, path);
  if (wire.kind === 'int') w.int(wire.value);
  else if (wire.kind === 'float') w.float64(wire.value);
  else w.str(wire.value);
}

function encodeValue(w: Writer, value: CtyValue | undefined, type: CtyType, path: (string | number)[]): void {
  if (type.kind === 'dynamic') return encodeDynamic(w, value, path);
  if (value === null || value === undefined) return w.nil();
  if (value instanceof Unknown) return encodeUnknown(w, value, type, path);
  if (value instanceof CtyDynamic) {
    // A dynamic wrapper in a typed slot is fine when it carries exactly that type.
    if (!typeEquals(value.type, type)) throw mismatch('a value', type, value, path);
    return encodeValue(w, value.value, type, path);
  }
  switch (type.kind) {
    case 'string':
      if (typeof value !== 'string') throw mismatch('a string', type, value, path);
      return w.str(value);
    case 'bool':
      if (typeof value !== 'boolean') throw mismatch('a boolean', type, value, path);
      return w.bool(value);
    case 'number':
      if (typeof value !== 'number' && !(value instanceof CtyNumber)) throw mismatch('a number', type, value, path);
      return encodeNumber(w, value, path);
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) throw mismatch('an array', type, value, path);
      const elements = type.kind === 'set' ? dedupeSet(value, type.element) : value;
      w.arrayHeader(elements.length);
      for (let i = 0; i < elements.length; i++) {
        path.push(i);
        encodeValue(w, elements[i], type.element, path);
        path.pop();
      }
      return;
    }
    case 'tuple': {
      if (!Array.isArray(value)) throw mismatch('an array', type, value, path);
      if (value.length !== type.elements.length) {
        throw new CtyEncodeError(`a tuple of ${type.elements.length} elements is required (${value.length} given)`, path);
      }
      w.arrayHeader(value.length);
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        encodeValue(w, value[i], type.elements[i]!, path);
        path.pop();
      }
      return;
    }
    case 'map': {
      if (!isRecord(value)) throw mismatch('an object', type, value, path);
      // cty iterates map elements in key order; sorting keeps our bytes identical to Terraform's.
      const keys = Object.keys(value).sort(compareUtf8);
      w.mapHeader(keys.length);
      for (const key of keys) {
        path.push(key);
        w.str(key);
        encodeValue(w, value[key], type.element, path);
        path.pop();
      }
      return;
    }
    case 'object': {
      if (!isRecord(value)) throw mismatch('an object', type, value, path);
      for (const key of Object.keys(value)) {
        if (!attributeType(type, key)) throw new CtyEncodeError(`unsupported attribute ${JSON.stringify(key)} for ${friendlyTypeName(type)}`, [...path, key]);
      }
      // Every attribute of the type is written (absent -> nil): Terraform's decoder insists.
      const names = sortedAttributeNames(type);
      w.mapHeader(names.length);
      for (const name of names) {
        path.push(name);
        w.str(name);
        encodeValue(w, getAttr(value, name), type.attributes[name]!, path);
        path.pop();
      }
      return;
    }
  }
}

/** `dynamic` slot: null and wholly unknown are written bare, anything else as [bin(type JSON), value]. */
function encodeDynamic(w: Writer, value: CtyValue | undefined, path: (string | number)[]): void {
  if (value === null || value === undefined) return w.nil();
  if (value instanceof Unknown) return w.raw(WHOLLY_UNKNOWN_BYTES);
  const { type, value: inner } = unwrapDynamic(value);
  if (type.kind === 'dynamic') return encodeDynamic(w, inner, path);
  w.arrayHeader(2);
  w.bin(Buffer.from(typeToJsonText(type), 'utf8'));
  encodeValue(w, inner, type, path);
}

function encodeUnknown(w: Writer, value: Unknown, type: CtyType, path: (string | number)[]): void {
  const r = applicableRefinements(value.refinements, type);
  if (!r) return w.raw(WHOLLY_UNKNOWN_BYTES);
  const body = new Writer();
  let entries = 0;
  if (r.notNull) {
    body.int(KEY_NULLNESS);
    body.bool(false);
    entries++;
  }
  if (r.stringPrefix !== undefined) {
    body.int(KEY_STRING_PREFIX);
    body.str(truncateUtf8(r.stringPrefix, MAX_STRING_PREFIX_BYTES));
    entries++;
  }
  for (const [key, bound] of [
    [KEY_NUMBER_MIN, r.numberLower],
    [KEY_NUMBER_MAX, r.numberUpper],
  ] as const) {
    if (!bound) continue;
    body.int(key);
    body.arrayHeader(2);
    encodeNumber(body, bound[0], path);
    body.bool(bound[1]);
    entries++;
  }
  for (const [key, bound] of [
    [KEY_LENGTH_MIN, r.lengthMin],
    [KEY_LENGTH_MAX, r.lengthMax],
  ] as const) {
    if (bound === undefined) continue;
    if (!Number.isSafeInteger(bound) || bound < 0) throw new CtyEncodeError(`collection length refinement must be a non-negative integer, got ${bound}`, path);
    body.int(key);
    body.int(bound);
    entries++;
  }
  const map = new Writer();
  map.mapHeader(entries);
  const payload = Buffer.concat([map.finish(), body.finish()]);
  w.ext(EXT_REFINED_UNKNOWN, payload);
}

// =============================================================================================
// Decoding

/**
 * Parses msgpack bytes as a value of `type`. Objects must carry exactly the type's attributes;
 * any extension value is unknown (ext 12 payloads give refinements; a malformed payload just
 * gives a plain unknown). Throws CtyDecodeError with the path of the offending value.
 */
export function decodeMsgpack(bytes: Uint8Array, type: CtyType): CtyValue {
  if (bytes.length === 0) throw new CtyDecodeError('empty msgpack value');
  const d = new Decoder(bytes);
  const value = d.value(type);
  if (d.pos !== bytes.length) throw new CtyDecodeError(`unexpected ${bytes.length - d.pos} trailing bytes after the msgpack value`);
  return value;
}

function isExtCode(c: number): boolean {
  return (c >= 0xd4 && c <= 0xd8) || (c >= 0xc7 && c <= 0xc9);
}

class Decoder {
  pos = 0;
  readonly path: (string | number)[] = [];
  private readonly buf: Buffer;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(detail: string, extraStep?: string | number): CtyDecodeError {
    return new CtyDecodeError(detail, extraStep === undefined ? this.path : [...this.path, extraStep]);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw this.fail('unexpected end of msgpack data');
  }

  peek(): number {
    this.need(1);
    return this.buf[this.pos]!;
  }

  private byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  private uint(size: 1 | 2 | 4): number {
    this.need(size);
    const v = this.buf.readUIntBE(this.pos, size);
    this.pos += size;
    return v;
  }

  private slice(n: number): Buffer {
    this.need(n);
    const s = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** Length of a str/bin at the cursor (header consumed), or -1 (nothing consumed) if it is neither. */
  private stringLength(): number {
    const c = this.peek();
    if (c >= 0xa0 && c <= 0xbf) {
      this.pos++;
      return c & 0x1f;
    }
    const size = c === 0xd9 || c === 0xc4 ? 1 : c === 0xda || c === 0xc5 ? 2 : c === 0xdb || c === 0xc6 ? 4 : 0;
    if (size === 0) return -1;
    this.pos++;
    return this.uint(size);
  }

  /** A str (or bin, which go-cty's DecodeString also accepts) as text; undefined if neither. */
  text(): string | undefined {
    const len = this.stringLength();
    if (len < 0) return undefined;
    this.need(len);
    const start = this.pos;
    this.pos += len;
    if (len <= 32) {
      // Short ASCII strings are the common case; building them directly skips a Buffer view.
      let out = '';
      for (let i = start; i < start + len; i++) {
        const c = this.buf[i]!;
        if (c >= 0x80) return this.buf.toString('utf8', start, start + len);
        out += String.fromCharCode(c);
      }
      return out;
    }
    return this.buf.toString('utf8', start, start + len);
  }

  bytesOrText(): Buffer | undefined {
    const len = this.stringLength();
    return len < 0 ? undefined : this.slice(len);
  }

  arrayLength(): number {
    const c = this.peek();
    if (c >= 0x90 && c <= 0x9f) {
      this.pos++;
      return c & 0x0f;
    }
    if (c === 0xdc || c === 0xdd) {
      this.pos++;
      return this.uint(c === 0xdc ? 2 : 4);
    }
    return -1;
  }

  mapLength(): number {
    const c = this.peek();
    if (c >= 0x80 && c <= 0x8f) {
      this.pos++;
      return c & 0x0f;
    }
    if (c === 0xde || c === 0xdf) {
      this.pos++;
      return this.uint(c === 0xde ? 2 : 4);
    }
    return -1;
  }

  /** Any msgpack int as number or (64-bit) bigint; undefined (nothing consumed) if not an int. */
  integer(): number | bigint | undefined {
    const c = this.peek();
    if (c <= 0x7f) return this.byte();
    if (c >= 0xe0) return this.byte() - 0x100;
    let v: number | bigint;
    switch (c) {
      case 0xcc:
      case 0xcd:
      case 0xce:
        this.pos++;
        return this.uint(c === 0xcc ? 1 : c === 0xcd ? 2 : 4);
      case 0xd0:
      case 0xd1:
      case 0xd2: {
        const size = c === 0xd0 ? 1 : c === 0xd1 ? 2 : 4;
        this.pos++;
        this.need(size);
        v = this.buf.readIntBE(this.pos, size);
        this.pos += size;
        return v;
      }
      case 0xcf:
      case 0xd3:
        this.pos++;
        this.need(8);
        v = c === 0xcf ? this.buf.readBigUInt64BE(this.pos) : this.buf.readBigInt64BE(this.pos);
        this.pos += 8;
        return v;
      default:
        return undefined;
    }
  }

  /** A float32/float64; undefined (nothing consumed) otherwise. */
  float(): number | undefined {
    const c = this.peek();
    if (c !== 0xca && c !== 0xcb) return undefined;
    this.pos++;
    this.need(c === 0xca ? 4 : 8);
    const x = c === 0xca ? this.buf.readFloatBE(this.pos) : this.buf.readDoubleBE(this.pos);
    this.pos += c === 0xca ? 4 : 8;
    return x;
  }

  ext(): { type: number; data: Buffer } {
    const c = this.byte();
    let len: number;
    if (c >= 0xd4 && c <= 0xd8) len = 1 << (c - 0xd4);
    else len = this.uint(c === 0xc7 ? 1 : c === 0xc8 ? 2 : 4);
    const type = this.byte();
    return { type: type > 127 ? type - 256 : type, data: this.slice(len) };
  }

  /** Skips one complete msgpack value of any kind. */
  skip(): void {
    const c = this.peek();
    if (isExtCode(c)) {
      this.ext();
      return;
    }
    if (c === 0xc0 || c === 0xc2 || c === 0xc3) {
      this.pos++;
      return;
    }
    if (this.integer() !== undefined || this.float() !== undefined) return;
    const strLen = this.stringLength();
    if (strLen >= 0) {
      this.slice(strLen);
      return;
    }
    const arrLen = this.arrayLength();
    if (arrLen >= 0) {
      for (let i = 0; i < arrLen; i++) this.skip();
      return;
    }
    const mapLen = this.mapLength();
    if (mapLen >= 0) {
      for (let i = 0; i < 2 * mapLen; i++) this.skip();
      return;
    }
    throw this.fail(`invalid msgpack code 0x${c.toString(16).padStart(2, '0')}`);
  }

  value(type: CtyType): CtyValue {
    const c = this.peek();
    if (isExtCode(c)) return this.unknown(type);
    if (type.kind === 'dynamic') return this.dynamic();
    if (c === 0xc0) {
      this.pos++;
      return null;
    }
    switch (type.kind) {
      case 'string': {
        const s = this.text();
        if (s === undefined) throw this.fail('a string is required');
        return s;
      }
      case 'bool':
        if (c !== 0xc2 && c !== 0xc3) throw this.fail('a bool is required');
        this.pos++;
        return c === 0xc3;
      case 'number':
        return this.number();
      case 'list':
      case 'set': {
        const n = this.arrayLength();
        if (n < 0) throw this.fail(`a ${type.kind} is required`);
        const out: CtyValue[] = new Array<CtyValue>(n);
        for (let i = 0; i < n; i++) {
          this.path.push(i);
          out[i] = this.value(type.element);
          this.path.pop();
        }
        return type.kind === 'set' ? dedupeSet(out, type.element) : out;
      }
      case 'tuple': {
        const n = this.arrayLength();
        if (n < 0) throw this.fail('a tuple is required');
        if (n !== type.elements.length) throw this.fail(`a tuple of length ${type.elements.length} is required (${n} given)`);
        const out: CtyValue[] = new Array<CtyValue>(n);
        for (let i = 0; i < n; i++) {
          this.path.push(i);
          out[i] = this.value(type.elements[i]!);
          this.path.pop();
        }
        return out;
      }
      case 'map': {
        const n = this.mapLength();
        if (n < 0) throw this.fail('a map is required');
        const out = newRecord();
        for (let i = 0; i < n; i++) {
          const key = this.text();
          if (key === undefined) throw this.fail('map keys must be strings');
          this.path.push(key);
          setAttr(out, key, this.value(type.element));
          this.path.pop();
        }
        return out;
      }
      case 'object':
        return this.object(type);
    }
  }

  private object(type: ObjectType): CtyValue {
    const n = this.mapLength();
    if (n < 0) throw this.fail('an object is required');
    const out = newRecord();
    for (let i = 0; i < n; i++) {
      const key = this.text();
      if (key === undefined) throw this.fail('object attribute names must be strings');
      const aty = attributeType(type, key);
      if (!aty) throw this.fail(`unsupported attribute ${JSON.stringify(key)}`, key);
      if (Object.hasOwn(out, key)) throw this.fail(`duplicate attribute ${JSON.stringify(key)}`, key);
      this.path.push(key);
      setAttr(out, key, this.value(aty));
      this.path.pop();
    }
    const expected = Object.keys(type.attributes);
    if (n !== expected.length) {
      const missing = expected.filter((name) => !Object.hasOwn(out, name)).sort(compareUtf8);
      throw this.fail(
        `an object with ${expected.length} attributes is required (${n} given); missing ${missing.map((m) => JSON.stringify(m)).join(', ')}`,
      );
    }
    return out;
  }

  number(): NumberValue {
    const i = this.integer();
    if (i !== undefined) return fromWireInteger(i);
    const f = this.float();
    if (f !== undefined) {
      if (Number.isNaN(f)) throw this.fail('NaN is not a valid number');
      return fromWireDouble(f);
    }
    const s = this.text();
    if (s !== undefined) {
      const n = parseNumberText(s);
      if (n === undefined) throw this.fail(`a number is required (got string ${JSON.stringify(s.slice(0, 40))})`);
      return n;
    }
    throw this.fail('a number is required');
  }

  private dynamic(): CtyValue {
    if (this.peek() === 0xc0) {
      this.pos++;
      return null;
    }
    const n = this.arrayLength();
    if (n !== 2) throw this.fail('a dynamic value must be a two-element array [type JSON, value]');
    const typeJson = this.bytesOrText();
    if (typeJson === undefined) throw this.fail('a dynamic value must start with its type JSON as bin');
    let type: CtyType;
    try {
      type = parseTypeJsonText(typeJson);
    } catch (err) {
      if (err instanceof CtyTypeError) throw this.fail(`invalid type in dynamic value: ${err.message}`);
      throw err;
    }
    return new CtyDynamic(type, this.value(type));
  }

  private unknown(type: CtyType): CtyValue {
    const { type: extType, data } = this.ext();
    // go-cty: a payload of 0 or 1 byte is a plain unknown whatever the code; only ext 12 carries
    // refinements, and refinements of a dynamic unknown are ignored.
    if (data.length <= 1 || extType !== EXT_REFINED_UNKNOWN || type.kind === 'dynamic' || data.length > MAX_REFINEMENT_PAYLOAD) return UNKNOWN;
    try {
      return parseRefinements(data, type);
    } catch {
      return UNKNOWN; // a malformed payload still means "unknown"; refinements are only hints
    }
  }
}

/** Reads an ext 12 payload; returns null for the (odd but legal) "definitely null" refinement. */
function parseRefinements(data: Buffer, type: CtyType): CtyValue {
  const d = new Decoder(data);
  const entries = d.mapLength();
  if (entries < 0) throw new Error('refinement payload is not a map');
  const r: { -readonly [K in keyof Refinements]: Refinements[K] } = {};
  let definitelyNull = false;
  for (let i = 0; i < entries; i++) {
    const key = d.integer();
    if (key === undefined) throw new Error('non-integer refinement key');
    switch (Number(key)) {
      case KEY_NULLNESS: {
        const c = d.peek();
        if (c !== 0xc2 && c !== 0xc3) throw new Error('nullness refinement is not a bool');
        d.skip();
        if (c === 0xc3) definitelyNull = true;
        else r.notNull = true;
        break;
      }
      case KEY_STRING_PREFIX: {
        if (type.kind !== 'string') {
          d.skip();
          break;
        }
        const prefix = d.text();
        if (prefix === undefined) throw new Error('string prefix refinement is not a string');
        if (prefix !== '') r.stringPrefix = prefix;
        break;
      }
      case KEY_NUMBER_MIN:
      case KEY_NUMBER_MAX: {
        if (type.kind !== 'number') {
          d.skip();
          break;
        }
        if (d.arrayLength() !== 2) throw new Error('number bound refinement is not [number, bool]');
        const bound = d.number();
        const c = d.peek();
        if (c !== 0xc2 && c !== 0xc3) throw new Error('number bound inclusiveness is not a bool');
        d.skip();
        if (Number(key) === KEY_NUMBER_MIN) r.numberLower = [bound, c === 0xc3];
        else r.numberUpper = [bound, c === 0xc3];
        break;
      }
      case KEY_LENGTH_MIN:
      case KEY_LENGTH_MAX: {
        if (!isCollectionType(type)) {
          d.skip();
          break;
        }
        const bound = d.integer();
        if (bound === undefined || bound < 0) throw new Error('length bound refinement is not a non-negative integer');
        const n = Number(bound);
        if (Number(key) === KEY_LENGTH_MIN) r.lengthMin = n;
        else r.lengthMax = n;
        break;
      }
      default:
        d.skip(); // future refinement kinds must be ignored
    }
  }
  if (definitelyNull) return null;
  return Object.keys(r).length > 0 ? new Unknown(r) : UNKNOWN;
}

/** At most `max` UTF-8 bytes of `s`, cut on a character boundary. */
function truncateUtf8(s: string, max: number): string {
  if (s.length * 3 <= max) return s;
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return s;
  let end = max;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--; // do not split a multi-byte sequence
  return buf.toString('utf8', 0, end);
}
