// Writing role definitions into one tenant, the way lib/accesslib.php would (create_role,
// assign_capability / unassign_capability, core_role_set_*_allowed, set_role_contextlevels), in one
// transaction per tenant: a tenant ends with all of the change or none of it. Caches are dealt with
// as moodle-facts.md D4 says (dirty flag inside the transaction, MUC folder after commit).
import type { Connection } from 'mysql2/promise';
import { execute, queryRows } from '../mysql/admin';
import { withConnection, type Queryable } from '../mysql/pools';
import type { TenantDb } from '../fleet/tenant-db';
import { ALLOW_TABLES, CONTEXT_LEVELS, defaultContextLevels, storedPermission, type AllowKind, type Permission } from './roles-model';
import { existingCapabilities, findRole, roleIdsByShortname, rolePermissions, systemContext, type RoleRow } from './roles-read';
import { dropRoleDefinitionCache, markSystemContextDirty } from './roles-cache';

export class UnknownCapabilityError extends Error {
  override name = 'UnknownCapabilityError';
  constructor(readonly capabilities: readonly string[]) {
    super(`unknown capabilit${capabilities.length === 1 ? 'y' : 'ies'} ${capabilities.join(', ')} (not in the site's capabilities table: misspelt, or its plugin is not installed there)`);
  }
}

export class UnknownRoleError extends Error {
  override name = 'UnknownRoleError';
  constructor(readonly roles: readonly string[]) {
    super(`unknown role${roles.length === 1 ? '' : 's'} ${roles.join(', ')} (no role with that shortname on this site)`);
  }
}

export interface RoleSpec {
  shortname: string;
  /** null: not managed (a new role gets ''). */
  name: string | null;
  description: string | null;
  archetype: string | null;
  /** exact: permissions not listed are removed; merge: only the listed ones are touched. */
  exact: boolean;
  capabilities: Readonly<Record<string, Permission>>;
  /** Context level names; null: not managed (a new role gets its archetype's defaults). */
  contextLevels: readonly string[] | null;
  /** Only the managed allow-tables are present. */
  allows: Partial<Record<AllowKind, readonly string[]>>;
}

export interface RoleApplyResult {
  roleId: number;
  created: boolean;
}

const ER_LOCK_DEADLOCK = 1213;
const MAX_ATTEMPTS = 3;

/**
 * Role writes to one tenant from this provider process, one after the other. Terraform applies
 * independent resources in parallel, and two role transactions on one site take overlapping locks
 * (the role table for a new sortorder, the cache_flags row of the system context): serialising them
 * here avoids the deadlocks; the retry below covers writers elsewhere (Moodle, another apply).
 */
const tenantQueues = new Map<string, Promise<unknown>>();

async function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (tenantQueues.get(key) ?? Promise.resolve()).catch(() => undefined).then(fn);
  const tail = run.catch(() => undefined);
  tenantQueues.set(key, tail);
  try {
    return await run;
  } finally {
    if (tenantQueues.get(key) === tail) tenantQueues.delete(key);
  }
}

async function inTransaction<T>(t: TenantDb, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const result = await oneAtATime(t.row.id, () =>
    withConnection(t.pool, async (conn) => {
      for (let attempt = 1; ; attempt++) {
        await conn.beginTransaction();
        try {
          const value = await fn(conn);
          await conn.commit();
          return value;
        } catch (err) {
          await conn.rollback().catch(() => undefined);
          // A deadlock victim's transaction was rolled back whole: running it again is safe.
          if ((err as { errno?: unknown } | null)?.errno === ER_LOCK_DEADLOCK && attempt < MAX_ATTEMPTS) continue;
          throw err;
        }
      }
    }),
  );
  await dropRoleDefinitionCache(t);
  return result;
}

async function requireCapabilities(q: Queryable, t: TenantDb, names: readonly string[]): Promise<void> {
  const known = await existingCapabilities(q, t, names);
  const unknown = names.filter((n) => !known.has(n)).sort();
  if (unknown.length > 0) throw new UnknownCapabilityError(unknown);
}

async function requireRoles(q: Queryable, t: TenantDb, shortnames: readonly string[]): Promise<Map<string, number>> {
  const ids = await roleIdsByShortname(q, t, shortnames);
  const unknown = [...new Set(shortnames)].filter((s) => !ids.has(s)).sort();
  if (unknown.length > 0) throw new UnknownRoleError(unknown);
  return ids;
}

/** assign_capability() / unassign_capability() at one context; `current` avoids a write when equal. */
async function setPermission(q: Queryable, t: TenantDb, roleId: number, contextId: number, capability: string, p: Permission, current: string | undefined): Promise<void> {
  const stored = storedPermission(p);
  if (stored === null) {
    if (current !== undefined) {
      await execute(q, `unassign ${capability}`, `DELETE FROM ${t.table('role_capabilities')} WHERE roleid = ? AND contextid = ? AND capability = ?`, [roleId, contextId, capability]);
    }
    return;
  }
  if (current === p) return;
  // modifierid 0: changed by the system, as install.php does (there is no Moodle user behind Terraform).
  await execute(
    q,
    `assign ${capability}`,
    `INSERT INTO ${t.table('role_capabilities')} (contextid, roleid, capability, permission, timemodified, modifierid) VALUES (?, ?, ?, ?, ?, 0)
     ON DUPLICATE KEY UPDATE permission = VALUES(permission), timemodified = VALUES(timemodified), modifierid = 0`,
    [contextId, roleId, capability, stored, Math.floor(Date.now() / 1000)],
  );
}

async function createRole(q: Queryable, t: TenantDb, spec: RoleSpec): Promise<RoleRow> {
  // create_role(): sortorder = MAX + 1. The lock on the max row keeps two writers from taking the same one.
  const rows = await queryRows(q, 'next role sortorder', `SELECT COALESCE(MAX(sortorder), 0) + 1 AS next FROM ${t.table('role')} FOR UPDATE`);
  const sortorder = Number(rows[0]?.next ?? 1);
  const archetype = spec.archetype ?? '';
  const res = await execute(
    q,
    `create role ${spec.shortname}`,
    `INSERT INTO ${t.table('role')} (name, shortname, description, sortorder, archetype) VALUES (?, ?, ?, ?, ?)`,
    [spec.name ?? '', spec.shortname, spec.description ?? '', sortorder, archetype],
  );
  return { id: Number(res.insertId), shortname: spec.shortname, name: spec.name ?? '', description: spec.description ?? '', archetype, sortorder };
}

async function updateRoleRow(q: Queryable, t: TenantDb, role: RoleRow, spec: RoleSpec): Promise<void> {
  const sets: string[] = [];
  const values: string[] = [];
  if (spec.name !== null && spec.name !== role.name) (sets.push('name = ?'), values.push(spec.name));
  if (spec.description !== null && spec.description !== role.description) (sets.push('description = ?'), values.push(spec.description));
  if (spec.archetype !== null && spec.archetype !== role.archetype) (sets.push('archetype = ?'), values.push(spec.archetype));
  if (sets.length === 0) return;
  await execute(q, `update role ${role.shortname}`, `UPDATE ${t.table('role')} SET ${sets.join(', ')} WHERE id = ?`, [...values, role.id]);
}

/** Makes a set of (roleid, value) rows exactly `wanted`. */
async function setRows(q: Queryable, t: TenantDb, table: string, column: string, roleId: number, wanted: readonly number[]): Promise<void> {
  const rows = await queryRows(q, `read ${table}`, `SELECT id, ${column} AS v FROM ${t.table(table)} WHERE roleid = ?`, [roleId]);
  const want = new Set(wanted);
  const have = new Set(rows.map((r) => Number(r.v)));
  for (const r of rows) {
    if (!want.has(Number(r.v))) await execute(q, `update ${table}`, `DELETE FROM ${t.table(table)} WHERE id = ?`, [Number(r.id)]);
  }
  for (const v of want) {
    if (!have.has(v)) await execute(q, `update ${table}`, `INSERT INTO ${t.table(table)} (roleid, ${column}) VALUES (?, ?)`, [roleId, v]);
  }
}

/** Creates the role where missing and makes its definition match `spec`. */
export async function applyRole(t: TenantDb, spec: RoleSpec): Promise<RoleApplyResult> {
  return inTransaction(t, async (conn) => {
    const ctx = await systemContext(conn, t);
    await requireCapabilities(conn, t, Object.keys(spec.capabilities));
    let role = await findRole(conn, t, spec.shortname, true);
    const created = role === null;
    if (role === null) role = await createRole(conn, t, spec);
    else await updateRoleRow(conn, t, role, spec);

    const allowNames = Object.values(spec.allows).flatMap((names) => [...(names ?? [])]);
    const ids = await requireRoles(conn, t, allowNames);
    for (const [kind, names] of Object.entries(spec.allows) as Array<[AllowKind, readonly string[]]>) {
      const { table, column } = ALLOW_TABLES[kind];
      await setRows(conn, t, table, column, role.id, names.map((n) => ids.get(n)!));
    }

    const levels = spec.contextLevels ?? (created ? defaultContextLevels(spec.archetype ?? '').map(String) : null);
    if (levels !== null) {
      const numbers = levels.map((l) => CONTEXT_LEVELS[l] ?? Number(l));
      await setRows(conn, t, 'role_context_levels', 'contextlevel', role.id, numbers);
    }

    const current = await rolePermissions(conn, t, role.id, ctx.id);
    for (const [capability, p] of Object.entries(spec.capabilities)) await setPermission(conn, t, role.id, ctx.id, capability, p, current[capability]);
    if (spec.exact) {
      for (const capability of Object.keys(current)) {
        if (!(capability in spec.capabilities)) await setPermission(conn, t, role.id, ctx.id, capability, 'inherit', current[capability]);
      }
    }
    await markSystemContextDirty(conn, t, ctx.path);
    return { roleId: role.id, created };
  });
}

/** What a role holds for one capability at the system context: the stored integer, or undefined (no row). */
export type StoredPermissions = ReadonlyMap<string, number | undefined>;

export interface CapabilityRevision {
  capability: string;
  /** Roles that must exist: an unknown one fails the whole revision with UnknownRoleError. */
  roles: readonly string[];
  /** Roles that may have been deleted since (a deleted role has no rows left): skipped when missing. */
  optionalRoles?: readonly string[];
  /**
   * Called inside the transaction with what every existing role holds now; returns the permission
   * each role ends with. Roles it leaves out are not touched; throwing rolls everything back.
   */
  decide: (current: StoredPermissions) => Readonly<Record<string, Permission>>;
}

/**
 * One capability at the system context for several roles, decided from the rows as they are inside
 * the writer's transaction (assign_capability / unassign_capability), with the role caches dealt
 * with as every role write here. Returns what the roles held before.
 */
export async function reviseCapability(t: TenantDb, revision: CapabilityRevision): Promise<StoredPermissions> {
  const { capability } = revision;
  return inTransaction(t, async (conn) => {
    const ctx = await systemContext(conn, t);
    await requireCapabilities(conn, t, [capability]);
    const ids = await requireRoles(conn, t, revision.roles);
    const optional = (revision.optionalRoles ?? []).filter((r) => !ids.has(r));
    for (const [shortname, id] of await roleIdsByShortname(conn, t, optional)) ids.set(shortname, id);
    const rows = await queryRows(
      conn,
      `read permissions of ${capability}`,
      `SELECT roleid, permission FROM ${t.table('role_capabilities')} WHERE capability = ? AND contextid = ?`,
      [capability, ctx.id],
    );
    const byRole = new Map(rows.map((r) => [Number(r.roleid), Number(r.permission)]));
    const current: StoredPermissions = new Map([...ids].map(([shortname, id]) => [shortname, byRole.get(id)]));
    let changed = false;
    for (const [shortname, p] of Object.entries(revision.decide(current))) {
      const roleId = ids.get(shortname);
      if (roleId === undefined) continue;
      const stored = current.get(shortname);
      if (stored === (storedPermission(p) ?? undefined)) continue;
      await setPermission(conn, t, roleId, ctx.id, capability, p, stored === undefined ? undefined : 'different');
      changed = true;
    }
    if (changed) await markSystemContextDirty(conn, t, ctx.path);
    return current;
  });
}

/** One capability's permission for several roles (by shortname) at the system context. */
export async function applyCapability(t: TenantDb, capability: string, permissions: Readonly<Record<string, Permission>>): Promise<void> {
  await reviseCapability(t, { capability, roles: Object.keys(permissions), decide: () => permissions });
}
