// Bookkeeping of a SQL broadcast: which run a result belongs to (a fingerprint of statements and
// triggers), the per-tenant result as stored in state, and the marker a run leaves on the tenant.
// Pure.
import { createHash } from 'node:crypto';

export interface TenantResult {
  status: 'succeeded' | 'failed';
  rows_affected: number | null;
  error: string | null;
  /** 1-based index of the failing statement; null on success or when the tenant was not reached. */
  statement: number | null;
}

/** Identifies one "run": the statements and triggers, nothing else (run_as and tenants do not re-run anything). */
export function fingerprint(statements: readonly string[], triggers: Readonly<Record<string, string>>): string {
  const sortedTriggers = Object.keys(triggers)
    .sort()
    .map((k) => [k, triggers[k]]);
  return createHash('sha256').update(JSON.stringify([statements, sortedTriggers])).digest('hex');
}

export function succeeded(rowsAffected: number): TenantResult {
  return { status: 'succeeded', rows_affected: rowsAffected, error: null, statement: null };
}

export function failed(error: string, statement: number | null): TenantResult {
  return { status: 'failed', rows_affected: null, error, statement };
}

/**
 * The marker a run leaves in the tenant's own database, in the same transaction as its statements
 * (config_plugins, plugin MARKER_PLUGIN, name = fingerprint): "these statements ran here". It makes
 * a run at most once per tenant whatever happens to Terraform's state: a create that failed on some
 * tenants is tainted by Terraform and re-created with no memory of the tenants that succeeded, a
 * state can be lost or re-imported. Moodle ignores config of a plugin that has no version row.
 */
export const MARKER_PLUGIN = 'vmoodle_sql_broadcast';

export interface Marker {
  ran_at: number;
  rows_affected: number;
}

export function encodeMarker(rowsAffected: number, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const m: Marker = { ran_at: nowSeconds, rows_affected: rowsAffected };
  return JSON.stringify(m);
}

/** A marker's value, or null when it is not one of ours (then the tenant runs again). */
export function decodeMarker(value: string): Marker | null {
  try {
    const m = JSON.parse(value) as Partial<Marker>;
    return typeof m.rows_affected === 'number' && typeof m.ran_at === 'number' ? { ran_at: m.ran_at, rows_affected: m.rows_affected } : null;
  } catch {
    return null;
  }
}
