// VMoodle MNet subnetworks (local_vmoodle.mnet = N > 0, vmoodle-inventory.md 4.3) as
// vmoodle_mnet_subnetwork declarations. Members are the enabled, imported sites of subnetwork N
// (VMoodle's own subnet queries skip disabled rows). The services are read from the members'
// tables (SELECT only): those every pair of members both publishes and subscribes to, which is
// what the provider checks; VMoodle's "default" strategy (SSO both ways) when nothing is set up.
// mnet = 0 ("peers with the master only") and -1 have no equivalent: the master is not a tenant.
import type { RowDataPacket } from 'mysql2/promise';
import { queryRows } from '../../provider/mysql/admin';
import { qualifiedName } from '../../provider/mysql/identifiers';
import type { ServerPools } from '../../provider/mysql/pools';
import { DEFAULT_SERVICES, KNOWN_SERVICES } from '../../provider/moodle/mnet/policy';
import type { TenantImport } from './mapping';

export interface SubnetworkImport {
  legacyId: number;
  name: string;
  label: string;
  /** Tenant ids, in register order. */
  members: string[];
  services: string[];
  notes: string[];
}

/** Per peer wwwroot: the services this site both publishes to and subscribes from it. */
async function exchangedServices(pools: ServerPools, t: TenantImport): Promise<Map<string, Set<string>>> {
  const table = (name: string): string => qualifiedName(t.dbname, t.prefix + name);
  const rows = await queryRows<RowDataPacket>(
    pools.get(t.server),
    `read the MNet services of ${t.dbname}`,
    `SELECT h.wwwroot AS wwwroot, s.name AS service FROM ${table('mnet_host2service')} hs ` +
      `JOIN ${table('mnet_host')} h ON h.id = hs.hostid JOIN ${table('mnet_service')} s ON s.id = hs.serviceid ` +
      'WHERE h.deleted = 0 AND hs.publish = 1 AND hs.subscribe = 1',
  ).catch(() => [] as RowDataPacket[]);
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(String(r.wwwroot)) ?? new Set<string>();
    set.add(String(r.service));
    out.set(String(r.wwwroot), set);
  }
  return out;
}

export async function planSubnetworks(pools: ServerPools, tenants: readonly TenantImport[]): Promise<SubnetworkImport[]> {
  const groups = new Map<number, TenantImport[]>();
  for (const t of tenants) {
    if (t.mnet <= 0 || !t.enabled) continue;
    groups.set(t.mnet, [...(groups.get(t.mnet) ?? []), t]);
  }
  const out: SubnetworkImport[] = [];
  for (const [n, members] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
    const notes: string[] = [];
    // Intersection over every ordered pair; null until the first pair is seen.
    let common: string[] | null = null;
    for (const m of members) {
      const exchanged = await exchangedServices(pools, m);
      for (const peer of members) {
        if (peer === m) continue;
        const pair = exchanged.get(peer.wwwroot) ?? new Set<string>();
        common = (common ?? [...pair]).filter((s) => pair.has(s));
      }
    }
    let list = (common ?? []).filter((s) => KNOWN_SERVICES.includes(s)).sort();
    if (list.length === 0) {
      list = [...DEFAULT_SERVICES];
      if (members.length > 1) notes.push('no service is exchanged by every pair of members yet; declared with SSO both ways (VMoodle\'s default strategy)');
    }
    out.push({ legacyId: n, name: `legacy-mnet-${n}`, label: `legacy_mnet_${n}`, members: members.map((m) => m.id), services: list, notes });
  }
  return out;
}
