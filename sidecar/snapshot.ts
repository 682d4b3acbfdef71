// An immutable snapshot of the registry as served: tenant key → precomputed response. Built off the
// hot path (in chunks, yielding to the event loop) and published by swapping one reference, so a
// request sees either the whole old snapshot or the whole new one, never half of a reload.
import fastJson from 'fast-json-stringify';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { schemas } from './schemas';
import type { ErrorResponse, ResolveResponse, TenantList, TenantRecord, TenantSummary } from '../generated/sidecar-types';

export type SnapshotSource = 'registry' | 'state-file';

/** One servable answer, fully serialised at build time: the hot path only copies a reference. */
export interface SnapshotEntry {
  readonly key: string;
  readonly enabled: boolean;
  /** 200 for an enabled tenant, 423 for a disabled one. */
  readonly status: 200 | 423;
  /** ResolveResponse JSON (enabled) or ErrorResponse JSON (disabled: no secrets), already UTF-8 encoded. */
  readonly body: Buffer;
  /** body.length, formatted once for the content-length header. */
  readonly contentLength: string;
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

/**
 * Builds a snapshot from validated records. Duplicate keys cannot come from the registry (unique
 * index); from a hand-edited state file they can, and the first one wins (the caller has validated
 * the file's checksum, so this is belt and braces).
 */
export async function buildSnapshot(meta: SnapshotMeta, records: readonly TenantRecord[]): Promise<Snapshot> {
  const entries = new Map<string, SnapshotEntry>();
  const subpathHosts = new Set<string>();
  const kept: TenantRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    if (i > 0 && i % SLICE === 0) await yieldToLoop();
    const t = records[i]!;
    if (entries.has(t.key)) continue;
    const body = Buffer.from(
      t.enabled
        ? resolveBody(t, meta.generation)
        : errorBody({ error: 'tenant_disabled', message: 'this site is disabled', key: t.key }),
    );
    const entry: SnapshotEntry = {
      key: t.key,
      enabled: t.enabled,
      status: t.enabled ? 200 : 423,
      body,
      contentLength: String(body.length),
    };
    entries.set(t.key, Object.freeze(entry));
    if (t.subpath !== null) subpathHosts.add(t.host);
    kept.push(t);
  }
  return new Snapshot(Object.freeze({ ...meta }), Object.freeze(kept), entries, subpathHosts);
}
