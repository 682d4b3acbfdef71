// Plan-time checks of what a role configuration names, against the tenants that already exist:
// capabilities and role shortnames unknown on a tenant are reported before anything is written.
// Tenants not registered yet (created by the same apply) are checked when applying instead.
import type { Diagnostics, Path } from '../framework/diagnostics';
import { forEachTenant } from '../fleet/each';
import { isPlannedTenant } from '../fleet/targets';
import { tenantDb } from '../fleet/tenant-db';
import type { TenantRow } from '../../registry/writer';
import type { VmoodleContext } from '../provider';
import { existingCapabilities, observeRole, roleIdsByShortname } from './roles-read';

/** The active registry rows among `ids`, in order; ids not (yet) registered are skipped silently. */
export async function registeredTenants(ctx: VmoodleContext, ids: readonly string[]): Promise<TenantRow[]> {
  if (ids.length === 0) return [];
  const registry = await ctx.registry();
  const byId = new Map((await registry.list({ ids: [...ids] })).filter((r) => r.state === 'active').map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

export interface ReferenceCheck {
  capabilities: readonly string[];
  /** Path of each capability in the configuration (e.g. ['capabilities', {key}]). */
  capabilityPath: (capability: string) => Path;
  /** Role shortname → paths of the attributes naming it. */
  roles: ReadonlyMap<string, readonly Path[]>;
}

/** One error per tenant and unknown name, pointing at the attribute that names it. */
export async function checkReferences(ctx: VmoodleContext, rows: readonly TenantRow[], check: ReferenceCheck, diags: Diagnostics): Promise<void> {
  const roleNames = [...check.roles.keys()];
  const outcomes = await forEachTenant(rows, async (row) => {
    const t = tenantDb(ctx, row);
    const caps = await existingCapabilities(t.pool, t, check.capabilities);
    const roles = await roleIdsByShortname(t.pool, t, roleNames);
    return { caps: check.capabilities.filter((c) => !caps.has(c)), roles: roleNames.filter((r) => !roles.has(r)) };
  });
  for (const o of outcomes) {
    const who = `${o.row.host} (${o.row.id})`;
    if (!o.ok) {
      diags.warning(`Could not check tenant ${o.row.host}`, `Reading ${who} failed, so its capabilities and roles are only checked when applying: ${o.error}`);
      continue;
    }
    for (const c of o.value!.caps) {
      diags.error(`Unknown capability ${c} on ${o.row.host}`, `Tenant ${who} has no capability "${c}" (misspelt, or its plugin is not installed on that site).`, check.capabilityPath(c));
    }
    for (const r of o.value!.roles) {
      for (const path of check.roles.get(r) ?? []) {
        diags.error(`Unknown role ${r} on ${o.row.host}`, `Tenant ${who} has no role with shortname "${r}".`, path);
      }
    }
  }
}

/**
 * Switching a role to exact mode (or creating it so) removes permissions the configuration does not
 * list, and the plan cannot show them as a diff (they were never in state): say which, per tenant.
 */
export async function warnExactRemovals(ctx: VmoodleContext, rows: readonly TenantRow[], shortname: string, listed: ReadonlySet<string>, diags: Diagnostics): Promise<void> {
  const outcomes = await forEachTenant(rows, (row) => observeRole(tenantDb(ctx, row), shortname));
  const lines = outcomes.flatMap((o) => {
    const extra = o.ok && o.value ? Object.keys(o.value.capabilities).filter((c) => !listed.has(c)) : [];
    return extra.length > 0 ? [`- ${o.row.host}: ${extra.join(', ')}`] : [];
  });
  if (lines.length > 0) {
    diags.warning(`Exact mode removes unlisted permissions of role ${shortname}`, `Applying removes these system-context permissions, which capabilities does not list:\n${lines.join('\n')}`, ['mode']);
  }
}

/**
 * Plan time: the active rows among `ids`. An id that is neither registered nor a tenant this plan
 * creates (fleet/targets.ts notePlannedTenant) is an error on its element of `tenants`.
 */
export async function tenantsAtPlan(ctx: VmoodleContext, ids: readonly string[], diags: Diagnostics): Promise<TenantRow[]> {
  const rows = await registeredTenants(ctx, ids);
  const found = new Set(rows.map((r) => r.id));
  ids.forEach((id, i) => {
    if (!found.has(id) && !isPlannedTenant(ctx, id)) {
      diags.error('Unknown tenant', `No active tenant has id "${id}". Use the id attribute of a vmoodle_tenant (e.g. vmoodle_tenant.physics.id).`, ['tenants', i]);
    }
  });
  return rows;
}
