// Column values as SQL literals for the dump, working on the raw bytes the server sent (text
// protocol): numbers are written as the server printed them (exact, no float round trip through
// JavaScript), binary data as hex (the loader, like any UTF-8 reader, must never see raw bytes),
// everything else as a quoted string escaped the way mysql_real_escape_string does. The dump sets
// a sql_mode without NO_BACKSLASH_ESCAPES, which these escapes assume.
//
// Literals are appended to a growable byte buffer (one INSERT statement) rather than built as a
// Buffer each: a dump writes millions of values, and per-value allocations dominated its cost.

/** How a column's values are written, from information_schema.COLUMNS.DATA_TYPE. */
export type ColumnKind = 'number' | 'binary' | 'text';

const NUMERIC = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric', 'float', 'double', 'real', 'year']);
const BINARY = new Set([
  'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit',
  'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection',
]);

export function columnKind(dataType: string): ColumnKind {
  const t = dataType.toLowerCase();
  if (NUMERIC.has(t)) return 'number';
  if (BINARY.has(t)) return 'binary';
  return 'text';
}

const NUMBER_RE = /^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** Plain integers (the common case) are checked byte-wise; anything else goes through NUMBER_RE. */
function isNumberText(value: Buffer): boolean {
  let i = value[0] === 0x2d ? 1 : 0;
  if (i >= value.length) return false;
  for (; i < value.length; i++) {
    const b = value[i]!;
    if (b < 0x30 || b > 0x39) return NUMBER_RE.test(value.toString('latin1'));
  }
  return true;
}

const QUOTE = 0x27;
const BACKSLASH = 0x5c;
/** byte → the letter after the backslash (0 = no escape): \0 \n \r \Z \" \' \\ */
const ESCAPE = new Uint8Array(256);
ESCAPE[0x00] = 0x30;
ESCAPE[0x0a] = 0x6e;
ESCAPE[0x0d] = 0x72;
ESCAPE[0x1a] = 0x5a;
ESCAPE[0x22] = 0x22;
ESCAPE[0x27] = 0x27;
ESCAPE[0x5c] = 0x5c;
const HEX = Buffer.from('0123456789abcdef', 'latin1');

export class ByteBuilder {
  private buf: Buffer;
  length = 0;

  constructor(initial = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  bytes(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.buf, this.length);
    this.length += b.length;
  }

  /** Short ASCII text (separators, NULL): a loop beats Buffer.write's native call at this size. */
  ascii(s: string): void {
    this.ensure(s.length);
    const out = this.buf;
    let o = this.length;
    for (let i = 0; i < s.length; i++) out[o++] = s.charCodeAt(i);
    this.length = o;
  }

  /** 'text' with MySQL backslash escapes, byte-wise (UTF-8 multi-byte sequences never contain these ASCII bytes). */
  quoted(value: Buffer): void {
    this.ensure(value.length * 2 + 2);
    const out = this.buf;
    let o = this.length;
    out[o++] = QUOTE;
    let from = 0;
    for (let i = 0; i < value.length; i++) {
      const esc = ESCAPE[value[i]!]!;
      if (esc === 0) continue;
      o += value.copy(out, o, from, i);
      out[o++] = BACKSLASH;
      out[o++] = esc;
      from = i + 1;
    }
    o += value.copy(out, o, from, value.length);
    out[o++] = QUOTE;
    this.length = o;
  }

  hex(value: Buffer): void {
    this.ensure(value.length * 2 + 2);
    const out = this.buf;
    let o = this.length;
    out[o++] = 0x30; // 0
    out[o++] = 0x78; // x
    for (let i = 0; i < value.length; i++) {
      out[o++] = HEX[value[i]! >> 4]!;
      out[o++] = HEX[value[i]! & 15]!;
    }
    this.length = o;
  }

  /** One value as a literal. `null` is SQL NULL. */
  literal(value: Buffer | null, kind: ColumnKind): void {
    if (value === null) this.ascii('NULL');
    else if (kind === 'number' && isNumberText(value)) this.bytes(value);
    else if (kind === 'binary') {
      if (value.length === 0) this.ascii("''");
      else this.hex(value);
    }
    // Text, and anything reported numeric that does not look like a number, round-trips quoted.
    else this.quoted(value);
  }

  /** The content so far (a copy: the builder is reused), and the builder emptied. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}

/** One value as a literal, standalone (tests, small uses). */
export function literal(value: Buffer | null, kind: ColumnKind): Buffer {
  const b = new ByteBuilder(64);
  b.literal(value, kind);
  return b.take();
}
