// What the fleet administration resources (vmoodle_plugin_state, vmoodle_config,
// vmoodle_maintenance, vmoodle_cache_purge) share: the `tenants` argument, per-tenant maps in
// state, and per-tenant failures reported with the tenant named, one diagnostic each.
import { randomBytes } from 'node:crypto';
import { T, type PrimitiveAttribute } from '../framework/schema';
import { Diagnostics } from '../framework/diagnostics';
import { isObject, type ObjectValue } from '../framework/plan';
import { UNKNOWN, isUnknown, isNumberValue, numberToString, type CtyValue } from '../plugin/cty';
import { checkTenantList, resolveTenants, isPlannedTenant } from '../fleet/targets';
import { forEachTenant, type TenantOutcome } from '../fleet/each';
import type { TenantRow } from '../../registry/writer';
import type { VmoodleContext } from '../provider';

export const tenantsAttribute: PrimitiveAttribute = {
  type: T.list(T.string),
  required: true,
  description: 'Tenant ids (`vmoodle_tenant.<name>.id`, e.g. `default/moodle_physics`) this applies to. Each is handled on its own: a failing tenant is reported by name and does not stop the others.',
};

/** The list of ids, or null while any part of it is unknown (plan time). */
export function knownIds(o: ObjectValue, key = 'tenants'): string[] | null {
  const v = o[key] ?? null;
  if (v === null) return [];
  if (isUnknown(v) || !Array.isArray(v)) return null;
  const out: string[] = [];
  for (const x of v) {
    if (typeof x !== 'string') return null;
    out.push(x);
  }
  return out;
}

export function validateTenants(config: ObjectValue, diags: Diagnostics): void {
  const ids = knownIds(config);
  if (ids) checkTenantList(ids, ['tenants'], diags);
}

/**
 * Plan-time check: every id is an active tenant, or one this plan creates (vmoodle_tenant is planned
 * before the resources that reference its id). A mistyped id fails the plan instead of the apply.
 */
export async function checkTenantsAtPlan(ctx: VmoodleContext, ids: readonly string[], diags: Diagnostics): Promise<void> {
  if (ids.length === 0) return;
  const registry = await ctx.registry();
  const active = new Set((await registry.list({ ids: [...ids] })).filter((r) => r.state === 'active').map((r) => r.id));
  ids.forEach((id, i) => {
    if (!active.has(id) && !isPlannedTenant(ctx, id)) {
      diags.error('Unknown tenant', `No active tenant has id "${id}". Use the id attribute of a vmoodle_tenant (e.g. vmoodle_tenant.physics.id).`, ['tenants', i]);
    }
  });
}

/**
 * How every fleet operation's plan starts: its id stays what it was (a new one is made at apply),
 * and the tenants it lists must exist. Returns their ids, or null while they are not known yet.
 */
export async function planTenants(prior: ObjectValue | null, planned: ObjectValue, ctx: VmoodleContext, diags: Diagnostics): Promise<string[] | null> {
  planned.id = prior ? prior.id ?? null : UNKNOWN;
  const ids = knownIds(planned);
  if (ids) await checkTenantsAtPlan(ctx, ids, diags);
  return ids;
}

/** Active registry rows for ids at apply time; unknown ids are errors pointing at their element. */
export async function resolveForApply(ctx: VmoodleContext, ids: readonly string[], diags: Diagnostics): Promise<TenantRow[]> {
  return resolveTenants(ctx, ids, ['tenants'], diags);
}

/** For refresh and destroy: whichever tenants still exist; gone ones are simply skipped. */
export async function resolveQuietly(ctx: VmoodleContext, ids: readonly string[]): Promise<TenantRow[]> {
  return resolveTenants(ctx, ids, ['tenants'], new Diagnostics());
}

/** For import: every id must be an active tenant, else the import fails naming the ones that are not. */
export async function resolveForImport(ctx: VmoodleContext, ids: readonly string[]): Promise<TenantRow[]> {
  const rows = await resolveQuietly(ctx, ids);
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.id));
    throw new Error(`No active tenant has id ${ids.filter((x) => !found.has(x)).map((x) => `"${x}"`).join(', ')}.`);
  }
  return rows;
}

export { forEachTenant, type TenantOutcome };

/** `physics.example.edu (default/moodle_physics)`: how every message names a tenant. */
export function tenantLabel(row: TenantRow): string {
  return `${row.host} (${row.id})`;
}

const MAX_SEPARATE = 20;

/**
 * One error per failed tenant (pointing at its element of `tenants` when it is listed), so 2 bad
 * sites among 200 read as two clear lines; beyond 20 the rest are summed up in one more error.
 */
export function reportFailures<T>(diags: Diagnostics, what: string, outcomes: readonly TenantOutcome<T>[], ids: readonly string[]): void {
  const failed = outcomes.filter((o) => !o.ok);
  failed.slice(0, MAX_SEPARATE).forEach((o) => {
    const i = ids.indexOf(o.row.id);
    diags.error(`${what} failed on tenant ${tenantLabel(o.row)}`, o.error ?? 'unknown error', i >= 0 ? ['tenants', i] : ['tenants']);
  });
  if (failed.length > MAX_SEPARATE) {
    const rest = failed.slice(MAX_SEPARATE).map((o) => `- ${tenantLabel(o.row)}: ${o.error ?? 'unknown error'}`);
    diags.error(`${what} failed on ${rest.length} more tenants`, rest.join('\n'), ['tenants']);
  }
  if (failed.length > 0 && failed.length < outcomes.length) {
    diags.warning(
      `${what}: ${outcomes.length - failed.length} of ${outcomes.length} tenants done`,
      'The tenants that succeeded are recorded in state; the next plan shows only what is left, and the next apply retries it.',
    );
  }
}

/** Random, stable-after-create id for resources that have no natural one. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

// ---------------------------------------------------------------------------------------------
// Typed reads of the per-tenant maps kept in state

export function asRecord(v: CtyValue | undefined): Record<string, CtyValue> {
  return isObject(v) ? v : {};
}

export function stringRecord(v: CtyValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(asRecord(v))) if (typeof x === 'string') out[k] = x;
  return out;
}

/** A map(string) whose null elements mean "absent". */
export function nullableStringRecord(v: CtyValue | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, x] of Object.entries(asRecord(v))) if (typeof x === 'string' || x === null) out[k] = x;
  return out;
}

export function numberOrNull(v: CtyValue | undefined): number | null {
  if (v === null || v === undefined || isUnknown(v) || !isNumberValue(v)) return null;
  return typeof v === 'number' ? v : Number(numberToString(v));
}

/** Whether a value is fully known (no unknown anywhere inside). */
export function whollyKnown(v: CtyValue | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (isUnknown(v)) return false;
  if (Array.isArray(v)) return v.every(whollyKnown);
  if (isObject(v)) return Object.values(v).every(whollyKnown);
  return true;
}
