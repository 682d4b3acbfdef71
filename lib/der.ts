// DER encoding and decoding for the few X.509 structures we build: go-plugin's mTLS server
// certificate (provider/plugin/tls-cert.ts) and Moodle MNet certificates (provider/moodle/mnet/).
// node:crypto can parse a certificate but cannot create one, and an X.509 library is a heavy
// require() in a provider process Terraform starts several times per command. The reader exists
// because node's X509Certificate prints subjects as text, ambiguous for the values Moodle uses.

export class DerError extends Error {
  override name = 'DerError';
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  t61String: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export const seq = (...c: Buffer[]): Buffer => tlv(TAG.sequence, ...c);
export const set = (...c: Buffer[]): Buffer => tlv(TAG.set, ...c);
export const octets = (b: Buffer): Buffer => tlv(TAG.octetString, b);
export const derNull = (): Buffer => Buffer.from([TAG.null, 0x00]);
export const bool = (v: boolean): Buffer => tlv(TAG.boolean, Buffer.from([v ? 0xff : 0x00]));
export const utf8 = (s: string): Buffer => tlv(TAG.utf8String, Buffer.from(s, 'utf8'));
/** Explicitly tagged ([n] EXPLICIT) or implicitly tagged primitive context value. */
export const context = (n: number, constructed: boolean, ...c: Buffer[]): Buffer => tlv((constructed ? 0xa0 : 0x80) | n, ...c);

export function printable(s: string): Buffer {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s)) throw new DerError(`"${s}" is not a PrintableString`);
  return tlv(TAG.printableString, Buffer.from(s, 'latin1'));
}

export function ia5(s: string): Buffer {
  if (!/^[\x00-\x7f]*$/.test(s)) throw new DerError('IA5String values must be ASCII');
  return tlv(TAG.ia5String, Buffer.from(s, 'latin1'));
}

/** A non-negative INTEGER from its big-endian magnitude (a leading 0 is added when the top bit is set). */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const trimmed = magnitude.length === 0 ? Buffer.from([0]) : magnitude.subarray(i);
  return tlv(TAG.integer, (trimmed[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export const smallInteger = (n: number): Buffer => {
  const hex = n.toString(16);
  return unsignedInteger(Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex'));
};

/** BIT STRING with no unused bits. */
export const bitString = (b: Buffer): Buffer => tlv(TAG.bitString, Buffer.from([0]), b);

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  if (parts.length < 2 || parts.some((p) => !Number.isSafeInteger(p) || p < 0)) throw new DerError(`bad OID ${dotted}`);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const stack: number[] = [part & 0x7f];
    let rest = Math.floor(part / 128);
    while (rest > 0) {
      stack.unshift((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    out.push(...stack);
  }
  return tlv(TAG.oid, Buffer.from(out));
}

/** UTCTime for 1950-2049, GeneralizedTime after (RFC 5280 4.1.2.5). Second precision. */
export function time(d: Date): Buffer {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const body = pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + pad(d.getUTCHours()) + pad(d.getUTCMinutes()) + pad(d.getUTCSeconds()) + 'Z';
  const year = d.getUTCFullYear();
  return year < 2050 ? tlv(TAG.utcTime, Buffer.from(pad(year % 100) + body)) : tlv(TAG.generalizedTime, Buffer.from(String(year) + body));
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface Node {
  tag: number;
  /** Content octets. */
  content: Buffer;
  /** The whole TLV, header included. */
  raw: Buffer;
}

/** Reads one TLV at offset; definite lengths only (DER). */
export function readNode(buf: Buffer, offset = 0): Node {
  if (offset + 2 > buf.length) throw new DerError('truncated DER');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used in certificates');
  let len = buf[offset + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported DER length');
    if (offset + 2 + n > buf.length) throw new DerError('truncated DER');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i]!;
    head += n;
  }
  const end = offset + head + len;
  if (end > buf.length) throw new DerError('truncated DER');
  return { tag, content: buf.subarray(offset + head, end), raw: buf.subarray(offset, end) };
}

/** The TLVs inside a constructed value. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  let at = 0;
  while (at < node.content.length) {
    const child = readNode(node.content, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

export function decodeOid(node: Node): string {
  if (node.tag !== TAG.oid || node.content.length === 0) throw new DerError('expected an OID');
  const b = node.content;
  const first = b[0]!;
  const parts = [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if ((b[i]! & 0x80) === 0) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** The text of a DirectoryString / IA5String / PrintableString value. */
export function decodeString(node: Node): string {
  switch (node.tag) {
    case TAG.utf8String:
      return node.content.toString('utf8');
    case TAG.printableString:
    case TAG.ia5String:
    case TAG.t61String:
      return node.content.toString('latin1');
    case TAG.bmpString:
      return Buffer.from(node.content).swap16().toString('utf16le');
    default:
      throw new DerError(`tag 0x${node.tag.toString(16)} is not a string`);
  }
}
