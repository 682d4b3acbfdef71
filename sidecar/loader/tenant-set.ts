// The loader thread's model of a snapshot: the validated tenant records, each with the version of the
// registry row it came from, so the next reload reads only the rows whose version changed. From it the
// loader renders what the HTTP thread serves (answers.ts), the PHP map and the state file.
import fastJson from 'fast-json-stringify';
import { schemas } from '../schemas';
import type { SnapshotMeta } from './messages';
import type { TenantList, TenantRecord, TenantSummary } from '../../generated/sidecar-types';

/** A tenant and the registry row version it was read at (null: from the state file). */
export interface TenantSlot {
  readonly record: TenantRecord;
  readonly version: string | null;
}

// fastify's own serialiser (fast-json-stringify), compiled from the route's schema: the schema is an
// output allow-list, so a field that is not in it can never leak into a response.
const serialiseTenantList = fastJson(schemas.tenantList) as (doc: TenantList) => string;

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

export class TenantSet {
  constructor(
    readonly meta: Readonly<SnapshotMeta>,
    /** In registry order, one per key. */
    readonly tenants: readonly TenantRecord[],
    private readonly slotsById: ReadonlyMap<string, TenantSlot>,
  ) {}

  get generation(): number {
    return this.meta.generation;
  }

  get size(): number {
    return this.tenants.length;
  }

  /** Every tenant's slot by id: what an incremental reload compares row versions against. */
  slots(): ReadonlyMap<string, TenantSlot> {
    return this.slotsById;
  }

  /** GET /v1/tenants body (no secrets), rendered when asked for: it is large and rarely wanted. */
  tenantList(): string {
    return serialiseTenantList({ generation: this.meta.generation, source: this.meta.source, tenants: this.tenants.map(summary) });
  }
}

/**
 * Builds a set from validated records or slots. Duplicate keys cannot come from the registry (unique
 * index); from a hand-edited state file they can, and the first one wins (the caller has checked the
 * file's checksum, so this is belt and braces).
 */
export function buildTenantSet(meta: SnapshotMeta, input: readonly TenantRecord[] | readonly TenantSlot[]): TenantSet {
  const keys = new Set<string>();
  const slots = new Map<string, TenantSlot>();
  const kept: TenantRecord[] = [];
  for (const item of input) {
    const slot: TenantSlot = 'record' in item ? item : { record: item, version: null };
    const t = slot.record;
    if (keys.has(t.key)) continue;
    keys.add(t.key);
    slots.set(t.id, slot);
    kept.push(t);
  }
  return new TenantSet(Object.freeze({ ...meta }), Object.freeze(kept), slots);
}
