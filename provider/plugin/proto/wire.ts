/**
 * A small schema-driven proto3 binary codec.
 *
 * Why hand-written: Terraform starts the provider several times per command, and
 * protobufjs/proto-loader cost ~200 ms of start-up. Messages are described once in
 * TypeScript with `message(...)`; nothing is compiled until a codec is first used.
 *
 * Supported: varint scalars (bool, enum, int32, int64), strings, bytes, embedded
 * messages (with lazy references for recursive types), repeated fields (packed on
 * encode, packed or unpacked on decode), map<string, scalar|message>, oneof and
 * proto3 `optional`. Unknown fields (incl. fixed32/fixed64/groups) are skipped.
 */

// ---------------------------------------------------------------------------
// Errors

export type ProtobufDecodeErrorReason = 'truncated' | 'malformed' | 'int64-range' | 'depth';

export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
  constructor(
    message: string,
    readonly reason: ProtobufDecodeErrorReason,
    /** Fully qualified protobuf type being decoded when the error was found. */
    readonly typeName: string,
    /** Byte offset in the top-level input. */
    readonly offset: number,
  ) {
    super(`${typeName}: ${message} (at byte ${offset})`);
  }
}

export class ProtobufEncodeError extends Error {
  override readonly name = 'ProtobufEncodeError';
  constructor(
    message: string,
    /** `TypeName.fieldName` of the offending value. */
    readonly field: string,
  ) {
    super(`${field}: ${message}`);
  }
}

// ---------------------------------------------------------------------------
// Field descriptions

export type ScalarKind = 'string' | 'bytes' | 'bool' | 'enum' | 'int32' | 'int64';

interface ScalarTypes {
  string: string;
  bytes: Uint8Array;
  bool: boolean;
  enum: number;
  int32: number;
  int64: number;
}

type Cardinality = 'singular' | 'optional' | 'oneof' | 'repeated' | 'map';

/** A lazily resolved message codec; a thunk so that recursive and forward references work. */
export type MessageRef<M> = () => MessageCodec<M>;

export interface FieldSpec<V> {
  readonly no: number;
  readonly card: Cardinality;
  /** Scalar kind, or (for message fields and map values) a lazy codec reference. */
  readonly type: ScalarKind | MessageRef<unknown>;
  readonly oneof?: string;
  /**
   * Never set; ties the spec to the TypeScript type of the property so that
   * `message<T>()` rejects a spec whose kind does not match T. Method syntax makes it
   * bivariant, so `field(n, 'enum')` (number) fits a property typed as an enum union.
   */
  phantom?(value: V): void;
}

function checkFieldNumber(no: number): void {
  // 19000-19999 are reserved by protobuf; 2^29-1 is the largest field number.
  if (!Number.isInteger(no) || no < 1 || no > 0x1fffffff || (no >= 19000 && no <= 19999)) {
    throw new RangeError(`invalid protobuf field number ${no}`);
  }
}

function spec<V>(no: number, card: Cardinality, type: ScalarKind | MessageRef<unknown>, oneofGroup?: string): FieldSpec<V> {
  checkFieldNumber(no);
  return oneofGroup === undefined ? { no, card, type } : { no, card, type, oneof: oneofGroup };
}

/** A plain proto3 field: defaults are omitted on encode and filled in on decode. */
export function field<K extends ScalarKind>(no: number, kind: K): FieldSpec<ScalarTypes[K]>;
/** A singular embedded message: `undefined` when absent. */
export function field<M>(no: number, ref: MessageRef<M>): FieldSpec<M>;
export function field(no: number, type: ScalarKind | MessageRef<unknown>): FieldSpec<unknown> {
  return spec(no, 'singular', type);
}

/** A proto3 `optional` scalar: encoded whenever set (even to its default), `undefined` when absent. */
export function optional<K extends ScalarKind>(no: number, kind: K): FieldSpec<ScalarTypes[K]> {
  return spec(no, 'optional', kind);
}

/** A member of a `oneof`: at most one member of `group` may be set; it has presence. */
export function oneof<K extends ScalarKind>(group: string, no: number, kind: K): FieldSpec<ScalarTypes[K]>;
export function oneof<M>(group: string, no: number, ref: MessageRef<M>): FieldSpec<M>;
export function oneof(group: string, no: number, type: ScalarKind | MessageRef<unknown>): FieldSpec<unknown> {
  return spec(no, 'oneof', type, group);
}

/** A repeated field; numeric kinds are packed on encode, both forms are accepted on decode. */
export function repeated<K extends ScalarKind>(no: number, kind: K): FieldSpec<ScalarTypes[K][]>;
export function repeated<M>(no: number, ref: MessageRef<M>): FieldSpec<M[]>;
export function repeated(no: number, type: ScalarKind | MessageRef<unknown>): FieldSpec<unknown> {
  return spec(no, 'repeated', type);
}

/** `map<string, V>`: entries are messages with key = 1 and value = 2. */
export function mapOf<K extends ScalarKind>(no: number, valueKind: K): FieldSpec<Record<string, ScalarTypes[K]>>;
export function mapOf<M>(no: number, valueRef: MessageRef<M>): FieldSpec<Record<string, M>>;
export function mapOf(no: number, type: ScalarKind | MessageRef<unknown>): FieldSpec<unknown> {
  return spec(no, 'map', type);
}

// `message<T>` accepts interfaces and unions of interfaces (a oneof such as
// `{ a: string } | { b: number }`), so keys and property types are collected over the union.
type AllKeys<T> = T extends unknown ? keyof T : never;
type PropOf<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

/** One field spec per property of T, with kinds matching the property types. */
export type FieldMap<T> = { readonly [K in AllKeys<T> & string]: FieldSpec<NonNullable<PropOf<T, K>>> };

/**
 * What `encode` accepts: any field may be left out (it is then encoded as its default,
 * i.e. not at all), recursively. Decoded messages are always complete `T`s.
 */
export type MessageInit<T> = T extends Uint8Array
  ? T
  : T extends readonly (infer E)[]
    ? readonly MessageInit<E>[]
    : T extends object
      ? { [K in keyof T]?: MessageInit<T[K]> }
      : T;

export interface Codec<T> {
  /** Fully qualified protobuf name, e.g. `tfplugin6.Diagnostic`. */
  readonly typeName: string;
  /** Encodes a message. The result is a Buffer (a Uint8Array subclass) owned by the caller. */
  encode(value: MessageInit<T>): Uint8Array;
  /** Decodes a message; bytes fields are copies, so the input may be reused afterwards. */
  decode(bytes: Uint8Array): T;
}

// ---------------------------------------------------------------------------
// Writer

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;

const TWO_POW_32 = 4294967296;
/** Go's decoder allows 10000; JS stacks are smaller and Terraform schemas nest only a few levels. */
const MAX_DEPTH = 100;
/** Strings shorter than this need at most 127 UTF-8 bytes, so a 1-byte length prefix. */
const SHORT_STRING = 43;
/** Longest string decoded with the JS loop instead of Buffer#toString. */
const SHORT_ASCII = 32;

function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

class Writer {
  buf: Buffer;
  pos = 0;

  constructor(initialSize: number) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** v must be an unsigned 32-bit integer. */
  varint32(v: number): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    while (v > 0x7f) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.pos = p;
  }

  /** lo and hi are the unsigned 32-bit halves of a 64-bit value. */
  varint64(lo: number, hi: number): void {
    if (hi === 0) {
      this.varint32(lo);
      return;
    }
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (hi !== 0 || lo > 0x7f) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[p++] = lo;
    this.pos = p;
  }

  /** Negative int32/enum values are sign-extended to 64 bits (10 bytes), as protobuf requires. */
  int32(v: number): void {
    if (v >= 0) this.varint32(v);
    else this.varint64(v >>> 0, 0xffffffff);
  }

  /** v must be a safe integer. */
  int64(v: number): void {
    if (v >= 0) {
      if (v < TWO_POW_32) this.varint32(v);
      else this.varint64(v >>> 0, Math.floor(v / TWO_POW_32));
      return;
    }
    // Two's complement of |v| without BigInt: invert both halves and add one with carry.
    const a = -v;
    const lo = (~(a >>> 0) + 1) >>> 0;
    const hi = (~Math.floor(a / TWO_POW_32) + (lo === 0 ? 1 : 0)) >>> 0;
    this.varint64(lo, hi);
  }

  byte(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  bytes(v: Uint8Array): void {
    const n = v.length;
    this.varint32(n);
    this.ensure(n);
    this.buf.set(v, this.pos);
    this.pos += n;
  }

  string(s: string): void {
    const n = s.length;
    if (n < SHORT_STRING) {
      this.ensure(1 + 3 * n);
      const b = this.buf;
      const start = this.pos;
      let p = start + 1;
      // Most strings here are short ASCII names; copying them in JS avoids a native call.
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          p = start + 1 + b.write(s, start + 1, 'utf8');
          break;
        }
        b[p++] = c;
      }
      b[start] = p - start - 1;
      this.pos = p;
      return;
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.varint32(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  /** Reserves one byte for a length prefix; returns the position to pass to `endLength`. */
  beginLength(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length of everything since `beginLength`, moving the body if the prefix needs more than one byte. */
  endLength(at: number): void {
    const len = this.pos - at - 1;
    if (len < 0x80) {
      this.buf[at] = len;
      return;
    }
    const size = varintSize(len);
    this.ensure(size - 1);
    const b = this.buf;
    b.copyWithin(at + size, at + 1, this.pos);
    let v = len;
    let p = at;
    while (v > 0x7f) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p] = v;
    this.pos += size - 1;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

// ---------------------------------------------------------------------------
// Reader

class Reader {
  readonly buf: Buffer;
  /** The same bytes as a plain Uint8Array, whose slice() returns plain Uint8Array copies. */
  readonly u8: Uint8Array;
  pos = 0;
  /** End of the message currently being read; nothing may be read past it. */
  limit: number;
  /** Halves of the last varint read (unsigned). */
  lo = 0;
  hi = 0;
  /** Type (or `Type.field`) being decoded, for error messages. */
  typeName = '';

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.limit = bytes.length;
  }

  fail(reason: ProtobufDecodeErrorReason, message: string, offset = this.pos): never {
    throw new ProtobufDecodeError(message, reason, this.typeName, offset);
  }

  private truncated(start: number): never {
    return this.fail('truncated', this.limit < this.buf.length ? 'value runs past the end of its enclosing message' : 'unexpected end of input', start);
  }

  /** Reads a varint of up to 64 bits into lo/hi and returns lo. */
  varint(): number {
    const b = this.buf;
    const limit = this.limit;
    const start = this.pos;
    let p = start;
    if (p >= limit) this.truncated(start);
    let c = b[p++]!;
    if (c < 0x80) {
      this.pos = p;
      this.lo = c;
      this.hi = 0;
      return c;
    }
    let lo = c & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      if (p >= limit) this.truncated(start);
      c = b[p++]!;
      lo |= (c & 0x7f) << shift;
      if (c < 0x80) return this.done(p, lo, 0);
    }
    if (p >= limit) this.truncated(start);
    c = b[p++]!;
    lo |= (c & 0x7f) << 28;
    let hi = (c & 0x7f) >> 4;
    if (c < 0x80) return this.done(p, lo, hi);
    for (let shift = 3; shift <= 31; shift += 7) {
      if (p >= limit) this.truncated(start);
      c = b[p++]!;
      hi |= (c & 0x7f) << shift;
      if (c < 0x80) {
        // The 10th byte carries only bit 63.
        if (shift === 31 && c > 1) this.fail('malformed', 'varint overflows 64 bits', start);
        return this.done(p, lo, hi);
      }
    }
    return this.fail('malformed', 'varint longer than 10 bytes', start);
  }

  private done(p: number, lo: number, hi: number): number {
    this.pos = p;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this.lo;
  }

  /** Reads a length prefix and returns the end offset of the value it announces. */
  lengthEnd(): number {
    const start = this.pos;
    const n = this.varint();
    if (this.hi !== 0 || n > this.limit - this.pos) this.truncated(start);
    return this.pos + n;
  }

  advance(n: number): void {
    if (n > this.limit - this.pos) this.truncated(this.pos);
    this.pos += n;
  }

  /** int64 as a JS number; protobuf sends negatives as 64-bit two's complement. */
  int64(): number {
    const start = this.pos;
    this.varint();
    const { lo, hi } = this;
    const v = hi >= 0x80000000 ? (hi - TWO_POW_32) * TWO_POW_32 + lo : hi * TWO_POW_32 + lo;
    // Rounding is monotonic and ±2^53 are representable, so an out-of-range value never rounds into range.
    if (!Number.isSafeInteger(v)) {
      const exact = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
      this.fail('int64-range', `int64 value ${exact} is outside the safe integer range`, start);
    }
    return v;
  }

  string(): string {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    if (end - start > SHORT_ASCII) return this.buf.toString('utf8', start, end);
    // Names and type names are short ASCII; building them in JS avoids a native call.
    const b = this.buf;
    let s = '';
    for (let p = start; p < end; p++) {
      const c = b[p]!;
      if (c >= 0x80) return b.toString('utf8', start, end);
      s += String.fromCharCode(c);
    }
    return s;
  }

  bytes(): Uint8Array {
    const end = this.lengthEnd();
    // Copy: the input is typically a network buffer the caller may recycle.
    const out = this.u8.slice(this.pos, end);
    this.pos = end;
    return out;
  }

  skip(wireType: number, fieldNo: number, depth: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      case WIRE_START_GROUP: {
        if (depth > MAX_DEPTH) this.fail('depth', `groups nested deeper than ${MAX_DEPTH}`);
        for (;;) {
          const at = this.pos;
          const tag = this.varint();
          if (this.hi !== 0) this.fail('malformed', 'field number out of range', at);
          const wt = tag & 7;
          const no = tag >>> 3;
          if (wt === WIRE_END_GROUP) {
            if (no !== fieldNo) this.fail('malformed', `end-group tag ${no} does not match start-group ${fieldNo}`, at);
            return;
          }
          if (no === 0) this.fail('malformed', 'field number 0', at);
          this.skip(wt, no, depth + 1);
        }
      }
      case WIRE_END_GROUP:
        return this.fail('malformed', `unexpected end-group tag for field ${fieldNo}`);
      default:
        return this.fail('malformed', `invalid wire type ${wireType} for field ${fieldNo}`);
    }
  }
}

// ---------------------------------------------------------------------------
// Messages

interface CompiledField {
  readonly name: string;
  readonly no: number;
  readonly card: Cardinality;
  /** Scalar kind, or 'message'. */
  readonly kind: ScalarKind | 'message';
  readonly codec: MessageCodec<unknown> | undefined;
  /** Wire type of one (unpacked) value. */
  readonly wire: number;
  /** Precomputed tag of one value, and the length-delimited tag for packed/map/message encodings. */
  readonly tag: number;
  readonly lenTag: number;
  readonly oneof: string | undefined;
  /** Names of the other members of this field's oneof, cleared when this one is decoded. */
  readonly siblings: readonly string[];
}

interface Compiled {
  /** In field-number order: the canonical encoding order. */
  readonly fields: readonly CompiledField[];
  /** Indexed by field number. */
  readonly byNo: readonly (CompiledField | undefined)[];
  /** Returns a message with every non-optional field defaulted. */
  readonly create: () => Obj;
}

type Obj = Record<string, unknown>;

function wireTypeOf(kind: ScalarKind | 'message'): number {
  return kind === 'string' || kind === 'bytes' || kind === 'message' ? WIRE_LEN : WIRE_VARINT;
}

function scalarDefault(kind: ScalarKind): unknown {
  switch (kind) {
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    case 'bool':
      return false;
    default:
      return 0;
  }
}

/**
 * Builds the default-message factory as an object literal: V8 then gives every decoded
 * message of a type one fast hidden class, which made decoding about twice as fast as
 * assigning defaults in a loop. Keys are JSON-quoted; `__proto__` is rejected in message().
 */
function defaultsFactory(fields: readonly CompiledField[]): () => Obj {
  const props = fields.map((f) => {
    const init = f.card === 'repeated' ? '[]' : f.card === 'map' ? '{}' : defaultLiteral(f.kind as ScalarKind);
    return `${JSON.stringify(f.name)}: ${init}`;
  });
  return new Function(`return { ${props.join(', ')} };`) as () => Obj;
}

function defaultLiteral(kind: ScalarKind): string {
  switch (kind) {
    case 'string':
      return "''";
    case 'bytes':
      return 'new Uint8Array(0)';
    case 'bool':
      return 'false';
    default:
      return '0';
  }
}

function isScalarDefault(kind: ScalarKind, v: unknown): boolean {
  switch (kind) {
    case 'string':
      return v === '';
    case 'bytes':
      return v instanceof Uint8Array && v.length === 0;
    case 'bool':
      return v === false;
    default:
      return v === 0;
  }
}

/** Assigns own properties safely: a map key `__proto__` must not change the prototype. */
function setOwn(o: Obj, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

export class MessageCodec<T> implements Codec<T> {
  #compiled: Compiled | undefined;

  constructor(
    readonly typeName: string,
    private readonly spec: Readonly<Record<string, FieldSpec<unknown>>>,
  ) {}

  encode(value: MessageInit<T>): Uint8Array {
    const w = new Writer(256);
    this.writeBody(w, value, 0);
    return w.finish();
  }

  decode(bytes: Uint8Array): T {
    const r = new Reader(bytes);
    return this.readBody(r, bytes.length, 0, undefined);
  }

  /** A message with every non-optional field set to its default, as decoding empty input gives. */
  create(): T {
    return this.compiled().create() as T;
  }

  private compiled(): Compiled {
    if (this.#compiled !== undefined) return this.#compiled;
    const fields: CompiledField[] = [];
    const groups = new Map<string, string[]>();
    for (const [name, s] of Object.entries(this.spec)) {
      if (s.oneof !== undefined) {
        const members = groups.get(s.oneof) ?? [];
        members.push(name);
        groups.set(s.oneof, members);
      }
    }
    let maxNo = 0;
    for (const [name, s] of Object.entries(this.spec)) {
      const kind = typeof s.type === 'function' ? 'message' : s.type;
      const wire = wireTypeOf(kind);
      if (s.card === 'optional' && kind === 'message') throw new TypeError(`${this.typeName}.${name}: message fields already have presence; use field()`);
      fields.push({
        name,
        no: s.no,
        card: s.card,
        kind,
        codec: typeof s.type === 'function' ? s.type() : undefined,
        wire,
        // >>> 0: field numbers >= 2^28 would otherwise make the tag a negative int32.
        tag: ((s.no << 3) | wire) >>> 0,
        lenTag: ((s.no << 3) | WIRE_LEN) >>> 0,
        oneof: s.oneof,
        siblings: s.oneof === undefined ? [] : (groups.get(s.oneof) ?? []).filter((n) => n !== name),
      });
      maxNo = Math.max(maxNo, s.no);
    }
    fields.sort((a, b) => a.no - b.no);
    for (let i = 1; i < fields.length; i++) {
      if (fields[i]!.no === fields[i - 1]!.no) throw new TypeError(`${this.typeName}: field number ${fields[i]!.no} used twice`);
    }
    // A dense lookup table for the usual small field numbers; sparse huge numbers fall back to a search.
    const byNo: (CompiledField | undefined)[] = [];
    if (maxNo <= 1024) {
      byNo.length = maxNo + 1;
      for (const f of fields) byNo[f.no] = f;
    }
    this.#compiled = {
      fields,
      byNo,
      create: defaultsFactory(fields.filter((f) => f.card === 'repeated' || f.card === 'map' || (f.card === 'singular' && f.kind !== 'message'))),
    };
    return this.#compiled;
  }

  private lookup(c: Compiled, no: number): CompiledField | undefined {
    if (no < c.byNo.length) return c.byNo[no];
    if (c.byNo.length > 0) return undefined;
    return c.fields.find((f) => f.no === no);
  }

  // --- encoding -------------------------------------------------------------

  private writeBody(w: Writer, value: unknown, depth: number): void {
    if (!isObject(value)) throw new ProtobufEncodeError(`expected an object, got ${describe(value)}`, this.typeName);
    if (depth > MAX_DEPTH) throw new ProtobufEncodeError(`messages nested deeper than ${MAX_DEPTH} (a cycle?)`, this.typeName);
    const c = this.compiled();
    const o = value as Obj;
    let oneofSeen: Map<string, string> | undefined;
    for (const f of c.fields) {
      const v = o[f.name];
      if (v === undefined || v === null) continue;
      switch (f.card) {
        case 'singular':
          if (f.kind === 'message') {
            this.writeMessage(w, f, v, depth);
          } else if (!isScalarDefault(f.kind, v)) {
            w.varint32(f.tag);
            this.writeScalar(w, f, v);
          }
          break;
        case 'oneof':
        case 'optional':
          if (f.oneof !== undefined) {
            oneofSeen ??= new Map();
            const other = oneofSeen.get(f.oneof);
            if (other !== undefined) throw new ProtobufEncodeError(`oneof '${f.oneof}' has both '${other}' and '${f.name}' set`, this.fieldPath(f));
            oneofSeen.set(f.oneof, f.name);
          }
          // Fields with presence are written even when they hold the default value.
          if (f.kind === 'message') {
            this.writeMessage(w, f, v, depth);
          } else {
            w.varint32(f.tag);
            this.writeScalar(w, f, v);
          }
          break;
        case 'repeated':
          this.writeRepeated(w, f, v, depth);
          break;
        case 'map':
          this.writeMap(w, f, v, depth);
          break;
      }
    }
  }

  private fieldPath(f: CompiledField): string {
    return `${this.typeName}.${f.name}`;
  }

  private writeMessage(w: Writer, f: CompiledField, v: unknown, depth: number): void {
    if (!isObject(v)) throw new ProtobufEncodeError(`expected a ${f.codec!.typeName} object, got ${describe(v)}`, this.fieldPath(f));
    w.varint32(f.lenTag);
    const at = w.beginLength();
    f.codec!.writeBody(w, v, depth + 1);
    w.endLength(at);
  }

  private writeRepeated(w: Writer, f: CompiledField, v: unknown, depth: number): void {
    if (!Array.isArray(v)) throw new ProtobufEncodeError(`expected an array, got ${describe(v)}`, this.fieldPath(f));
    if (v.length === 0) return;
    if (f.wire === WIRE_LEN) {
      for (const item of v) {
        if (item === undefined || item === null) throw new ProtobufEncodeError(`array contains ${describe(item)}`, this.fieldPath(f));
        if (f.kind === 'message') {
          this.writeMessage(w, f, item, depth);
        } else {
          w.varint32(f.tag);
          this.writeScalar(w, f, item);
        }
      }
      return;
    }
    // proto3 packs repeated numeric fields by default.
    w.varint32(f.lenTag);
    const at = w.beginLength();
    for (const item of v) this.writeScalar(w, f, item);
    w.endLength(at);
  }

  private writeMap(w: Writer, f: CompiledField, v: unknown, depth: number): void {
    if (!isObject(v)) throw new ProtobufEncodeError(`expected an object map, got ${describe(v)}`, this.fieldPath(f));
    const entries = v as Obj;
    const valueTag = (2 << 3) | f.wire;
    for (const key of Object.keys(entries)) {
      const item = entries[key];
      if (item === undefined || item === null) throw new ProtobufEncodeError(`map value for key '${key}' is ${describe(item)}`, this.fieldPath(f));
      w.varint32(f.lenTag);
      const at = w.beginLength();
      // Key and value are always written (as Go does), so an empty value survives as present.
      w.byte((1 << 3) | WIRE_LEN);
      w.string(key);
      w.varint32(valueTag);
      if (f.kind === 'message') {
        if (!isObject(item)) throw new ProtobufEncodeError(`map value for key '${key}' is ${describe(item)}`, this.fieldPath(f));
        const inner = w.beginLength();
        f.codec!.writeBody(w, item, depth + 1);
        w.endLength(inner);
      } else {
        this.writeScalar(w, f, item);
      }
      w.endLength(at);
    }
  }

  private writeScalar(w: Writer, f: CompiledField, v: unknown): void {
    switch (f.kind) {
      case 'string':
        if (typeof v !== 'string') throw new ProtobufEncodeError(`expected a string, got ${describe(v)}`, this.fieldPath(f));
        w.string(v);
        return;
      case 'bytes':
        if (!(v instanceof Uint8Array)) throw new ProtobufEncodeError(`expected a Uint8Array, got ${describe(v)}`, this.fieldPath(f));
        w.bytes(v);
        return;
      case 'bool':
        if (typeof v !== 'boolean') throw new ProtobufEncodeError(`expected a boolean, got ${describe(v)}`, this.fieldPath(f));
        w.byte(v ? 1 : 0);
        return;
      case 'enum':
      case 'int32':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
          throw new ProtobufEncodeError(`expected a 32-bit integer, got ${describe(v)}`, this.fieldPath(f));
        }
        w.int32(v);
        return;
      case 'int64':
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ProtobufEncodeError(`expected a safe integer, got ${describe(v)}`, this.fieldPath(f));
        w.int64(v);
        return;
      case 'message':
        throw new Error('unreachable: message handled by caller');
    }
  }

  // --- decoding -------------------------------------------------------------

  /** Reads fields up to `end`; merges into `target` when a message field occurs twice (protobuf semantics). */
  private readBody(r: Reader, end: number, depth: number, target: Obj | undefined): T {
    const savedType = r.typeName;
    r.typeName = this.typeName;
    if (depth > MAX_DEPTH) r.fail('depth', `messages nested deeper than ${MAX_DEPTH}`);
    const c = this.compiled();
    const out = target ?? (this.create() as Obj);
    const savedLimit = r.limit;
    r.limit = end;
    while (r.pos < end) {
      const at = r.pos;
      const tag = r.varint();
      if (r.hi !== 0) r.fail('malformed', 'field number out of range', at);
      const no = tag >>> 3;
      const wt = tag & 7;
      if (no === 0) r.fail('malformed', 'field number 0', at);
      const f = this.lookup(c, no);
      if (f === undefined || !this.readField(r, f, wt, out, depth)) r.skip(wt, no, depth);
    }
    r.limit = savedLimit;
    r.typeName = savedType;
    return out as T;
  }

  /** Returns false when the wire type does not fit the field, which is then skipped as unknown (as Go does). */
  private readField(r: Reader, f: CompiledField, wt: number, out: Obj, depth: number): boolean {
    switch (f.card) {
      case 'singular':
      case 'optional':
      case 'oneof':
        if (wt !== f.wire) return false;
        if (f.card === 'oneof') for (const s of f.siblings) delete out[s];
        if (f.kind === 'message') {
          const end = r.lengthEnd();
          const prev = out[f.name];
          out[f.name] = f.codec!.readBody(r, end, depth + 1, typeof prev === 'object' && prev !== null ? (prev as Obj) : undefined);
        } else {
          out[f.name] = this.readScalar(r, f);
        }
        return true;
      case 'repeated': {
        const list = out[f.name] as unknown[];
        if (f.kind === 'message') {
          if (wt !== WIRE_LEN) return false;
          const end = r.lengthEnd();
          list.push(f.codec!.readBody(r, end, depth + 1, undefined));
        } else if (wt === f.wire) {
          list.push(this.readScalar(r, f));
        } else if (wt === WIRE_LEN) {
          // Packed numeric values.
          const end = r.lengthEnd();
          const savedLimit = r.limit;
          r.limit = end;
          while (r.pos < end) list.push(this.readScalar(r, f));
          r.limit = savedLimit;
        } else {
          return false;
        }
        return true;
      }
      case 'map':
        if (wt !== WIRE_LEN) return false;
        this.readMapEntry(r, f, out[f.name] as Obj, depth);
        return true;
    }
  }

  private readMapEntry(r: Reader, f: CompiledField, map: Obj, depth: number): void {
    const end = r.lengthEnd();
    const savedLimit = r.limit;
    r.limit = end;
    let key = '';
    let value: unknown;
    while (r.pos < end) {
      const at = r.pos;
      const tag = r.varint();
      if (r.hi !== 0) r.fail('malformed', 'field number out of range', at);
      const no = tag >>> 3;
      const wt = tag & 7;
      if (no === 1 && wt === WIRE_LEN) {
        key = r.string();
      } else if (no === 2 && wt === f.wire) {
        if (f.kind === 'message') {
          const valueEnd = r.lengthEnd();
          value = f.codec!.readBody(r, valueEnd, depth + 1, typeof value === 'object' && value !== null ? (value as Obj) : undefined);
        } else {
          value = this.readScalar(r, f);
        }
      } else {
        if (no === 0) r.fail('malformed', 'field number 0', at);
        r.skip(wt, no, depth);
      }
    }
    r.limit = savedLimit;
    // A missing value means the default: an empty message for message-valued maps.
    if (value === undefined) value = f.kind === 'message' ? f.codec!.create() : scalarDefault(f.kind);
    setOwn(map, key, value);
  }

  private readScalar(r: Reader, f: CompiledField): unknown {
    switch (f.kind) {
      case 'string':
        return r.string();
      case 'bytes':
        return r.bytes();
      case 'bool':
        r.varint();
        return r.lo !== 0 || r.hi !== 0;
      case 'enum':
      case 'int32':
        // Low 32 bits, signed: negative values arrive sign-extended to 10 bytes.
        return r.varint() | 0;
      case 'int64': {
        const prev = r.typeName;
        r.typeName = this.fieldPath(f);
        const v = r.int64();
        r.typeName = prev;
        return v;
      }
      case 'message':
        throw new Error('unreachable: message handled by caller');
    }
  }
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return 'bytes';
  const t = typeof v;
  return t === 'number' || t === 'bigint' ? `${t} ${String(v)}` : t;
}

/**
 * Describes a proto3 message once. `fields` maps each property of T to its field spec;
 * nothing is compiled until the codec is first used, so module load stays cheap.
 */
export function message<T extends object>(typeName: string, fields: FieldMap<T>): MessageCodec<T> {
  if (Object.prototype.hasOwnProperty.call(fields, '__proto__')) throw new TypeError(`${typeName}: a field may not be named __proto__`);
  return new MessageCodec<T>(typeName, fields as unknown as Readonly<Record<string, FieldSpec<unknown>>>);
}
