// The fleet-wide view of MNet peering: which pairs of tenants share a subnetwork, and which services
// each pair exchanges. A pair's services are the union over every subnetwork holding both, so one
// subnetwork can be applied, changed or removed without undoing another's peering.
import type { VmoodleContext } from '../../provider';
import { MnetRegistry, type SubnetworkRecord } from '../../../registry/mnet';
import { SSO_SERVICES, actsAsIdentityProvider } from './policy';

export async function mnetRegistry(ctx: VmoodleContext): Promise<MnetRegistry> {
  // Runs the registry migrations once per process, which create the MNet tables.
  await ctx.registry();
  return new MnetRegistry(ctx.pools.registry());
}

/** Services tenants a and b exchange under these subnetworks; null when they share none. */
export function pairServices(records: readonly SubnetworkRecord[], a: string, b: string): Set<string> | null {
  let out: Set<string> | null = null;
  for (const r of records) {
    const ids = r.members.map((m) => m.tenantId);
    if (!ids.includes(a) || !ids.includes(b)) continue;
    out ??= new Set<string>();
    for (const s of r.services) out.add(s);
  }
  return out;
}

/** Whether a tenant exchanges SSO with anyone under these subnetworks (then auth_mnet must be on). */
export function usesSso(records: readonly SubnetworkRecord[], tenantId: string): boolean {
  return records.some((r) => r.members.some((m) => m.tenantId === tenantId) && r.services.some((s) => SSO_SERVICES.includes(s)));
}

/** Ids of every tenant that shares a subnetwork with tenantId. */
export function coMembers(records: readonly SubnetworkRecord[], tenantId: string): Set<string> {
  const out = new Set<string>();
  for (const r of records) {
    if (!r.members.some((m) => m.tenantId === tenantId)) continue;
    for (const m of r.members) if (m.tenantId !== tenantId) out.add(m.tenantId);
  }
  return out;
}

/**
 * Roles that must be able to roam from tenantId: the roaming roles of every subnetwork in which it
 * is an identity provider. A union, like pairServices, so each subnetwork keeps what it granted.
 */
export function roamingRolesOn(records: readonly SubnetworkRecord[], tenantId: string): Set<string> {
  const out = new Set<string>();
  for (const r of records) {
    if (!actsAsIdentityProvider(r.services) || !r.members.some((m) => m.tenantId === tenantId)) continue;
    for (const role of r.roamingRoles) out.add(role);
  }
  return out;
}
