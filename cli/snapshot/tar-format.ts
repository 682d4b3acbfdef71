// The tar format (POSIX ustar + pax extended headers), just what a Moodle data folder needs:
// regular files, folders and symbolic links, with mode and mtime. Names longer than ustar's 100
// bytes and files over 8 GiB go into a pax header, which GNU tar, bsdtar and every library read.
// Owners are not recorded as names: a restore creates files as whoever runs it.

export const BLOCK = 512;
const MAX_OCTAL_11 = 0o77777777777; // 8 GiB - 1

export type EntryType = 'file' | 'directory' | 'symlink';

export interface TarEntry {
  type: EntryType;
  /** Relative path with "/" separators, no leading "./"; folders without a trailing slash. */
  path: string;
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  size: number;
  linkpath?: string;
}

export class TarFormatError extends Error {
  override name = 'TarFormatError';
}

function writeString(buf: Buffer, offset: number, length: number, value: string): void {
  buf.write(value, offset, length, 'utf8');
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  // length-1 digits, then NUL.
  const digits = Math.max(0, Math.floor(value)).toString(8).padStart(length - 1, '0');
  buf.write(digits.slice(-(length - 1)), offset, length - 1, 'latin1');
  buf[offset + length - 1] = 0;
}

function typeFlag(type: EntryType | 'pax'): string {
  return type === 'file' ? '0' : type === 'directory' ? '5' : type === 'symlink' ? '2' : 'x';
}

function rawHeader(name: string, type: EntryType | 'pax', mode: number, size: number, mtime: number, linkname: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, mode & 0o7777);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size <= MAX_OCTAL_11 ? size : 0);
  writeOctal(h, 136, 12, Math.min(Math.max(0, mtime), MAX_OCTAL_11));
  h.write('        ', 148, 8, 'latin1');
  h.write(typeFlag(type), 156, 1, 'latin1');
  writeString(h, 157, 100, linkname);
  h.write('ustar\u000000', 257, 8, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 8, 'latin1');
  return h;
}

/** "LEN key=value\n", LEN counting the whole record including its own digits. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  let len = bodyLength + 1;
  while (String(len).length + bodyLength !== len) len = String(len).length + bodyLength;
  return `${len}${body}`;
}

export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** The header block(s) of one entry: a pax header first when a field does not fit ustar. */
export function encodeHeader(entry: TarEntry): Buffer {
  const name = entry.type === 'directory' ? `${entry.path}/` : entry.path;
  const link = entry.linkpath ?? '';
  const size = entry.type === 'file' ? entry.size : 0;
  let pax = '';
  if (Buffer.byteLength(name) > 100) pax += paxRecord('path', name);
  if (Buffer.byteLength(link) > 100) pax += paxRecord('linkpath', link);
  if (size > MAX_OCTAL_11) pax += paxRecord('size', String(size));
  const main = rawHeader(truncate(name), entry.type, entry.mode, size, entry.mtime, truncate(link));
  if (!pax) return main;
  const data = Buffer.from(pax, 'utf8');
  return Buffer.concat([rawHeader(truncate(`PaxHeader/${name}`), 'pax', 0o644, data.length, entry.mtime, ''), data, Buffer.alloc(padding(data.length)), main]);
}

/** At most 100 bytes without cutting a UTF-8 sequence (the real name is in the pax header). */
function truncate(s: string): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= 100) return s;
  let end = 100;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

// ---------------------------------------------------------------------------------------------
// Reading

export interface RawHeader {
  /** Type flag character ('0', '5', '2', 'x', 'g', 'L', 'K', ...). */
  flag: string;
  name: string;
  linkname: string;
  mode: number;
  mtime: number;
  size: number;
}

function readString(buf: Buffer, offset: number, length: number): string {
  const slice = buf.subarray(offset, offset + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? length : nul).toString('utf8');
}

function readNumber(buf: Buffer, offset: number, length: number, field: string): number {
  // GNU base-256 for values that do not fit in octal: high bit of the first byte set.
  if (buf[offset]! & 0x80) {
    let v = buf[offset]! & 0x7f;
    for (let i = 1; i < length; i++) v = v * 256 + buf[offset + i]!;
    return v;
  }
  const text = buf.toString('latin1', offset, offset + length).replace(/[\0 ]+$/g, '').replace(/^[\0 ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`bad ${field} field "${text}" in a tar header`);
  return parseInt(text, 8);
}

export function isZeroBlock(block: Buffer): boolean {
  for (const b of block) if (b !== 0) return false;
  return true;
}

export function decodeHeader(block: Buffer): RawHeader {
  const stored = readNumber(block, 148, 8, 'checksum');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  if (sum !== stored) throw new TarFormatError('tar header checksum mismatch: the archive is damaged');
  let name = readString(block, 0, 100);
  if (block.toString('latin1', 257, 262) === 'ustar') {
    const prefix = readString(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return {
    flag: String.fromCharCode(block[156]! || 0x30),
    name,
    linkname: readString(block, 157, 100),
    mode: readNumber(block, 100, 8, 'mode'),
    mtime: readNumber(block, 136, 12, 'mtime'),
    size: readNumber(block, 124, 12, 'size'),
  };
}

export function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = Number(data.toString('latin1', pos, space));
    if (!Number.isSafeInteger(len) || len <= 0 || pos + len > data.length) throw new TarFormatError('bad pax extended header');
    const record = data.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}
