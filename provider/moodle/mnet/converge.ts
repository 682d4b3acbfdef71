// Applying a subnetwork: brings every member's identity and peer rows to the declared mesh, undoes
// what a removed member (or a deleted subnetwork) leaves behind, and records the result in the
// registry last, so an interrupted apply is simply redone by the next one (every step converges).
//   1. identities: each member gets a usable key pair for its wwwroot (issued, renewed when the
//      plan said so, or just mirrored again into the local host row), networking and auth_mnet on;
//   2. peer rows on every member and former member: full mesh among members, with the union of the
//      services of every subnetwork a pair shares; pairs that share nothing any more are unpeered;
//   3. a renewed certificate is also copied to peers met through other subnetworks;
//   4. roaming grants on members and former members: each gets the roaming roles of every
//      subnetwork it is an identity provider in, and loses the grants vmoodle made that none wants.
import type { VmoodleContext } from '../../provider';
import type { TenantRow } from '../../../registry/writer';
import type { SubnetworkRecord } from '../../../registry/mnet';
import { tenantDb, type TenantDb } from '../../fleet/tenant-db';
import { forEachTenant, describeFailures, type TenantOutcome } from '../../fleet/each';
import { invalidateConfigCache } from '../caches';
import { log } from '../../plugin/log';
import { withMnetLock } from './lock';
import { mnetRegistry, pairServices, usesSso, coMembers, roamingRolesOn } from './network';
import { convergeRoaming } from './roaming';
import { readSite, inTransaction, writeIdentity, ensureNetworking, applyPeerSpecs, updatePeerIdentity, MnetSiteError, type PeerSpec } from './site';
import { evaluateIdentity, renewIdentity, unixSeconds, type NewIdentity } from './identity';
import { inRenewalWindow } from './policy';

export class MnetApplyError extends Error {
  override name = 'MnetApplyError';
}

export interface DesiredSubnetwork {
  name: string;
  /** Active registry rows of the members, in declaration order. */
  members: TenantRow[];
  services: string[];
  keyLifetimeDays: number;
  renewBeforeDays: number;
  /** Sorted role shortnames that get the roaming capability where the members are identity providers. */
  roamingRoles: string[];
  /** Members the plan allowed a new certificate for (renewal window, new member, broken identity). */
  mayRenew: ReadonlySet<string>;
}

interface MemberIdentity {
  row: TenantRow;
  certificatePem: string;
  expires: number;
  renewed: boolean;
}

function failIfAny<T>(what: string, outcomes: readonly TenantOutcome<T>[]): void {
  if (outcomes.some((o) => !o.ok)) throw new MnetApplyError(`Could not ${what} on every tenant:\n${describeFailures(outcomes)}`);
}

async function ensureIdentity(ctx: VmoodleContext, row: TenantRow, d: DesiredSubnetwork, records: readonly SubnetworkRecord[], now: Date): Promise<MemberIdentity> {
  const t = tenantDb(ctx, row);
  const { identity, configChanged } = await inTransaction(t, async (conn) => {
    const s = await readSite(t, conn);
    if (s.localHostId === null || s.localRow === null) throw new MnetSiteError('the site has no local mnet_host row (config mnet_localhost_id); is it a Moodle database?');
    const status = evaluateIdentity(s, row.wwwroot, now);
    let fresh: NewIdentity | null = null;
    if (status.problem !== null) {
      log.info('issuing an MNet identity', { tenant: row.id, reason: status.problem });
      fresh = await renewIdentity(s, row, row.wwwroot, d.keyLifetimeDays, now);
    } else if (d.mayRenew.has(row.id) && inRenewalWindow(status.facts!.notAfter, now, d.renewBeforeDays)) {
      log.info('renewing an MNet certificate', { tenant: row.id, expires: status.facts!.notAfter.toISOString() });
      fresh = await renewIdentity(s, row, row.wwwroot, d.keyLifetimeDays, now);
    }
    let changed = false;
    if (fresh) {
      await writeIdentity(t, conn, s.localHostId, { ...fresh, expires: unixSeconds(fresh.notAfter), wwwroot: row.wwwroot });
      changed = true;
    } else if (!status.localRowOk) {
      // The pair is good but the host row lost it (or the wwwroot): mirror it again, no new key.
      await writeIdentity(t, conn, s.localHostId, { ...status.keypair!, expires: unixSeconds(status.facts!.notAfter), wwwroot: row.wwwroot, history: null, generations: null });
    }
    if (await ensureNetworking(t, conn, s, usesSso(records, row.id))) changed = true;
    const certificatePem = fresh ? fresh.certificatePem : status.keypair!.certificatePem;
    const expires = fresh ? unixSeconds(fresh.notAfter) : unixSeconds(status.facts!.notAfter);
    return { identity: { row, certificatePem, expires, renewed: fresh !== null }, configChanged: changed };
  });
  // After commit: a request in between would cache the old values again.
  if (configChanged) await invalidateConfigCache(t);
  return identity;
}

async function applySpecs(t: TenantDb, specs: readonly PeerSpec[]): Promise<void> {
  if (specs.length === 0) return;
  await inTransaction(t, async (conn) => applyPeerSpecs(t, conn, await readSite(t, conn), specs));
}

/**
 * Converges the fleet to `desired` (null: the subnetwork is being deleted). `previousIds` are members
 * Terraform's prior state knew, in case the registry record is missing or older.
 */
export async function applySubnetwork(ctx: VmoodleContext, name: string, desired: DesiredSubnetwork | null, previousIds: readonly string[]): Promise<void> {
  await withMnetLock(ctx, async () => {
    const mreg = await mnetRegistry(ctx);
    const registry = await ctx.registry();
    const previous = await mreg.get(name);
    const members = desired?.members ?? [];
    const memberIds = new Set(members.map((r) => r.id));
    const previousWwwroots = new Map((previous?.members ?? []).map((m) => [m.tenantId, m.wwwroot]));
    const removedIds = [...new Set([...previousWwwroots.keys(), ...previousIds])].filter((id) => !memberIds.has(id));
    const next: SubnetworkRecord | null = desired && {
      name,
      services: desired.services,
      keyLifetimeDays: desired.keyLifetimeDays,
      renewBeforeDays: desired.renewBeforeDays,
      members: members.map((r) => ({ tenantId: r.id, wwwroot: r.wwwroot })),
      roamingRoles: desired.roamingRoles,
    };
    const others = (await mreg.containing([...memberIds, ...removedIds])).filter((r) => r.name !== name);
    const records = next ? [...others, next] : others;
    const removedRows = removedIds.length ? (await registry.list({ ids: removedIds, state: 'active' })) : [];
    const wwwrootOf = (id: string): string | undefined => members.find((r) => r.id === id)?.wwwroot ?? removedRows.find((r) => r.id === id)?.wwwroot ?? previousWwwroots.get(id);
    const now = new Date();

    // 1. Identities.
    const identities = desired ? await forEachTenant(members, (row) => ensureIdentity(ctx, row, desired, records, now)) : [];
    failIfAny('set up the MNet identity', identities);
    const byId = new Map(identities.map((o) => [o.row.id, o.value!]));

    // 2. Peer rows, on members and on former members.
    const specsFor = (tenantId: string): PeerSpec[] => {
      const specs: PeerSpec[] = [];
      for (const other of [...memberIds, ...removedIds]) {
        if (other === tenantId) continue;
        const wwwroot = wwwrootOf(other);
        if (wwwroot === undefined) continue;
        const services = pairServices(records, tenantId, other);
        const id = byId.get(other);
        if (services && id && memberIds.has(tenantId)) specs.push({ kind: 'peer', wwwroot, name: id.row.name, certificatePem: id.certificatePem, expires: id.expires, services });
        else if (services) specs.push({ kind: 'services', wwwroot, services });
        else specs.push({ kind: 'remove', wwwroot });
      }
      // A wwwroot a peer had when last applied, if it moved without the domain-switch hook.
      const current = new Set([...memberIds, ...removedIds].map(wwwrootOf));
      for (const [other, old] of previousWwwroots) {
        if (other !== tenantId && !current.has(old)) specs.push({ kind: 'remove', wwwroot: old });
      }
      return specs;
    };
    const peered = await forEachTenant([...members, ...removedRows], (row) => applySpecs(tenantDb(ctx, row), specsFor(row.id)));
    failIfAny('write the MNet peer rows', peered);

    // 3. Renewed certificates reach peers met through other subnetworks too.
    const renewed = [...byId.values()].filter((i) => i.renewed);
    const outsideIds = new Set<string>();
    for (const i of renewed) for (const id of coMembers(others, i.row.id)) if (!memberIds.has(id)) outsideIds.add(id);
    if (outsideIds.size > 0) {
      const outside = await registry.list({ ids: [...outsideIds], state: 'active' });
      const copied = await forEachTenant(outside, async (row) => {
        const t = tenantDb(ctx, row);
        for (const i of renewed) {
          if (coMembers(others, i.row.id).has(row.id)) await updatePeerIdentity(t, t.pool, i.row.wwwroot, i.row.wwwroot, i.certificatePem, i.expires);
        }
      });
      failIfAny('copy renewed MNet certificates to peers in other subnetworks', copied);
    }

    // 4. Roaming grants.
    const granted = await forEachTenant([...members, ...removedRows], (row) => convergeRoaming(ctx, mreg, row, roamingRolesOn(records, row.id)));
    failIfAny('grant or revoke MNet roaming (moodle/site:mnetlogintoremote)', granted);
    // A former member with no registry row any more was destroyed with its database and grants.
    const registered = new Set((removedIds.length ? await registry.list({ ids: removedIds }) : []).map((r) => r.id));
    for (const id of removedIds) if (!registered.has(id)) await mreg.forgetTenantGrants(id);

    if (next) await mreg.save(next);
    else await mreg.remove(name);
  });
}
