// The runtime side of vmoodle_mnet_subnetwork, loaded only by provider processes that plan or
// apply one: member checks against the registry, the subnetwork as its members' tables show it,
// and apply/delete followed by that same read-back.
import type { VmoodleContext } from '../../provider';
import type { Diagnostics } from '../../framework/diagnostics';
import type { TenantRow } from '../../../registry/writer';
import { isPlannedTenant } from '../../fleet/targets';
import { tenantDb } from '../../fleet/tenant-db';
import { checkReferences } from '../roles-check';
import { mnetRegistry } from './network';
import { actsAsIdentityProvider, ROAMING_CAPABILITY } from './policy';
import { hasMnetTables, installedServices } from './site';
import { observeMembers, type MemberObservation } from './observe';
import { applySubnetwork, MnetApplyError, type DesiredSubnetwork } from './converge';

export { MnetApplyError, type DesiredSubnetwork };

export interface SubnetworkView {
  name: string;
  /** Active members, in declaration order. */
  members: TenantRow[];
  services: string[];
  keyLifetimeDays: number;
  renewBeforeDays: number;
  roamingRoles: string[];
  memberState: Map<string, MemberObservation>;
  /** One line per thing out of order, naming the member. */
  problems: string[];
}

async function activeRows(ctx: VmoodleContext, ids: readonly string[]): Promise<Map<string, TenantRow>> {
  const registry = await ctx.registry();
  const rows = ids.length ? await registry.list({ ids: [...ids], state: 'active' }) : [];
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Plan-time checks of the member list: every id is an active tenant (or one this plan creates) and
 * holds Moodle's MNet tables with every declared service installed, and every role that is to roam
 * from it. Errors name the list element (a role: roaming_roles) and the tenant.
 */
export async function checkMembers(ctx: VmoodleContext, ids: readonly string[], services: readonly string[], roamingRoles: readonly string[], diags: Diagnostics): Promise<void> {
  const rows = await activeRows(ctx, ids);
  const moodles: TenantRow[] = [];
  await Promise.all(
    ids.map(async (id, i) => {
      const row = rows.get(id);
      if (!row) {
        if (!isPlannedTenant(ctx, id)) diags.error('Unknown tenant', `No active tenant has id "${id}". Use the id attribute of a vmoodle_tenant (e.g. vmoodle_tenant.physics.id).`, ['members', i]);
      } else if (!(await hasMnetTables(tenantDb(ctx, row)))) {
        diags.error('Tenant has no Moodle database', `Tenant ${row.host} (${id}) has no Moodle MNet tables; create it from a template (a Moodle SQL dump) before adding it to a subnetwork.`, ['members', i]);
      } else {
        const installed = await installedServices(tenantDb(ctx, row));
        const missing = services.filter((s) => !installed.has(s));
        if (missing.length) diags.error('MNet service not installed', `Tenant ${row.host} (${id}) has no MNet service ${missing.map((s) => `"${s}"`).join(', ')} (the plugin providing it is not installed there).`, ['members', i]);
        moodles.push(row);
      }
    }),
  );
  if (roamingRoles.length > 0) {
    const path = [['roaming_roles']];
    await checkReferences(ctx, moodles, { capabilities: [ROAMING_CAPABILITY], capabilityPath: () => ['roaming_roles'], roles: new Map(roamingRoles.map((r) => [r, path])) }, diags);
  }
}

export async function subnetworkExists(ctx: VmoodleContext, name: string): Promise<boolean> {
  return (await (await mnetRegistry(ctx)).get(name)) !== null;
}

/** The subnetwork as last applied (registry) and as its members' tables are now; null when unknown. */
export async function observeSubnetwork(ctx: VmoodleContext, name: string, order: readonly string[] = []): Promise<SubnetworkView | null> {
  const mreg = await mnetRegistry(ctx);
  const record = await mreg.get(name);
  if (!record) return null;
  const ids = record.members.map((m) => m.tenantId);
  const rank = (id: string): number => (order.includes(id) ? order.indexOf(id) : order.length + ids.indexOf(id));
  const rows = await activeRows(ctx, ids);
  const members = ids.filter((id) => rows.has(id)).sort((a, b) => rank(a) - rank(b)).map((id) => rows.get(id)!);
  const roaming = actsAsIdentityProvider(record.services) ? record.roamingRoles : [];
  const memberState = await observeMembers(ctx, members, await mreg.containing(members.map((r) => r.id)), roaming);
  const problems = members.flatMap((r) => memberState.get(r.id)!.problems.map((p) => `${r.id} (${r.wwwroot}): ${p}`));
  return { name, members, services: [...record.services].sort(), keyLifetimeDays: record.keyLifetimeDays, renewBeforeDays: record.renewBeforeDays, roamingRoles: [...record.roamingRoles].sort(), memberState, problems };
}

/** Active rows for the member ids, in order; any id that is not an active tenant is an error. */
export async function memberRows(ctx: VmoodleContext, ids: readonly string[]): Promise<TenantRow[]> {
  const rows = await activeRows(ctx, ids);
  const missing = ids.filter((id) => !rows.has(id));
  if (missing.length) throw new MnetApplyError(`These members are not active tenants: ${missing.join(', ')}.`);
  return ids.map((id) => rows.get(id)!);
}

/** Applies, then reads back; refuses to report success for a subnetwork that is not in order. */
export async function applyAndObserve(ctx: VmoodleContext, desired: DesiredSubnetwork, previousIds: readonly string[]): Promise<SubnetworkView> {
  await applySubnetwork(ctx, desired.name, desired, previousIds);
  const after = await observeSubnetwork(ctx, desired.name, desired.members.map((r) => r.id));
  if (!after) throw new MnetApplyError(`Subnetwork ${desired.name} vanished from the registry during apply.`);
  if (after.problems.length > 0) throw new MnetApplyError(`Subnetwork ${desired.name} was applied but is not in order:\n${after.problems.join('\n')}`);
  return after;
}

export async function deleteSubnetwork(ctx: VmoodleContext, name: string, previousIds: readonly string[]): Promise<void> {
  await applySubnetwork(ctx, name, null, previousIds);
}
