// One site's MNet tables (research: moodle-facts.md E1-E7): reading everything MNet-related in one
// snapshot, and the writes a subnetwork needs: the local identity, the settings SSO depends on, and
// the peer rows with their per-service switches. Rows are matched by wwwroot, as Moodle does.
import type { RowDataPacket } from 'mysql2/promise';
import { execute, queryRows, type SqlValue } from '../../mysql/admin';
import { withConnection, type Connection, type Queryable } from '../../mysql/pools';
import type { TenantDb } from '../../fleet/tenant-db';

/** config_plugins(mnet, openssl) joins certificate and private key with this (mnet/environment.php). */
export const KEYPAIR_SEPARATOR = '@@@@@@@@';

export class MnetSiteError extends Error {
  override name = 'MnetSiteError';
}

export interface HostRow {
  id: number;
  deleted: boolean;
  wwwroot: string;
  name: string;
  publicKey: string;
  publicKeyExpires: number;
  applicationId: number;
}

export interface ServiceSwitch {
  publish: boolean;
  subscribe: boolean;
}

export interface SiteSnapshot {
  localHostId: number | null;
  allHostsId: number | null;
  dispatcherMode: string | null;
  /** Enabled auth plugins (config `auth`, comma separated). */
  auth: string[];
  noreplyAddress: string | null;
  /** course id 1 fullname: Moodle's certificate organisation. */
  siteName: string | null;
  /** config_plugins(mnet, openssl): certificate + separator + private key. Secret. */
  keypair: string | null;
  history: string | null;
  generations: number | null;
  localRow: HostRow | null;
  /** Every other mnet_host row except All Hosts. */
  peers: HostRow[];
  /** mnet_service name -> id. */
  services: Map<string, number>;
  /** hostid -> service name -> switches. */
  switches: Map<number, Map<string, ServiceSwitch>>;
  moodleApplicationId: number;
}

type Q = Queryable;

function hostRow(r: RowDataPacket): HostRow {
  return {
    id: Number(r.id),
    deleted: Number(r.deleted) !== 0,
    wwwroot: String(r.wwwroot),
    name: String(r.name),
    publicKey: String(r.public_key ?? ''),
    publicKeyExpires: Number(r.public_key_expires),
    applicationId: Number(r.applicationid),
  };
}

const positiveInt = (v: string | undefined): number | null => (v !== undefined && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : null);

/** Reads everything MNet-related of one site. Works on a connection inside a transaction too. */
export async function readSite(t: TenantDb, q: Q = t.pool): Promise<SiteSnapshot> {
  const what = `read MNet tables of ${t.row.id}`;
  const [config, plugin, course, hosts, services, switches, apps] = await Promise.all([
    queryRows(q, what, `SELECT name, value FROM ${t.table('config')} WHERE name IN ('mnet_localhost_id','mnet_all_hosts_id','mnet_dispatcher_mode','auth','noreplyaddress')`),
    queryRows(q, what, `SELECT name, value FROM ${t.table('config_plugins')} WHERE plugin = 'mnet' AND name IN ('openssl','openssl_history','openssl_generations')`),
    queryRows(q, what, `SELECT fullname FROM ${t.table('course')} WHERE id = 1`),
    queryRows(q, what, `SELECT id, deleted, wwwroot, name, public_key, public_key_expires, applicationid FROM ${t.table('mnet_host')} ORDER BY id`),
    queryRows(q, what, `SELECT id, name FROM ${t.table('mnet_service')} ORDER BY id`),
    queryRows(q, what, `SELECT hostid, serviceid, publish, subscribe FROM ${t.table('mnet_host2service')}`),
    queryRows(q, what, `SELECT id FROM ${t.table('mnet_application')} WHERE name = 'moodle' ORDER BY id LIMIT 1`),
  ]);
  const cfg = new Map(config.map((r) => [String(r.name), String(r.value ?? '')]));
  const plg = new Map(plugin.map((r) => [String(r.name), String(r.value ?? '')]));
  const localHostId = positiveInt(cfg.get('mnet_localhost_id'));
  const allHostsId = positiveInt(cfg.get('mnet_all_hosts_id'));
  const rows = hosts.map(hostRow);
  const serviceIds = new Map(services.map((r) => [String(r.name), Number(r.id)]));
  const serviceNames = new Map([...serviceIds].map(([n, id]) => [id, n]));
  const sw = new Map<number, Map<string, ServiceSwitch>>();
  for (const r of switches) {
    const name = serviceNames.get(Number(r.serviceid));
    if (name === undefined) continue;
    const perHost = sw.get(Number(r.hostid)) ?? new Map<string, ServiceSwitch>();
    perHost.set(name, { publish: Number(r.publish) !== 0, subscribe: Number(r.subscribe) !== 0 });
    sw.set(Number(r.hostid), perHost);
  }
  return {
    localHostId,
    allHostsId,
    dispatcherMode: cfg.get('mnet_dispatcher_mode') ?? null,
    auth: (cfg.get('auth') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    noreplyAddress: cfg.get('noreplyaddress') || null,
    siteName: course[0] ? String(course[0].fullname ?? '') : null,
    keypair: plg.get('openssl') || null,
    history: plg.get('openssl_history') ?? null,
    generations: positiveInt(plg.get('openssl_generations')),
    localRow: rows.find((r) => r.id === localHostId) ?? null,
    peers: rows.filter((r) => r.id !== localHostId && r.id !== allHostsId && r.wwwroot !== ''),
    services: serviceIds,
    switches: sw,
    moodleApplicationId: apps[0] ? Number(apps[0].id) : 1,
  };
}

/** True when the site has Moodle's MNet tables at all (a tenant created without a template has none). */
export async function hasMnetTables(t: TenantDb): Promise<boolean> {
  const rows = await queryRows(
    t.pool,
    `look for MNet tables of ${t.row.id}`,
    'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?, ?, ?, ?, ?)',
    [t.row.dbname, ...['mnet_host', 'mnet_service', 'mnet_host2service', 'config_plugins', 'config'].map((n) => t.row.prefix + n)],
  );
  return Number(rows[0]?.n) === 5;
}

/** Names of the MNet services the site has installed (mnet_service rows). */
export async function installedServices(t: TenantDb): Promise<Set<string>> {
  const rows = await queryRows(t.pool, `list MNet services of ${t.row.id}`, `SELECT name FROM ${t.table('mnet_service')}`);
  return new Set(rows.map((r) => String(r.name)));
}

/** Runs fn in a transaction on one connection of the tenant's server. */
export async function inTransaction<T>(t: TenantDb, fn: (conn: Connection) => Promise<T>): Promise<T> {
  return withConnection(t.pool, async (conn) => {
    await execute(conn, 'begin transaction', 'START TRANSACTION');
    try {
      const out = await fn(conn);
      await execute(conn, 'commit', 'COMMIT');
      return out;
    } catch (err) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

async function setConfig(t: TenantDb, q: Q, name: string, value: string): Promise<void> {
  await execute(q, `set config ${name} of ${t.row.id}`, `INSERT INTO ${t.table('config')} (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)`, [name, value]);
}

async function setPluginConfig(t: TenantDb, q: Q, name: string, value: string): Promise<void> {
  // The operation name never carries the value: it may be a private key.
  await execute(
    q,
    `set config_plugins mnet/${name} of ${t.row.id}`,
    `INSERT INTO ${t.table('config_plugins')} (plugin, name, value) VALUES ('mnet', ?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)`,
    [name, value],
  );
}

export interface IdentityWrite {
  certificatePem: string;
  privateKeyPem: string;
  /** Unix seconds (certificate notAfter). */
  expires: number;
  wwwroot: string;
  /** New history value (PHP-serialized) when the previous pair is archived; null leaves it. */
  history: string | null;
  generations: number | null;
}

/** Stores the key pair where Moodle keeps it and mirrors the certificate in the local host row. */
export async function writeIdentity(t: TenantDb, q: Q, localHostId: number, w: IdentityWrite): Promise<void> {
  await setPluginConfig(t, q, 'openssl', w.certificatePem + KEYPAIR_SEPARATOR + w.privateKeyPem);
  if (w.history !== null) await setPluginConfig(t, q, 'openssl_history', w.history);
  if (w.generations !== null) await setPluginConfig(t, q, 'openssl_generations', String(w.generations));
  const res = await execute(
    q,
    `set the local mnet_host row of ${t.row.id}`,
    `UPDATE ${t.table('mnet_host')} SET public_key = ?, public_key_expires = ?, wwwroot = ?, deleted = 0 WHERE id = ?`,
    [w.certificatePem, w.expires, w.wwwroot, localHostId],
  );
  if (res.affectedRows === 0) throw new MnetSiteError(`${t.row.id} has no local mnet_host row (id ${localHostId})`);
}

/** What MNet SSO needs besides keys (E7): networking on, and the mnet auth plugin enabled. */
export async function ensureNetworking(t: TenantDb, q: Q, snapshot: SiteSnapshot, withSso: boolean): Promise<boolean> {
  let changed = false;
  if (snapshot.dispatcherMode !== 'strict') {
    await setConfig(t, q, 'mnet_dispatcher_mode', 'strict');
    changed = true;
  }
  if (withSso && !snapshot.auth.includes('mnet')) {
    await setConfig(t, q, 'auth', [...snapshot.auth, 'mnet'].join(','));
    changed = true;
  }
  return changed;
}

export function networkingProblem(snapshot: SiteSnapshot, withSso: boolean): string | null {
  if (snapshot.dispatcherMode !== 'strict') return `mnet_dispatcher_mode is "${snapshot.dispatcherMode ?? ''}", not "strict"`;
  if (withSso && !snapshot.auth.includes('mnet')) return 'the mnet authentication plugin is not enabled';
  return null;
}

/** What one site must hold about one other site. */
export type PeerSpec =
  | { kind: 'peer'; wwwroot: string; name: string; certificatePem: string; expires: number; services: ReadonlySet<string> }
  /** Peered through another subnetwork: only the service switches are this call's business. */
  | { kind: 'services'; wwwroot: string; services: ReadonlySet<string> }
  /** No longer a peer: marked deleted, as Moodle's "delete peer" does. */
  | { kind: 'remove'; wwwroot: string };

/** Rows for one wwwroot, live ones first, then oldest first: the first is the one Moodle uses. */
function rowsFor(snapshot: SiteSnapshot, wwwroot: string): HostRow[] {
  return snapshot.peers.filter((r) => r.wwwroot === wwwroot).sort((a, b) => Number(a.deleted) - Number(b.deleted) || a.id - b.id);
}

async function setSwitches(t: TenantDb, q: Q, snapshot: SiteSnapshot, hostId: number, services: ReadonlySet<string>): Promise<void> {
  for (const name of services) {
    if (!snapshot.services.has(name)) throw new MnetSiteError(`${t.row.id} has no MNet service "${name}" (its plugin is not installed)`);
  }
  const current = snapshot.switches.get(hostId) ?? new Map<string, ServiceSwitch>();
  for (const [name, serviceId] of snapshot.services) {
    const want = services.has(name);
    const have = current.get(name);
    if (want && !(have?.publish && have.subscribe)) {
      await execute(
        q,
        `enable MNet service ${name} for host ${hostId} on ${t.row.id}`,
        `INSERT INTO ${t.table('mnet_host2service')} (hostid, serviceid, publish, subscribe) VALUES (?, ?, 1, 1) ON DUPLICATE KEY UPDATE publish = 1, subscribe = 1`,
        [hostId, serviceId],
      );
    } else if (!want && have) {
      // admin/mnet/services.php deletes the row when both switches are off.
      await execute(q, `disable MNet service ${name} for host ${hostId} on ${t.row.id}`, `DELETE FROM ${t.table('mnet_host2service')} WHERE hostid = ? AND serviceid = ?`, [hostId, serviceId]);
    }
  }
}

async function markDeleted(t: TenantDb, q: Q, hostId: number): Promise<void> {
  await execute(q, `remove MNet peer ${hostId} on ${t.row.id}`, `UPDATE ${t.table('mnet_host')} SET deleted = 1 WHERE id = ?`, [hostId]);
  await execute(q, `drop MNet services of peer ${hostId} on ${t.row.id}`, `DELETE FROM ${t.table('mnet_host2service')} WHERE hostid = ?`, [hostId]);
  // mnet_peer::delete() ends the roaming sessions of a removed peer.
  await execute(q, `drop MNet sessions of peer ${hostId} on ${t.row.id}`, `DELETE FROM ${t.table('mnet_session')} WHERE mnethostid = ?`, [hostId]);
}

/** Brings the peer rows named by specs to what they say; rows for other wwwroots are left alone. */
export async function applyPeerSpecs(t: TenantDb, q: Q, snapshot: SiteSnapshot, specs: readonly PeerSpec[]): Promise<void> {
  for (const spec of specs) {
    const rows = rowsFor(snapshot, spec.wwwroot);
    const live = rows.filter((r) => !r.deleted);
    if (spec.kind === 'remove') {
      for (const r of live) await markDeleted(t, q, r.id);
      continue;
    }
    if (spec.kind === 'services') {
      if (live[0]) await setSwitches(t, q, snapshot, live[0].id, spec.services);
      continue;
    }
    let hostId: number;
    const keep = rows[0];
    const name = [...spec.name].slice(0, 80).join('');
    if (keep) {
      hostId = keep.id;
      if (keep.deleted || keep.publicKey !== spec.certificatePem || keep.publicKeyExpires !== spec.expires || keep.name !== name || keep.applicationId !== snapshot.moodleApplicationId) {
        await execute(
          q,
          `update MNet peer ${spec.wwwroot} on ${t.row.id}`,
          `UPDATE ${t.table('mnet_host')} SET deleted = 0, name = ?, public_key = ?, public_key_expires = ?, applicationid = ? WHERE id = ?`,
          [name, spec.certificatePem, spec.expires, snapshot.moodleApplicationId, hostId],
        );
      }
      // Duplicates would make Moodle's wwwroot lookups ambiguous.
      for (const dup of live.filter((r) => r.id !== hostId)) await markDeleted(t, q, dup.id);
    } else {
      const values: SqlValue[] = [spec.wwwroot, name, spec.certificatePem, spec.expires, snapshot.moodleApplicationId];
      // sslverification 2 (verify host and peer) is what admin/mnet/peers.php offers by default.
      const res = await execute(
        q,
        `add MNet peer ${spec.wwwroot} on ${t.row.id}`,
        `INSERT INTO ${t.table('mnet_host')} (deleted, wwwroot, ip_address, name, public_key, public_key_expires, transport, portno, last_connect_time, last_log_id, force_theme, theme, applicationid, sslverification) ` +
          "VALUES (0, ?, '', ?, ?, ?, 0, 0, 0, 0, 0, NULL, ?, 2)",
        values,
      );
      hostId = res.insertId;
    }
    await setSwitches(t, q, snapshot, hostId, spec.services);
  }
}

/**
 * Updates every live row for oldRoot (a peer's previous wwwroot, or its current one when only its
 * key changed) to the peer's current wwwroot and certificate. Returns rows changed.
 */
export async function updatePeerIdentity(t: TenantDb, q: Q, oldRoot: string, newRoot: string, certificatePem: string, expires: number): Promise<number> {
  const res = await execute(
    q,
    `update the MNet certificate of ${newRoot} on ${t.row.id}`,
    `UPDATE ${t.table('mnet_host')} h LEFT JOIN ${t.table('config')} c ON c.name = 'mnet_localhost_id' ` +
      'SET h.wwwroot = ?, h.public_key = ?, h.public_key_expires = ? ' +
      "WHERE h.wwwroot = ? AND h.deleted = 0 AND (c.value IS NULL OR h.id <> CAST(c.value AS UNSIGNED))",
    [newRoot, certificatePem, expires, oldRoot],
  );
  return res.changedRows;
}
