// Per-tenant failures of a role write as diagnostics: one error per failed tenant, naming it, and
// pointing at the attribute at fault when the error says which (an unknown capability or role).
import type { Diagnostics, Path } from '../framework/diagnostics';
import type { TenantOutcome } from '../fleet/each';
import { UnknownCapabilityError, UnknownRoleError } from './roles-write';

export interface FailurePaths {
  capability?: (capability: string) => Path;
  role?: (shortname: string) => Path | undefined;
  fallback: Path;
}

/** Reports every failed outcome; returns the ids of the tenants that succeeded. */
export function reportTenantFailures<T>(diags: Diagnostics, action: string, outcomes: ReadonlyArray<TenantOutcome<T>>, errors: ReadonlyMap<string, unknown>, paths: FailurePaths): Set<string> {
  const ok = new Set<string>();
  for (const o of outcomes) {
    if (o.ok) {
      ok.add(o.row.id);
      continue;
    }
    const err = errors.get(o.row.id);
    let path = paths.fallback;
    if (err instanceof UnknownCapabilityError && paths.capability && err.capabilities.length > 0) path = paths.capability(err.capabilities[0]!);
    if (err instanceof UnknownRoleError && paths.role && err.roles.length > 0) path = paths.role(err.roles[0]!) ?? path;
    diags.error(`Could not ${action} on ${o.row.host}`, `Tenant ${o.row.host} (${o.row.id}): ${o.error}. The other tenants are not affected; the next apply retries this one.`, path);
  }
  return ok;
}
