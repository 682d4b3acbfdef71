// The snapshot the HTTP thread serves: a base answer table and an overlay of what changed since the
// base was built (answer-table.ts), both from the loader thread, with the generation and source.
// A reload that changes a few tenants ships a new overlay only; the base (100,000 answers) stays
// where it is. The object is immutable; a reload swaps the whole of it (serving-state.ts), so a
// request sees either the old snapshot or the new one, never half of a reload.
import { AnswerTable, type AnswerTableBuffers } from './answer-table';
import { subpathOfRequestPath } from '../lib/host';
import type { SnapshotMeta, SnapshotSource } from './loader/messages';

export type { SnapshotMeta, SnapshotSource };

/** Entries of the overlay are numbered from here, base entries below it. */
const IN_OVERLAY = 1 << 30;

export class Snapshot {
  readonly meta: Readonly<SnapshotMeta>;
  /** The generation as a header value (and as written into answers), formatted once. */
  readonly generationHeader: string;

  constructor(
    meta: SnapshotMeta,
    /** Tenants served. */
    readonly size: number,
    readonly base: AnswerTable,
    readonly overlay: AnswerTable,
  ) {
    this.meta = Object.freeze({ ...meta });
    this.generationHeader = String(meta.generation);
  }

  static fromBuffers(meta: SnapshotMeta, size: number, base: AnswerTableBuffers, overlay: AnswerTableBuffers): Snapshot {
    return new Snapshot(meta, size, new AnswerTable(base), new AnswerTable(overlay));
  }

  get generation(): number {
    return this.meta.generation;
  }

  /** The overlay's word first: a changed answer, a new key, or a removal. */
  private find(key: string): number {
    const o = this.overlay.find(key);
    if (o >= 0) return this.overlay.removed(o) ? -1 : IN_OVERLAY + o;
    return this.base.find(key);
  }

  private table(entry: number): AnswerTable {
    return entry >= IN_OVERLAY ? this.overlay : this.base;
  }

  /**
   * The entry answering `host` (normalised) for a request path (the `path` query parameter, as
   * given), or -1. Only hosts that have subpath tenants look at the path.
   */
  lookup(host: string, path: unknown): number {
    const entry = this.find(host);
    if (entry < 0) return -1;
    const table = this.table(entry);
    const local = entry & (IN_OVERLAY - 1);
    if (table.hasSubpaths(local)) {
      const sub = typeof path === 'string' ? subpathOfRequestPath(path) : undefined;
      if (sub !== undefined) {
        const under = this.find(`${host}/${sub}`);
        if (under >= 0) return under;
      }
    }
    return table.answers(local) ? entry : -1;
  }

  /** 200 (enabled) or 423 (disabled). */
  status(entry: number): number {
    return this.table(entry).status(entry & (IN_OVERLAY - 1));
  }

  /** The response body with this snapshot's generation: a fresh buffer (see AnswerTable.answer). */
  body(entry: number): Buffer {
    return this.table(entry).answer(entry & (IN_OVERLAY - 1), this.generationHeader);
  }

  /** Bytes of the answer tables (metrics). */
  get bytes(): number {
    return this.base.byteLength + this.overlay.byteLength;
  }
}
