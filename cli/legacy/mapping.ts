// From VMoodle register rows to vmoodle_tenant declarations. A row is imported only when the
// tenant it becomes would plan with no change: its host canonical and without port (vmoodle keeps
// the port out of the site key), its database, user and prefix names valid for the provider, its
// data folder absolute. Anything else is skipped with the reason, never silently altered; the
// one tolerated adjustment (a shortname with characters the provider refuses) is reported.
import { posix } from 'node:path';
import { parseTenantAddress, tenantKey } from '../../lib/host';
import { validateDatabaseName, validateUserName, validateTablePrefix, validatePassword } from '../../provider/mysql/identifiers';
import { tenantId, wwwrootFor } from '../../provider/tenant/model';
import type { LegacyRow } from './master';

export interface TenantImport {
  legacyId: number;
  /** Terraform resource label, unique. */
  label: string;
  id: string;
  host: string;
  https: boolean;
  wwwroot: string;
  name: string;
  shortname: string;
  description: string;
  server: string;
  dbtype: string;
  dbname: string;
  dbuser: string;
  /** Host part of the database account; filled in by verification (default "%"). */
  userHost: string;
  dbpass: string;
  prefix: string;
  dataroot: string;
  enabled: boolean;
  mnet: number;
  legacy: LegacyRow;
  notes: string[];
}

export interface SkippedRow {
  legacyId: number;
  vhostname: string;
  reason: string;
}

const SHORTNAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

function parseVhost(vhostname: string): { host: string; https: boolean } | string {
  const m = /^(https?):\/\/([^/?#]+)(\/[^?#]*)?$/i.exec(vhostname.replace(/\/+$/, ''));
  if (!m) return `vhostname "${vhostname}" is not an http(s) URL`;
  if (m[2]!.includes(':')) return `vhostname "${vhostname}" has a port; vmoodle sites are keyed by host name only`;
  const address = parseTenantAddress(`${m[2]!.toLowerCase()}${m[3] ?? ''}`);
  if (!address.ok) return `vhostname "${vhostname}": ${address.reason}`;
  return { host: tenantKey(address.host, address.subpath), https: m[1]!.toLowerCase() === 'https' };
}

/** A Terraform label from the shortname: [a-z0-9_], starting with a letter, unique. */
export function labelFor(shortname: string, taken: Set<string>): string {
  let base = shortname.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(base)) base = `site_${base}`;
  base = base.slice(0, 60) || 'site';
  let label = base;
  for (let i = 2; taken.has(label); i++) label = `${base}_${i}`;
  taken.add(label);
  return label;
}

function checkRow(row: LegacyRow): string | null {
  if (!['mysqli', 'mariadb', 'mysql', 'auroramysql'].includes(row.vdbtype.toLowerCase())) return `database type "${row.vdbtype}" is not MySQL/MariaDB`;
  const problem =
    validateDatabaseName(row.vdbname) ??
    validateUserName(row.vdblogin) ??
    validateTablePrefix(row.vdbprefix) ??
    (row.vdbpass === '' ? 'no database password in the register (a fleet using $CFG->vchildsdbpass must be imported with per-site accounts)' : validatePassword(row.vdbpass));
  if (problem) return problem;
  if (!row.vdatapath.startsWith('/')) return `vdatapath "${row.vdatapath}" is not an absolute path`;
  return null;
}

/** Maps every row; `serverFor` names the provider server of a vdbhost. */
export function mapLegacyRows(rows: readonly LegacyRow[], serverFor: (vdbhost: string) => string): { tenants: TenantImport[]; skipped: SkippedRow[] } {
  const tenants: TenantImport[] = [];
  const skipped: SkippedRow[] = [];
  const hosts = new Map<string, number>();
  const ids = new Map<string, number>();
  const labels = new Set<string>();
  for (const row of rows) {
    const skip = (reason: string): void => {
      skipped.push({ legacyId: row.id, vhostname: row.vhostname, reason });
    };
    const vhost = parseVhost(row.vhostname);
    if (typeof vhost === 'string') {
      skip(vhost);
      continue;
    }
    const problem = checkRow(row);
    if (problem) {
      skip(problem);
      continue;
    }
    const server = serverFor(row.vdbhost);
    const id = tenantId(server, row.vdbname);
    // VMoodle has no unique key on vhostname: the first row wins, as VMoodle's own lookup does.
    if (hosts.has(vhost.host)) {
      skip(`host ${vhost.host} is also the vhostname of row ${hosts.get(vhost.host)}, which is imported`);
      continue;
    }
    if (ids.has(id)) {
      skip(`database ${row.vdbname} on ${server} is also used by row ${ids.get(id)}, which is imported`);
      continue;
    }
    const notes: string[] = [];
    let shortname = row.shortname;
    if (!SHORTNAME_RE.test(shortname)) {
      shortname = shortname.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, 100) || `site${row.id}`;
      notes.push(`shortname "${row.shortname}" became "${shortname}" (letters, digits, ".", "_", "-" only)`);
    }
    const dataroot = posix.normalize(row.vdatapath).replace(/\/+$/, '');
    hosts.set(vhost.host, row.id);
    ids.set(id, row.id);
    tenants.push({
      legacyId: row.id,
      label: labelFor(shortname, labels),
      id,
      host: vhost.host,
      https: vhost.https,
      wwwroot: wwwrootFor(vhost.host, vhost.https),
      name: row.name || shortname,
      shortname,
      description: row.description,
      server,
      dbtype: row.vdbtype.toLowerCase() === 'mariadb' ? 'mariadb' : 'mysqli',
      dbname: row.vdbname,
      dbuser: row.vdblogin,
      userHost: '%',
      dbpass: row.vdbpass,
      prefix: row.vdbprefix,
      dataroot,
      enabled: row.enabled,
      mnet: row.mnet,
      legacy: row,
      notes,
    });
  }
  // VMoodle fleets often share one account; the provider then manages it from several tenants.
  const sharing = new Map<string, number>();
  for (const t of tenants) sharing.set(`${t.server}/${t.dbuser}`, (sharing.get(`${t.server}/${t.dbuser}`) ?? 0) + 1);
  for (const t of tenants) {
    const n = sharing.get(`${t.server}/${t.dbuser}`)!;
    if (n > 1) t.notes.push(`database account ${t.dbuser} is shared by ${n} sites: a password rotated on one tenant changes it for all of them`);
  }
  return { tenants, skipped };
}
