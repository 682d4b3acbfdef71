// The tenant as the provider thinks of it (TenantSpec), and the conversions between it, Terraform
// values and registry rows. Kept apart from the resource file so data sources and import share it.
import { randomBytes } from 'node:crypto';
import type { ObjectValue } from '../framework/plan';
import { str, reqStr, bool, obj, stringMap, num, isKnown } from '../framework/values';
import type { TenantRow } from '../../registry/writer';

export interface DatabaseSpec {
  server: string;
  name: string;
  user: string;
  userHost: string;
  /** Null in state when the password is write-only (password_wo). */
  password: string | null;
  passwordWo: string | null;
  passwordWoVersion: number | null;
  prefix: string;
}

export interface TenantSpec {
  id: string;
  host: string;
  name: string;
  shortname: string;
  description: string;
  https: boolean;
  wwwroot: string;
  database: DatabaseSpec;
  dataroot: string;
  enabled: boolean;
  config: Record<string, string>;
  template: string | null;
  deletionProtection: boolean;
  /** Take over a database that exists without a registry row (creation only). */
  adoptExistingDatabase: boolean;
}

export function tenantId(server: string, dbname: string): string {
  return `${server}/${dbname}`;
}

export function wwwrootFor(host: string, https: boolean): string {
  return `${https ? 'https' : 'http'}://${host}`;
}

/** Passwords we generate avoid characters that need quoting in DSNs, PHP or shells. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(32);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out.slice(0, 28);
}

/** Reads a fully known planned (or state) object. */
export function specFromValue(v: ObjectValue): TenantSpec {
  const db = obj(v, 'database');
  if (!db) throw new Error('database must be set');
  const https = bool(v, 'https') ?? true;
  const host = reqStr(v, 'host');
  return {
    id: reqStr(v, 'id'),
    host,
    name: reqStr(v, 'name'),
    shortname: reqStr(v, 'shortname'),
    description: str(v, 'description') ?? '',
    https,
    wwwroot: str(v, 'wwwroot') ?? wwwrootFor(host, https),
    database: {
      server: reqStr(db, 'server'),
      name: reqStr(db, 'name'),
      user: reqStr(db, 'user'),
      userHost: reqStr(db, 'user_host'),
      // Unknown in a plan means "to be generated": read as null here.
      password: isKnown(db, 'password') ? str(db, 'password') : null,
      passwordWo: str(db, 'password_wo'),
      passwordWoVersion: num(db, 'password_wo_version'),
      prefix: reqStr(db, 'prefix'),
    },
    dataroot: reqStr(v, 'dataroot'),
    enabled: bool(v, 'enabled') ?? true,
    config: stringMap(v, 'config') ?? {},
    template: str(v, 'template'),
    deletionProtection: bool(v, 'deletion_protection') ?? true,
    adoptExistingDatabase: bool(v, 'adopt_existing_database') ?? false,
  };
}

/** The password the database user really has: the write-only one when given, else the stored one. */
export function effectivePassword(spec: TenantSpec): string | null {
  return spec.database.passwordWo ?? spec.database.password;
}

export function specToValue(spec: TenantSpec): ObjectValue {
  return {
    id: spec.id,
    host: spec.host,
    name: spec.name,
    shortname: spec.shortname,
    description: spec.description,
    https: spec.https,
    wwwroot: spec.wwwroot,
    database: {
      server: spec.database.server,
      name: spec.database.name,
      user: spec.database.user,
      user_host: spec.database.userHost,
      password: spec.database.password,
      password_wo: null,
      password_wo_version: spec.database.passwordWoVersion,
      prefix: spec.database.prefix,
    },
    dataroot: spec.dataroot,
    enabled: spec.enabled,
    config: { ...spec.config },
    template: spec.template,
    deletion_protection: spec.deletionProtection,
    adopt_existing_database: spec.adoptExistingDatabase,
  };
}

/**
 * A spec as the registry knows it. Settings the registry does not hold (template, deletion
 * protection, how the password is managed) come from `previous` when there is one (refresh), or
 * take their defaults (import).
 */
export function specFromRow(row: TenantRow, previous: TenantSpec | null): TenantSpec {
  const https = row.wwwroot.startsWith('https://');
  const writeOnly = previous !== null && previous.database.password === null;
  return {
    id: row.id,
    host: row.host,
    name: row.name,
    shortname: row.shortname,
    description: row.description ?? '',
    https,
    wwwroot: row.wwwroot,
    database: {
      server: row.server,
      name: row.dbname,
      user: row.dbuser,
      userHost: row.dbuserHost,
      password: writeOnly ? null : row.dbpass,
      passwordWo: null,
      passwordWoVersion: previous?.database.passwordWoVersion ?? null,
      prefix: row.prefix,
    },
    dataroot: row.dataroot,
    enabled: row.enabled,
    config: { ...row.config },
    template: previous?.template ?? null,
    deletionProtection: previous?.deletionProtection ?? true,
    adoptExistingDatabase: previous?.adoptExistingDatabase ?? false,
  };
}
