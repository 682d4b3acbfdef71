// Fleet resources (subnetworks, plugin states, config, maintenance) list tenants by id. Constructs
// accept either a MoodleTenant (its id is then a reference, which also orders the apply) or an id
// string for tenants managed elsewhere (`<server>/<database>`).
import type { MoodleTenant } from './tenant';
import type { SpecIssue } from './errors';

export type TenantRef = MoodleTenant | string;

export function tenantIds(refs: readonly TenantRef[]): string[] {
  return refs.map((r) => (typeof r === 'string' ? r : r.tenantId));
}

function label(r: TenantRef): string {
  return typeof r === 'string' ? `"${r}"` : `tenant ${r.shortname}`;
}

/** Problems with a `tenants`/`members` list: empty, or a tenant listed twice. */
export function tenantListIssues(source: string, attribute: string, refs: readonly TenantRef[]): SpecIssue[] {
  if (refs.length === 0) return [{ location: { source, path: attribute }, message: 'lists no tenant; give at least one' }];
  const issues: SpecIssue[] = [];
  const seen = new Map<unknown, number>();
  refs.forEach((r, i) => {
    const key = typeof r === 'string' ? r : r.node.path;
    const first = seen.get(key);
    if (first !== undefined) issues.push({ location: { source, path: `${attribute}[${i}]` }, message: `${label(r)} is already listed at ${attribute}[${first}]` });
    else seen.set(key, i);
  });
  return issues;
}
