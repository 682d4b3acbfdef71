// The `tenants` argument every fleet resource takes: a list of tenant ids, resolved against the
// registry. Unknown or duplicate ids are plan-time errors pointing at the exact list element.
import type { Diagnostics, Path } from '../framework/diagnostics';
import type { TenantRow } from '../../registry/writer';
import type { VmoodleContext } from '../provider';

/** Checks a list of ids offline (duplicates); returns the problem for each bad element. */
export function checkTenantList(ids: readonly string[], path: Path, diags: Diagnostics): void {
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first !== undefined) diags.error('Duplicate tenant', `"${id}" is listed twice (elements ${first} and ${i}); list each tenant once.`, [...path, i]);
    else seen.set(id, i);
  });
}

/**
 * Resolves ids to active registry rows, in the order given. Unknown ids become errors naming the
 * element; the rows that did resolve are still returned so callers can report on them.
 */
export async function resolveTenants(ctx: VmoodleContext, ids: readonly string[], path: Path, diags: Diagnostics): Promise<TenantRow[]> {
  const registry = await ctx.registry();
  const rows = ids.length ? await registry.list({ ids: [...ids] }) : [];
  const byId = new Map(rows.filter((r) => r.state === 'active').map((r) => [r.id, r]));
  const out: TenantRow[] = [];
  ids.forEach((id, i) => {
    const row = byId.get(id);
    if (row) out.push(row);
    else diags.error('Unknown tenant', `No active tenant has id "${id}". Use the id attribute of a vmoodle_tenant (e.g. vmoodle_tenant.physics.id).`, [...path, i]);
  });
  return out;
}

/**
 * Tenants planned by this provider process. Terraform plans a vmoodle_tenant before the resources
 * that reference its id, in the same process, so a fleet resource planned together with a new
 * tenant can tell "created by this apply" (not in the registry yet) from a wrong id. The next
 * plan (the one Terraform makes during apply, after the tenant exists) checks the registry again.
 */
const plannedTenants = new WeakMap<VmoodleContext, Set<string>>();

export function notePlannedTenant(ctx: VmoodleContext, id: string): void {
  let ids = plannedTenants.get(ctx);
  if (!ids) plannedTenants.set(ctx, (ids = new Set()));
  ids.add(id);
}

export function isPlannedTenant(ctx: VmoodleContext, id: string): boolean {
  return plannedTenants.get(ctx)?.has(id) ?? false;
}
