// What a subnetwork looks like in its members' tables right now (refresh and drift detection): per
// member, whether its own identity is usable, whether MNet is on, and which other members it is
// correctly peered with — a live row for the peer's current wwwroot holding the peer's current
// certificate and exactly the services the pair should exchange.
import type { VmoodleContext } from '../../provider';
import type { TenantRow } from '../../../registry/writer';
import type { SubnetworkRecord } from '../../../registry/mnet';
import { tenantDb } from '../../fleet/tenant-db';
import { sameCertificate } from './cert';
import { evaluateIdentity, unixSeconds, type IdentityStatus } from './identity';
import { mnetRegistry, pairServices, roamingRolesOn, usesSso } from './network';
import { formatExpiry } from './policy';
import { readSite, networkingProblem, type SiteSnapshot } from './site';
import { rolesThatRoam } from './roaming';

export interface MemberObservation {
  /** notAfter of a usable certificate (RFC 3339); '' when the member has no usable identity. */
  certificateExpires: string;
  mnetEnabled: boolean;
  /** Ids of members it is correctly peered with. */
  peers: string[];
  /**
   * The roles holding the roaming capability here among those expected, plus any grant vmoodle made
   * that no subnetwork wants any more (a half-done apply left it): both show as a diff. Sorted.
   */
  roamingRoles: string[];
  /** Human-readable reasons for anything not in order, for warnings. Never key material. */
  problems: string[];
}

interface Seen {
  row: TenantRow;
  site: SiteSnapshot;
  identity: IdentityStatus;
  /** Roles holding the roaming capability, among the expected ones and the strays. */
  roaming: string[];
  /** Grants vmoodle made here that no subnetwork wants and that still allow. */
  strays: string[];
}

function peeredCorrectly(from: Seen, to: Seen, services: ReadonlySet<string>): string | null {
  if (to.identity.problem !== null || !to.identity.keypair) return `${to.row.id} has no usable identity`;
  const row = from.site.peers.filter((r) => r.wwwroot === to.row.wwwroot && !r.deleted).sort((a, b) => a.id - b.id)[0];
  if (!row) return `no live peer row for ${to.row.wwwroot}`;
  if (!sameCertificate(row.publicKey, to.identity.keypair.certificatePem) || row.publicKeyExpires !== unixSeconds(to.identity.facts!.notAfter)) return `the peer row for ${to.row.wwwroot} holds another certificate`;
  if (row.applicationId !== from.site.moodleApplicationId) return `the peer row for ${to.row.wwwroot} is not a Moodle application`;
  const switches = from.site.switches.get(row.id) ?? new Map();
  for (const name of from.site.services.keys()) {
    const sw = switches.get(name);
    const want = services.has(name);
    if (want && !(sw?.publish && sw.subscribe)) return `service ${name} is not published and subscribed for ${to.row.wwwroot}`;
    if (!want && (sw?.publish || sw?.subscribe)) return `service ${name} is enabled for ${to.row.wwwroot} but not declared`;
  }
  return null;
}

/**
 * `records`: every subnetwork holding any member (this one included, as last applied); `roaming`:
 * the roles this subnetwork expects to roam from every member (none when members are not identity
 * providers).
 */
export async function observeMembers(
  ctx: VmoodleContext,
  members: readonly TenantRow[],
  records: readonly SubnetworkRecord[],
  roaming: readonly string[],
  now: Date = new Date(),
): Promise<Map<string, MemberObservation>> {
  const mreg = await mnetRegistry(ctx);
  const seen: Seen[] = await Promise.all(
    members.map(async (row) => {
      const t = tenantDb(ctx, row);
      // `records` holds this subnetwork too, so an unwanted grant is never one of `roaming`.
      const wanted = roamingRolesOn(records, row.id);
      const unwanted = [...(await mreg.grantsOn(row.id))].filter((r) => !wanted.has(r));
      const [site, held] = await Promise.all([readSite(t), rolesThatRoam(t, [...roaming, ...unwanted])]);
      return { row, site, identity: evaluateIdentity(site, row.wwwroot, now), roaming: held, strays: held.filter((r) => unwanted.includes(r)) };
    }),
  );
  const out = new Map<string, MemberObservation>();
  for (const m of seen) {
    const problems: string[] = [];
    if (m.identity.problem) problems.push(m.identity.problem);
    if (m.identity.problem === null && !m.identity.localRowOk) problems.push('its local mnet_host row does not carry its certificate and wwwroot');
    const net = networkingProblem(m.site, usesSso(records, m.row.id));
    if (net) problems.push(net);
    for (const r of roaming) if (!m.roaming.includes(r)) problems.push(`role ${r} does not hold moodle/site:mnetlogintoremote (allow at the system context), so its users cannot roam`);
    for (const r of m.strays) problems.push(`role ${r} still holds moodle/site:mnetlogintoremote, granted by vmoodle for a subnetwork that no longer asks for it`);
    const peers: string[] = [];
    for (const p of seen) {
      if (p === m) continue;
      const why = peeredCorrectly(m, p, pairServices(records, m.row.id, p.row.id) ?? new Set());
      if (why === null) peers.push(p.row.id);
      else problems.push(why);
    }
    out.set(m.row.id, {
      certificateExpires: m.identity.problem === null && m.identity.facts ? formatExpiry(m.identity.facts.notAfter) : '',
      mnetEnabled: m.identity.problem === null && m.identity.localRowOk && net === null,
      peers,
      roamingRoles: m.roaming,
      problems,
    });
  }
  return out;
}
