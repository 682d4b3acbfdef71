// An immutable snapshot of the registry as served: tenant key → precomputed response. Built off the
// hot path (in chunks, yielding to the event loop) and published by swapping one reference, so a
// request sees either the whole old snapshot or the whole new one, never half of a reload.
//
// A reload reuses what did not change: each tenant's validated record and serialised answer are
// kept with the version of the registry row they came from (its updated_at), and the next snapshot
// takes them over when the version is the same. Answers are stored without the generation (it changes on every
// reload), which is spliced in when a request is answered.
import fastJson from 'fast-json-stringify';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { schemas } from './schemas';
import type { ErrorResponse, ResolveResponse, TenantList, TenantRecord, TenantSummary } from '../generated/sidecar-types';

export type SnapshotSource = 'registry' | 'state-file';

/** One servable answer, serialised at build time: the hot path only joins three strings. */
export interface SnapshotEntry {
  readonly key: string;
  readonly enabled: boolean;
  /** 200 for an enabled tenant, 423 for a disabled one. */
  readonly status: 200 | 423;
  /**
   * ResolveResponse JSON (enabled) or ErrorResponse JSON (disabled: no secrets): the text up to the
   * generation's value, and after it; `tail` is null when the body carries no generation. Strings,
   * not Buffers: at 100,000 tenants two Buffer objects per answer cost ~20 MB more.
   */
  readonly head: string;
  readonly tail: string | null;
  /** UTF-8 length of head + tail, so content-length costs no encoding per request. */
  readonly bytes: number;
}

/** A tenant in a snapshot: its record, its answer, and the registry row's version (null: from the state file). */
export interface SnapshotSlot {
  readonly record: TenantRecord;
  readonly entry: SnapshotEntry;
  readonly version: string | null;
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

  constructor(
    readonly meta: Readonly<SnapshotMeta>,
    /** The validated records, kept for the state file and the PHP map. */
    readonly tenants: readonly TenantRecord[],
    private readonly entries: ReadonlyMap<string, SnapshotEntry>,
    /** Hosts that have at least one subpath tenant: only their lookups look at the request path. */
    private readonly subpathHosts: ReadonlySet<string>,
    /** Tenant id → record, answer and row version, for the next reload to take over. */
    private readonly slotsById: ReadonlyMap<string, SnapshotSlot> = new Map(),
  ) {
    this.generationHeader = String(meta.generation);
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
  body(entry: SnapshotEntry): string {
    return entry.tail === null ? entry.head : entry.head + this.generationHeader + entry.tail;
  }

  /** Its length in bytes (the generation is ASCII digits). */
  bodyBytes(entry: SnapshotEntry): number {
    return entry.tail === null ? entry.bytes : entry.bytes + this.generationHeader.length;
  }

  /** What this snapshot holds for a tenant id (reloads reuse it when the row's version is unchanged). */
  slot(id: string): SnapshotSlot | undefined {
    return this.slotsById.get(id);
  }

  /** Every tenant's slot by id, for an incremental reload to compare versions and take over (see RegistrySource.load). */
  slots(): ReadonlyMap<string, SnapshotSlot> {
    return this.slotsById;
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
    const head = errorBody({ error: 'tenant_disabled', message: 'this site is disabled', key: t.key });
    return Object.freeze({ key: t.key, enabled: false, status: 423 as const, head, tail: null, bytes: Buffer.byteLength(head) });
  }
  const text = resolveBody(t, PLACEHOLDER_GENERATION);
  const at = text.indexOf(GENERATION_FIELD);
  if (at < 0) throw new Error('resolve body has no generation field');
  const cut = at + GENERATION_FIELD.length - String(PLACEHOLDER_GENERATION).length;
  const head = text.slice(0, cut);
  const tail = text.slice(cut + String(PLACEHOLDER_GENERATION).length);
  return Object.freeze({ key: t.key, enabled: true, status: 200 as const, head, tail, bytes: Buffer.byteLength(head) + Buffer.byteLength(tail) });
}

/**
 * A tenant going into a snapshot: the previous snapshot's slot when the row is unchanged (taken over
 * as is, answer included), or a new record whose answer is built here.
 */
export type SnapshotItem = SnapshotSlot | { record: TenantRecord; version: string | null; entry?: undefined };

/**
 * Builds a snapshot from validated records (or items carrying versions and reusable answers).
 * Duplicate keys cannot come from the registry (unique index); from a hand-edited state file they
 * can, and the first one wins (the caller has validated the file's checksum, so this is belt and braces).
 */
export async function buildSnapshot(meta: SnapshotMeta, input: readonly TenantRecord[] | readonly SnapshotItem[]): Promise<Snapshot> {
  const entries = new Map<string, SnapshotEntry>();
  const slots = new Map<string, SnapshotSlot>();
  const subpathHosts = new Set<string>();
  const kept: TenantRecord[] = [];
  // Yield by work done: serialising an answer costs several times more than taking one over.
  let work = 0;
  for (let i = 0; i < input.length; i++) {
    if (work >= SLICE * 4) {
      work = 0;
      await yieldToLoop();
    }
    const item = input[i]!;
    const t = 'record' in item ? item.record : item;
    if (entries.has(t.key)) continue;
    let slot: SnapshotSlot;
    if ('record' in item && item.entry !== undefined) {
      slot = item;
      work++;
    } else {
      slot = { record: t, entry: buildEntry(t), version: 'record' in item ? item.version : null };
      work += 4;
    }
    entries.set(t.key, slot.entry);
    slots.set(t.id, slot);
    if (t.subpath !== null) subpathHosts.add(t.host);
    kept.push(t);
  }
  return new Snapshot(Object.freeze({ ...meta }), Object.freeze(kept), entries, subpathHosts, slots);
}
