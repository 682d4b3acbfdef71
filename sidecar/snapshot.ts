// An immutable snapshot of the registry as served: tenant key → precomputed response. Built off the
// hot path (in chunks, yielding to the event loop) and published by swapping one reference, so a
// request sees either the whole old snapshot or the whole new one, never half of a reload.
//
// A reload reuses what did not change: each tenant's validated record and serialised answer are
// kept with the digest of the registry row they came from, and the next snapshot takes them over
// when the digest is the same. Answers are stored without the generation (it changes on every
// reload), which is spliced in when a request is answered.
import fastJson from 'fast-json-stringify';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { schemas } from './schemas';
import type { ErrorResponse, ResolveResponse, TenantList, TenantRecord, TenantSummary } from '../generated/sidecar-types';

export type SnapshotSource = 'registry' | 'state-file';

/** One servable answer, serialised at build time: the hot path only concatenates three buffers. */
export interface SnapshotEntry {
  readonly key: string;
  readonly enabled: boolean;
  /** 200 for an enabled tenant, 423 for a disabled one. */
  readonly status: 200 | 423;
  /**
   * ResolveResponse JSON (enabled) or ErrorResponse JSON (disabled: no secrets), UTF-8: the text up
   * to the generation's value, and after it. `tail` is null when the body carries no generation.
   */
  readonly head: Buffer;
  readonly tail: Buffer | null;
}

/** A tenant in a snapshot: its record, its answer, and the digest of the registry row (null: from the state file). */
export interface SnapshotSlot {
  readonly record: TenantRecord;
  readonly entry: SnapshotEntry;
  readonly digest: string | null;
}

// fastify's own serialiser (fast-json-stringify), compiled from the same schemas the routes declare:
// the schema is an output allow-list, so a field that is not in it can never leak into a response.
const serialiseResolve = fastJson(schemas.resolveResponse) as (doc: ResolveResponse) => string;
const serialiseError = fastJson(schemas.errorResponse) as (doc: ErrorResponse) => string;
const serialiseTenantList = fastJson(schemas.tenantList) as (doc: TenantList) => string;

export function resolveBody(t: TenantRecord, generation: number): string {
  const doc: ResolveResponse = {
    key: t.key,
    id: t.id,
    generation,
    wwwroot: t.wwwroot,
    dbtype: t.dbtype,
    dblibrary: 'native',
    dbhost: t.dbhost,
    dbname: t.dbname,
    dbuser: t.dbuser,
    dbpass: t.dbpass,
    prefix: t.prefix,
    dataroot: t.dataroot,
    dboptions: { dbport: t.dbport, dbsocket: t.dbsocket },
    config: t.config,
  };
  return serialiseResolve(doc);
}

export function errorBody(doc: ErrorResponse): string {
  return serialiseError(doc);
}

function summary(t: TenantRecord): TenantSummary {
  return {
    key: t.key,
    id: t.id,
    host: t.host,
    subpath: t.subpath,
    enabled: t.enabled,
    name: t.name,
    shortname: t.shortname,
    wwwroot: t.wwwroot,
    server: t.server,
    dbname: t.dbname,
  };
}

export interface SnapshotMeta {
  generation: number;
  source: SnapshotSource;
  /** When the registry last confirmed this content (ms epoch): the read time, or the state file's. */
  readAt: number;
}

export class Snapshot {
  private tenantListBody: string | undefined;
  /** The generation as a header value, formatted once. */
  readonly generationHeader: string;
  /** The generation as it appears in a resolve body. */
  private readonly generationBytes: Buffer;

  constructor(
    readonly meta: Readonly<SnapshotMeta>,
    /** The validated records, kept for the state file and the PHP map. */
    readonly tenants: readonly TenantRecord[],
    private readonly entries: ReadonlyMap<string, SnapshotEntry>,
    /** Hosts that have at least one subpath tenant: only their lookups look at the request path. */
    private readonly subpathHosts: ReadonlySet<string>,
    /** Tenant id → record, answer and row digest, for the next reload to take over. */
    private readonly slots: ReadonlyMap<string, SnapshotSlot> = new Map(),
  ) {
    this.generationHeader = String(meta.generation);
    this.generationBytes = Buffer.from(this.generationHeader);
  }

  get generation(): number {
    return this.meta.generation;
  }

  get size(): number {
    return this.entries.size;
  }

  hasSubpaths(host: string): boolean {
    return this.subpathHosts.has(host);
  }

  get(key: string): SnapshotEntry | undefined {
    return this.entries.get(key);
  }

  /** The response body of an entry, with this snapshot's generation. */
  body(entry: SnapshotEntry): Buffer {
    if (entry.tail === null) return entry.head;
    return Buffer.concat([entry.head, this.generationBytes, entry.tail], entry.head.length + this.generationBytes.length + entry.tail.length);
  }

  /** What this snapshot holds for a tenant id (reloads reuse it when the row's digest is unchanged). */
  slot(id: string): SnapshotSlot | undefined {
    return this.slots.get(id);
  }

  /** id → digest of every tenant that came from the registry, for an incremental reload. */
  digests(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [id, slot] of this.slots) if (slot.digest !== null) out.set(id, slot.digest);
    return out;
  }

  /** GET /v1/tenants body, serialised on first use (it is large and rarely asked for). */
  tenantList(): string {
    if (this.tenantListBody === undefined) {
      this.tenantListBody = serialiseTenantList({
        generation: this.meta.generation,
        source: this.meta.source,
        tenants: this.tenants.map(summary),
      });
    }
    return this.tenantListBody;
  }
}

/** Rows per slice between yields: keeps one slice well under a millisecond. */
const SLICE = 500;

/** The generation fast-json-stringify writes into a body before it is cut out (any integer will do). */
const PLACEHOLDER_GENERATION = 0;
const GENERATION_FIELD = `"generation":${PLACEHOLDER_GENERATION}`;

/**
 * The answer for one tenant. The generation is cut out of the serialised body: a quote inside a JSON
 * string is always escaped, so the first `"generation":` in the text is the field itself.
 */
export function buildEntry(t: TenantRecord): SnapshotEntry {
  if (!t.enabled) {
    const head = Buffer.from(errorBody({ error: 'tenant_disabled', message: 'this site is disabled', key: t.key }));
    return Object.freeze({ key: t.key, enabled: false, status: 423 as const, head, tail: null });
  }
  const text = resolveBody(t, PLACEHOLDER_GENERATION);
  const at = text.indexOf(GENERATION_FIELD);
  if (at < 0) throw new Error('resolve body has no generation field');
  const cut = at + GENERATION_FIELD.length - String(PLACEHOLDER_GENERATION).length;
  return Object.freeze({
    key: t.key,
    enabled: true,
    status: 200 as const,
    head: Buffer.from(text.slice(0, cut)),
    tail: Buffer.from(text.slice(cut + String(PLACEHOLDER_GENERATION).length)),
  });
}

/** A tenant going into a snapshot: its record, the registry row's digest, and the answer to reuse if any. */
export interface SnapshotItem {
  record: TenantRecord;
  digest: string | null;
  /** The previous snapshot's answer for an unchanged record; built afresh when absent. */
  reuse?: SnapshotEntry;
}

/**
 * Builds a snapshot from validated records (or items carrying digests and reusable answers).
 * Duplicate keys cannot come from the registry (unique index); from a hand-edited state file they
 * can, and the first one wins (the caller has validated the file's checksum, so this is belt and braces).
 */
export async function buildSnapshot(meta: SnapshotMeta, input: readonly TenantRecord[] | readonly SnapshotItem[]): Promise<Snapshot> {
  const entries = new Map<string, SnapshotEntry>();
  const slots = new Map<string, SnapshotSlot>();
  const subpathHosts = new Set<string>();
  const kept: TenantRecord[] = [];
  // Yield by work done: serialising an answer costs ~10× taking over an unchanged one.
  let work = 0;
  for (let i = 0; i < input.length; i++) {
    if (work >= SLICE * 10) {
      work = 0;
      await yieldToLoop();
    }
    const item = input[i]!;
    const { record: t, digest, reuse } = 'record' in item ? item : { record: item, digest: null, reuse: undefined };
    if (entries.has(t.key)) continue;
    let entry = reuse;
    if (entry === undefined) {
      entry = buildEntry(t);
      work += 10;
    } else work++;
    entries.set(t.key, entry);
    slots.set(t.id, { record: t, entry, digest });
    if (t.subpath !== null) subpathHosts.add(t.host);
    kept.push(t);
  }
  return new Snapshot(Object.freeze({ ...meta }), Object.freeze(kept), entries, subpathHosts, slots);
}
