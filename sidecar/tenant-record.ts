// Turns a registry row (or a state-file record) into a validated TenantRecord. Everything the sidecar
// serves goes through here: the registry is written by the provider alone, but its values end up in
// PHP source (the map file) and in Moodle's $CFG, so they are checked, not trusted.
import { parseTenantAddress } from '../lib/host';
import { checkForcedConfig } from '../lib/forced-config';
import type { TenantRecord } from '../generated/sidecar-types';

export type { TenantRecord };

/** Moodle database drivers a tenant may name. */
export const DB_TYPES: ReadonlySet<string> = new Set(['mariadb', 'mysqli', 'auroramysql', 'pgsql', 'sqlsrv']);

export class InvalidTenantError extends Error {
  override name = 'InvalidTenantError';
  constructor(
    readonly tenantId: string,
    readonly field: string,
    reason: string,
  ) {
    super(`tenant ${JSON.stringify(tenantId.slice(0, 80))}: ${field}: ${reason}`);
  }
}

/** A row of `vmoodle_tenant` as mysql2 returns it (the columns the sidecar reads). */
export interface RegistryTenantRow {
  id: unknown;
  host: unknown;
  enabled: unknown;
  name: unknown;
  shortname: unknown;
  wwwroot: unknown;
  server: unknown;
  dbtype: unknown;
  dbhost: unknown;
  dbport: unknown;
  dbsocket: unknown;
  dbname: unknown;
  dbuser: unknown;
  dbpass: unknown;
  prefix: unknown;
  dataroot: unknown;
  config: unknown;
}

/**
 * One copy of the values most tenants share (server name, driver, database host, table prefix): the
 * database driver hands each row its own strings, ~10 MB of duplicates at 100,000 tenants. Bounded,
 * so a registry of all-different values cannot grow it without limit.
 */
const shared = new Map<string, string>();
const SHARED_MAX = 10_000;

function intern(s: string): string {
  const known = shared.get(s);
  if (known !== undefined) return known;
  if (shared.size < SHARED_MAX) shared.set(s, s);
  return s;
}

/** C0 controls and DEL: never legitimate in these values, and they would break logs and pages. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

class Checker {
  constructor(private readonly id: string) {}

  text(field: string, v: unknown, opts: { max: number; empty?: boolean; anyChar?: boolean }): string {
    if (typeof v !== 'string') throw new InvalidTenantError(this.id, field, 'must be a string');
    if (!opts.empty && v.length === 0) throw new InvalidTenantError(this.id, field, 'must not be empty');
    if (v.length > opts.max) throw new InvalidTenantError(this.id, field, `longer than ${opts.max}`);
    // A password may hold any printable character; NUL would truncate it in C client libraries.
    if (opts.anyChar ? v.includes('\u0000') : hasControl(v)) {
      throw new InvalidTenantError(this.id, field, 'contains control characters');
    }
    return v;
  }

  nullableText(field: string, v: unknown, max: number): string | null {
    if (v === null || v === undefined || v === '') return null;
    return this.text(field, v, { max });
  }

  port(field: string, v: unknown): number | null {
    if (v === null || v === undefined) return null;
    const n = typeof v === 'string' && /^[0-9]{1,5}$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
      throw new InvalidTenantError(this.id, field, 'must be an integer 1..65535 or null');
    }
    return n;
  }

  bool(field: string, v: unknown): boolean {
    if (v === true || v === 1 || v === '1') return true;
    if (v === false || v === 0 || v === '0') return false;
    throw new InvalidTenantError(this.id, field, 'must be a boolean');
  }

  fail(field: string, reason: string): never {
    throw new InvalidTenantError(this.id, field, reason);
  }
}

/** `key`: registry column `host` (= tenant key), or the state-file record's own `key`. */
function build(f: Omit<RegistryTenantRow, 'host'>, key: unknown): TenantRecord {
  const id = typeof f.id === 'string' && f.id.length > 0 ? f.id : '(no id)';
  // Explicitly typed so that TypeScript narrows after c.fail() (which returns never).
  const c: Checker = new Checker(id);
  c.text('id', f.id, { max: 200 });
  if (typeof key !== 'string') c.fail('host', 'must be a string');
  const addr = parseTenantAddress(key);
  if (!addr.ok) c.fail('host', addr.reason);
  // The provider stores the normalised form; anything else was not written by it.
  if (addr.key !== key) c.fail('host', 'is not in normalised form');

  const wwwroot = c.text('wwwroot', f.wwwroot, { max: 512 });
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(wwwroot) || wwwroot.endsWith('/')) {
    c.fail('wwwroot', 'must be an absolute http(s) URL without a trailing slash');
  }
  const dbtype = c.text('dbtype', f.dbtype, { max: 16 });
  if (!DB_TYPES.has(dbtype)) c.fail('dbtype', `must be one of ${[...DB_TYPES].join(', ')}`);
  const prefix = c.text('prefix', f.prefix, { max: 16, empty: true });
  if (!/^[a-zA-Z0-9_]*$/.test(prefix)) c.fail('prefix', 'may hold only letters, digits and "_"');
  const dataroot = c.text('dataroot', f.dataroot, { max: 1024 });
  if (!dataroot.startsWith('/')) c.fail('dataroot', 'must be an absolute path');
  const config = checkForcedConfig(f.config);
  if (!config.ok) c.fail('config', config.reason);

  return {
    id: f.id as string,
    key: addr.key,
    host: addr.host,
    subpath: addr.subpath ?? null,
    enabled: c.bool('enabled', f.enabled),
    name: c.text('name', f.name, { max: 255, empty: true }),
    shortname: c.text('shortname', f.shortname, { max: 100, empty: true }),
    wwwroot,
    server: intern(c.text('server', f.server, { max: 64 })),
    dbtype: intern(dbtype),
    dbhost: intern(c.text('dbhost', f.dbhost, { max: 255 })),
    dbport: c.port('dbport', f.dbport),
    dbsocket: c.nullableText('dbsocket', f.dbsocket, 255),
    dbname: c.text('dbname', f.dbname, { max: 64 }),
    dbuser: c.text('dbuser', f.dbuser, { max: 80 }),
    dbpass: c.text('dbpass', f.dbpass, { max: 255, empty: true, anyChar: true }),
    prefix: intern(prefix),
    dataroot,
    config: config.config,
  };
}

/** Validates one active registry row. Throws InvalidTenantError. */
export function tenantFromRegistryRow(row: RegistryTenantRow): TenantRecord {
  // The row itself is passed (no copy without `host`): a reload validates up to 100,000 of them.
  return build(row, row.host);
}

/** Validates one record read back from the state file. Throws InvalidTenantError. */
export function tenantFromStateRecord(rec: unknown): TenantRecord {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
    throw new InvalidTenantError('(unknown)', 'record', 'must be an object');
  }
  const r = rec as Record<string, unknown>;
  const out = build({
    id: r.id, enabled: r.enabled, name: r.name, shortname: r.shortname, wwwroot: r.wwwroot,
    server: r.server, dbtype: r.dbtype, dbhost: r.dbhost, dbport: r.dbport, dbsocket: r.dbsocket,
    dbname: r.dbname, dbuser: r.dbuser, dbpass: r.dbpass, prefix: r.prefix, dataroot: r.dataroot, config: r.config,
  }, r.key);
  // host/subpath are derived from key; a record that disagrees was not written by us.
  if (r.host !== out.host || (r.subpath ?? null) !== out.subpath) {
    throw new InvalidTenantError(out.id, 'host', 'does not match key');
  }
  return out;
}
