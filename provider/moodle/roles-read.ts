// Reading a tenant's role definitions: the role row, its permissions at the system context (the
// role *definition*; rows in other contexts are overrides and not ours), its allow-tables and
// context levels. Every function takes the queryable explicitly so writers can read inside their
// transaction.
import type { RowDataPacket } from 'mysql2/promise';
import { queryRows } from '../mysql/admin';
import type { Queryable } from '../mysql/pools';
import type { TenantDb } from '../fleet/tenant-db';
import { ALLOW_KINDS, ALLOW_TABLES, contextLevelName, permissionName, type AllowKind } from './roles-model';

export class NotAMoodleSiteError extends Error {
  override name = 'NotAMoodleSiteError';
}

export interface SystemContext {
  id: number;
  /** `/1` on every real site; used for the accesslib dirty flag. */
  path: string;
}

export interface RoleRow {
  id: number;
  shortname: string;
  name: string;
  description: string;
  archetype: string;
  sortorder: number;
}

export interface RoleObservation extends RoleRow {
  /** capability → permission word, rows at the system context only. */
  capabilities: Record<string, string>;
  /** Shortnames in each allow-table, sorted. */
  allows: Record<AllowKind, string[]>;
  /** Context level names where the role may be assigned, sorted. */
  contextLevels: string[];
}

/** `?, ?, ?` for an IN list (callers never pass an empty list). */
function marks(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

export async function systemContext(q: Queryable, t: TenantDb): Promise<SystemContext> {
  const rows = await queryRows(q, 'find the system context', `SELECT id, path FROM ${t.table('context')} WHERE contextlevel = 10 AND instanceid = 0`);
  const row = rows[0];
  if (!row) throw new NotAMoodleSiteError(`database ${t.row.dbname} has no system context in ${t.row.prefix}context; is it a Moodle site?`);
  return { id: Number(row.id), path: row.path === null ? `/${Number(row.id)}` : String(row.path) };
}

function toRole(r: RowDataPacket): RoleRow {
  return {
    id: Number(r.id),
    shortname: String(r.shortname),
    name: String(r.name ?? ''),
    description: String(r.description ?? ''),
    archetype: String(r.archetype ?? ''),
    sortorder: Number(r.sortorder),
  };
}

/** The role row, or null. `forUpdate` locks it inside a writer's transaction. */
export async function findRole(q: Queryable, t: TenantDb, shortname: string, forUpdate = false): Promise<RoleRow | null> {
  const rows = await queryRows(
    q,
    `read role ${shortname}`,
    `SELECT id, shortname, name, description, archetype, sortorder FROM ${t.table('role')} WHERE shortname = ?${forUpdate ? ' FOR UPDATE' : ''}`,
    [shortname],
  );
  return rows[0] ? toRole(rows[0]) : null;
}

/** shortname → id for the given shortnames that exist. */
export async function roleIdsByShortname(q: Queryable, t: TenantDb, shortnames: readonly string[]): Promise<Map<string, number>> {
  if (shortnames.length === 0) return new Map();
  const rows = await queryRows(q, 'read role ids', `SELECT id, shortname FROM ${t.table('role')} WHERE shortname IN (${marks(shortnames)})`, [...shortnames]);
  return new Map(rows.map((r) => [String(r.shortname), Number(r.id)]));
}

/** The subset of `names` that are installed capabilities (rows of `capabilities`). */
export async function existingCapabilities(q: Queryable, t: TenantDb, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await queryRows(q, 'read capabilities', `SELECT name FROM ${t.table('capabilities')} WHERE name IN (${marks(names)})`, [...names]);
  return new Set(rows.map((r) => String(r.name)));
}

export async function rolePermissions(q: Queryable, t: TenantDb, roleId: number, contextId: number): Promise<Record<string, string>> {
  const rows = await queryRows(
    q,
    'read role capabilities',
    `SELECT capability, permission FROM ${t.table('role_capabilities')} WHERE roleid = ? AND contextid = ? ORDER BY capability`,
    [roleId, contextId],
  );
  const out: Record<string, string> = {};
  for (const r of rows) out[String(r.capability)] = permissionName(Number(r.permission));
  return out;
}

export async function roleAllows(q: Queryable, t: TenantDb, roleId: number, kind: AllowKind): Promise<string[]> {
  const { table, column } = ALLOW_TABLES[kind];
  const rows = await queryRows(
    q,
    `read ${table}`,
    `SELECT r.shortname FROM ${t.table(table)} a JOIN ${t.table('role')} r ON r.id = a.${column} WHERE a.roleid = ? ORDER BY r.shortname`,
    [roleId],
  );
  return rows.map((r) => String(r.shortname));
}

export async function roleContextLevels(q: Queryable, t: TenantDb, roleId: number): Promise<string[]> {
  const rows = await queryRows(q, 'read role context levels', `SELECT contextlevel FROM ${t.table('role_context_levels')} WHERE roleid = ?`, [roleId]);
  return rows.map((r) => contextLevelName(Number(r.contextlevel))).sort();
}

/** Everything the vmoodle_role resource manages about one role on one tenant; null when the role is missing. */
export async function observeRole(t: TenantDb, shortname: string): Promise<RoleObservation | null> {
  const role = await findRole(t.pool, t, shortname);
  if (!role) return null;
  const ctx = await systemContext(t.pool, t);
  const allows = {} as Record<AllowKind, string[]>;
  for (const kind of ALLOW_KINDS) allows[kind] = await roleAllows(t.pool, t, role.id, kind);
  return {
    ...role,
    capabilities: await rolePermissions(t.pool, t, role.id, ctx.id),
    allows,
    contextLevels: await roleContextLevels(t.pool, t, role.id),
  };
}

/** role shortname → permission word of one capability at the system context (roles with a row only). */
export async function capabilityPermissions(q: Queryable, t: TenantDb, capability: string): Promise<Record<string, string>> {
  const ctx = await systemContext(q, t);
  const rows = await queryRows(
    q,
    `read permissions of ${capability}`,
    `SELECT r.shortname, rc.permission FROM ${t.table('role_capabilities')} rc JOIN ${t.table('role')} r ON r.id = rc.roleid
      WHERE rc.capability = ? AND rc.contextid = ? ORDER BY r.shortname`,
    [capability, ctx.id],
  );
  const out: Record<string, string> = {};
  for (const r of rows) out[String(r.shortname)] = permissionName(Number(r.permission));
  return out;
}
