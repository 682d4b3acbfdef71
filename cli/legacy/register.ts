// Puts the legacy sites into the vmoodle registry, as `active` rows, so that (1) `terraform import`
// finds them by host (vmoodle_tenant's import reads the registry) and the plan shows no change,
// and (2) the sidecars can serve them as soon as config.php switches to the vmoodle include, while
// VMoodle keeps serving them meanwhile: both point at the same databases and folders, so there is
// no downtime and nothing of the legacy fleet is touched. Re-running is safe: rows already
// registered identically are left alone; rows that clash with other tenants are reported, not
// overwritten.
import type { Pool } from 'mysql2/promise';
import type { RegistryWriter, NewTenant } from '../../registry/writer';
import type { TenantRow } from '../../registry/reader';
import { MnetRegistry, type SubnetworkRecord } from '../../registry/mnet';
import type { ServerSettings } from '../../provider/mysql/dsn';
import { DEFAULT_KEY_LIFETIME_DAYS, DEFAULT_RENEW_BEFORE_DAYS } from '../../provider/moodle/mnet/policy';
import type { TenantImport } from './mapping';
import type { SubnetworkImport } from './subnetworks';

export type RegisterStatus = 'registered' | 'already registered' | 'conflict';

export interface RegisterResult {
  id: string;
  status: RegisterStatus;
  reason?: string;
}

export function newTenantRow(t: TenantImport, server: ServerSettings): NewTenant {
  // dbhost/port/socket follow the provider's rule (provider/tenant/provision.ts rowFromSpec), so a
  // later terraform apply leaves them as they are.
  return {
    id: t.id,
    host: t.host,
    wwwroot: t.wwwroot,
    server: t.server,
    dbhost: server.moodleHost,
    dbport: server.socket ? null : server.port,
    dbsocket: server.socket ?? null,
    dbname: t.dbname,
    dbuser: t.dbuser,
    dbuserHost: t.userHost,
    dbpass: t.dbpass,
    prefix: t.prefix,
    dataroot: t.dataroot,
    dbtype: t.dbtype,
    enabled: t.enabled,
    name: t.name,
    shortname: t.shortname,
    description: t.description === '' ? null : t.description,
    config: {},
  };
}

/** Fields the Terraform configuration declares: if a registered row differs, the plan would not be empty. */
function differences(row: TenantRow, want: NewTenant): string[] {
  const pairs: Array<[string, unknown, unknown]> = [
    ['host', row.host, want.host],
    ['wwwroot', row.wwwroot, want.wwwroot],
    ['name', row.name, want.name],
    ['shortname', row.shortname, want.shortname],
    ['description', row.description ?? '', want.description ?? ''],
    ['dbuser', row.dbuser, want.dbuser],
    ['dbuser_host', row.dbuserHost, want.dbuserHost],
    ['prefix', row.prefix, want.prefix],
    ['dataroot', row.dataroot, want.dataroot],
    ['enabled', row.enabled, want.enabled],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([k]) => k);
}

export async function registerTenant(writer: RegistryWriter, t: TenantImport, server: ServerSettings): Promise<RegisterResult> {
  const want = newTenantRow(t, server);
  const existing = await writer.getById(t.id);
  if (existing) {
    const diff = existing.state === 'active' ? differences(existing, want) : ['state'];
    if (diff.length === 0) return { id: t.id, status: 'already registered' };
    return { id: t.id, status: 'conflict', reason: `tenant ${t.id} is already registered with other values (${diff.join(', ')}); left as it is` };
  }
  const holder = await writer.getByHost(t.host);
  if (holder) return { id: t.id, status: 'conflict', reason: `host ${t.host} is already registered to tenant ${holder.id}` };
  await writer.insertCreating(want);
  try {
    await writer.markActive(t.id);
  } catch (err) {
    // A 'creating' row would read to the provider as an interrupted create of its own, which it
    // may rebuild from scratch: never leave one behind for a database we do not own.
    await writer.remove(t.id).catch(() => undefined);
    throw err;
  }
  return { id: t.id, status: 'registered' };
}

function sameRecord(a: SubnetworkRecord, b: SubnetworkRecord): boolean {
  return (
    JSON.stringify([...a.services].sort()) === JSON.stringify([...b.services].sort()) &&
    JSON.stringify(a.members.map((m) => m.tenantId)) === JSON.stringify(b.members.map((m) => m.tenantId))
  );
}

/** Registers the subnetwork record that importing vmoodle_mnet_subnetwork by name reads. */
export async function registerSubnetwork(pool: Pool, s: SubnetworkImport, wwwroots: ReadonlyMap<string, string>): Promise<RegisterResult> {
  const mnet = new MnetRegistry(pool);
  const record: SubnetworkRecord = {
    name: s.name,
    services: s.services,
    keyLifetimeDays: DEFAULT_KEY_LIFETIME_DAYS,
    renewBeforeDays: DEFAULT_RENEW_BEFORE_DAYS,
    members: s.members.map((id) => ({ tenantId: id, wwwroot: wwwroots.get(id)! })),
    // Legacy VMoodle never granted roaming: only site admins roamed there.
    roamingRoles: [],
  };
  const existing = await mnet.get(s.name);
  if (existing) {
    return sameRecord(existing, record)
      ? { id: s.name, status: 'already registered' }
      : { id: s.name, status: 'conflict', reason: `an MNet subnetwork named ${s.name} is already registered with other members or services; left as it is` };
  }
  await mnet.save(record);
  return { id: s.name, status: 'registered' };
}
