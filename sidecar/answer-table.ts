// Answers as flat buffers: every answer's bytes, and an open-addressing hash index over the tenant
// keys. The loader thread builds them and transfers them to the HTTP thread, which wraps them
// without copying. At 100,000 tenants the HTTP thread's heap then holds a handful of objects instead
// of ~600,000 strings and records: its garbage collector has nothing to trace, so a reload no longer
// pauses lookups (see docs/scaling.md).
//
// Bodies are stored without the registry generation, which changes on every reload: the HTTP thread
// writes it in at the recorded byte position when it answers. A table therefore stays valid across
// reloads, and a reload only ships what changed (an overlay table, see snapshot.ts).
//
// Layout (int32, in the platform's byte order, as typed arrays are):
// - entries: ENTRY_INTS per key: hash, key offset, key length, body offset, body length,
//   status|flags, generation position within the body (-1: the body has no generation)
// - slots: power-of-two table of entry number + 1 (0 = empty), at most half full, linear probing
// - data: the keys (ASCII) and the bodies (UTF-8), back to back

const ENTRY_INTS = 7;
const E_HASH = 0;
const E_KEY_OFF = 1;
const E_KEY_LEN = 2;
const E_BODY_OFF = 3;
const E_BODY_LEN = 4;
const E_STATUS = 5;
const E_CUT = 6;

const STATUS_MASK = 0xffff;
/** The key is a host with subpath tenants: look at the request path before answering. */
export const FLAG_SUBPATHS = 1 << 16;
/** The key only marks such a host: no tenant has the bare host itself. */
export const FLAG_NO_ANSWER = 1 << 17;
/** In an overlay: the key is gone, whatever the base table says. */
export const FLAG_REMOVED = 1 << 18;

/** What crosses between the threads: transferable, so moved rather than copied. */
export interface AnswerTableBuffers {
  readonly slots: ArrayBuffer;
  readonly entries: ArrayBuffer;
  /** Keys and bodies; may end with some unused space. */
  readonly data: ArrayBuffer;
  /** Bytes of `data` in use. */
  readonly dataBytes: number;
}

/** Entries in a table's buffers (markers and removals included). */
export function entriesIn(buffers: AnswerTableBuffers): number {
  return buffers.entries.byteLength / (ENTRY_INTS * 4);
}

export class AnswerTableError extends Error {
  override name = 'AnswerTableError';
}

/** FNV-1a over UTF-16 code units; both threads hash keys with this one function. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Grows by half again; rounding keeps small tables from growing a few bytes at a time. */
function grown(current: number, needed: number): number {
  return Math.max(needed, Math.ceil((current * 1.5) / 4096) * 4096);
}

/**
 * Writes answers into the data buffer as they are added: a body string is garbage as soon as it is
 * written, so building 100,000 answers never holds 100,000 strings at once. `sizeHint` lets the
 * buffer be allocated once; a buffer left far too large is copied to its exact size at the end,
 * since the HTTP thread carries it for as long as it serves the table.
 */
export class AnswerTableBuilder {
  private data: Buffer;
  private used = 0;
  private entries: Int32Array;
  private count = 0;
  private readonly keys = new Set<string>();

  constructor(sizeHint = 4096, entriesHint = 16) {
    this.data = Buffer.from(new ArrayBuffer(Math.max(4096, sizeHint)));
    this.entries = new Int32Array(new ArrayBuffer(Math.max(16, entriesHint) * ENTRY_INTS * 4));
  }

  get size(): number {
    return this.count;
  }

  /**
   * A tenant's answer: `head` + generation + `tail` (tail null: no generation in the body, as in
   * a refusal). Keys are normalised hosts and subpaths: ASCII by construction, checked anyway.
   */
  add(key: string, status: number, head: string, tail: string | null, flags = 0): void {
    if (status <= 0 || status > STATUS_MASK) throw new AnswerTableError(`status ${status} out of range`);
    this.append(key, status | (flags & ~STATUS_MASK), head, tail);
  }

  /** `host` has tenants under subpaths, but no tenant of its own. */
  addMarker(host: string): void {
    this.append(host, 404 | FLAG_SUBPATHS | FLAG_NO_ANSWER, '', null);
  }

  /** (Overlays) `key` no longer exists. */
  addRemoval(key: string): void {
    this.append(key, 404 | FLAG_REMOVED, '', null);
  }

  private append(key: string, statusFlags: number, head: string, tail: string | null): void {
    if (!isAscii(key)) throw new AnswerTableError(`tenant key is not ASCII: ${JSON.stringify(key.slice(0, 80))}`);
    if (this.keys.has(key)) throw new AnswerTableError(`duplicate tenant key ${JSON.stringify(key)}`);
    const tailLength = tail === null ? 0 : tail.length;
    // Worst case of UTF-8 for a UTF-16 string: 3 bytes per code unit; measured only near the end.
    if (this.used + key.length + (head.length + tailLength) * 3 > this.data.length) {
      const room = key.length + Buffer.byteLength(head) + (tail === null ? 0 : Buffer.byteLength(tail));
      if (this.used + room > this.data.length) this.growData(this.used + room);
    }
    if ((this.count + 1) * ENTRY_INTS > this.entries.length) {
      const bigger = new Int32Array(new ArrayBuffer(grown(this.entries.length, (this.count + 1) * ENTRY_INTS) * 4));
      bigger.set(this.entries);
      this.entries = bigger;
    }
    const base = this.count * ENTRY_INTS;
    const entries = this.entries;
    entries[base + E_HASH] = hashKey(key);
    entries[base + E_KEY_OFF] = this.used;
    entries[base + E_KEY_LEN] = key.length;
    this.used += this.data.write(key, this.used, 'latin1');
    const bodyStart = this.used;
    entries[base + E_BODY_OFF] = bodyStart;
    if (head.length > 0) this.used += this.data.write(head, this.used, 'utf8');
    entries[base + E_CUT] = tail === null ? -1 : this.used - bodyStart;
    if (tail !== null && tail.length > 0) this.used += this.data.write(tail, this.used, 'utf8');
    entries[base + E_BODY_LEN] = this.used - bodyStart;
    entries[base + E_STATUS] = statusFlags;
    this.keys.add(key);
    this.count++;
  }

  private growData(needed: number): void {
    if (needed > 0x7fffffff) throw new AnswerTableError('answer table larger than 2 GiB');
    const bigger = Buffer.from(new ArrayBuffer(Math.min(0x7fffffff, grown(this.data.length, needed))));
    this.data.copy(bigger, 0, 0, this.used);
    this.data = bigger;
  }

  finish(): AnswerTableBuffers {
    const count = this.count;
    let capacity = 8;
    while (capacity < count * 2) capacity *= 2;
    const slots = new Int32Array(new ArrayBuffer(capacity * 4));
    const mask = capacity - 1;
    for (let n = 0; n < count; n++) {
      let i = this.entries[n * ENTRY_INTS + E_HASH]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = n + 1;
    }
    const entries = this.entries.slice(0, count * ENTRY_INTS);
    let data = this.data.buffer as ArrayBuffer;
    // Slack beyond a quarter (a first build sized by guesswork): copy to the exact size.
    if (data.byteLength - this.used > Math.max(4096, this.used / 4)) {
      const exact = new ArrayBuffer(this.used);
      new Uint8Array(exact).set(new Uint8Array(data, 0, this.used));
      data = exact;
    }
    return { slots: slots.buffer as ArrayBuffer, entries: entries.buffer as ArrayBuffer, data, dataBytes: this.used };
  }
}

/** The HTTP thread's view of the buffers: lookups by key, answers assembled with a generation. */
export class AnswerTable {
  private readonly slots: Int32Array;
  private readonly entries: Int32Array;
  private readonly data: Buffer;
  private readonly mask: number;
  /** Entries, markers and removals included. */
  readonly entryCount: number;

  constructor(buffers: AnswerTableBuffers) {
    this.slots = new Int32Array(buffers.slots);
    this.entries = new Int32Array(buffers.entries);
    this.data = Buffer.from(buffers.data, 0, buffers.dataBytes);
    const capacity = this.slots.length;
    if (capacity === 0 || (capacity & (capacity - 1)) !== 0) throw new AnswerTableError('index size is not a power of two');
    if (this.entries.length % ENTRY_INTS !== 0) throw new AnswerTableError('entry table is truncated');
    this.mask = capacity - 1;
    this.entryCount = this.entries.length / ENTRY_INTS;
  }

  /** The entry for a key, or -1. */
  find(key: string): number {
    const hash = hashKey(key);
    const { slots, entries, mask } = this;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = slots[i];
      // undefined: the table was handed back (release()) and reads as empty, never loops.
      if (slot === undefined || slot === 0) return -1;
      const base = (slot - 1) * ENTRY_INTS;
      if (entries[base + E_HASH] === hash && entries[base + E_KEY_LEN] === key.length && this.keyIs(entries[base + E_KEY_OFF]!, key)) {
        return slot - 1;
      }
    }
  }

  private keyIs(offset: number, key: string): boolean {
    const data = this.data;
    for (let i = 0; i < key.length; i++) if (data[offset + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  status(entry: number): number {
    return this.entries[entry * ENTRY_INTS + E_STATUS]! & STATUS_MASK;
  }

  hasSubpaths(entry: number): boolean {
    return (this.entries[entry * ENTRY_INTS + E_STATUS]! & FLAG_SUBPATHS) !== 0;
  }

  /** Whether a tenant has this exact key (false for a marker or a removal). */
  answers(entry: number): boolean {
    return (this.entries[entry * ENTRY_INTS + E_STATUS]! & (FLAG_NO_ANSWER | FLAG_REMOVED)) === 0;
  }

  removed(entry: number): boolean {
    return (this.entries[entry * ENTRY_INTS + E_STATUS]! & FLAG_REMOVED) !== 0;
  }

  key(entry: number): string {
    const base = entry * ENTRY_INTS;
    const off = this.entries[base + E_KEY_OFF]!;
    return this.data.toString('latin1', off, off + this.entries[base + E_KEY_LEN]!);
  }

  /**
   * The answer's bytes with `generation` (ASCII digits) written in: a new buffer, so it stays
   * valid whatever happens to the table afterwards (a socket may queue the write).
   */
  answer(entry: number, generation: string): Buffer {
    const base = entry * ENTRY_INTS;
    const off = this.entries[base + E_BODY_OFF]!;
    const len = this.entries[base + E_BODY_LEN]!;
    const cut = this.entries[base + E_CUT]!;
    if (cut < 0) return Buffer.from(this.data.subarray(off, off + len));
    const out = Buffer.allocUnsafe(len + generation.length);
    this.data.copy(out, 0, off, off + cut);
    out.write(generation, cut, 'latin1');
    this.data.copy(out, cut + generation.length, off + cut, off + len);
    return out;
  }

  /**
   * Gives the buffers back, for the loader thread (transfer them): the table then answers nothing.
   * Answers handed out earlier are copies (see answer()), so nothing in flight reads them.
   */
  release(): AnswerTableBuffers {
    return { slots: this.slots.buffer as ArrayBuffer, entries: this.entries.buffer as ArrayBuffer, data: this.data.buffer as ArrayBuffer, dataBytes: this.data.length };
  }

  /** Bytes held, for metrics. */
  get byteLength(): number {
    return this.slots.byteLength + this.entries.byteLength + this.data.buffer.byteLength;
  }
}
