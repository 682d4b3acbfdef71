// Reading and writing Moodle settings (`config` and `config_plugins`, moodle-facts.md A1) on one
// tenant, inside a transaction that retries on deadlock. Callers invalidate the `core/config`
// cache after commit (provider/moodle/caches.ts): a cache folder must never be dropped before the
// rows it caches are committed, or a request in between would cache the old values again.
import type { Connection, ResultSetHeader } from 'mysql2/promise';
import { withConnection } from '../mysql/pools';
import type { TenantDb } from '../fleet/tenant-db';

export type SqlParam = string | number | null;

/** One setting: plugin `core` is table `config`, anything else `config_plugins`. */
export interface SettingKey {
  readonly plugin: string;
  readonly name: string;
}

/**
 * Settings as one flat map key: core names stay bare (`theme`), plugin settings become
 * `plugin/name` (`auth_cas/host`). Unambiguous because neither part may contain a slash.
 */
export function flatKey(k: SettingKey): string {
  return k.plugin === 'core' ? k.name : `${k.plugin}/${k.name}`;
}

export function parseFlatKey(key: string): SettingKey {
  const i = key.indexOf('/');
  return i < 0 ? { plugin: 'core', name: key } : { plugin: key.slice(0, i), name: key.slice(i + 1) };
}

/** A database error on one tenant, without the SQL text (mysql2 inlines values into it). */
export class TenantSqlError extends Error {
  override name = 'TenantSqlError';
  constructor(
    readonly operation: string,
    message: string,
    readonly code: string | undefined,
    readonly errno: number | undefined,
  ) {
    super(`${operation}: ${message}`);
  }
}

interface MysqlErrorLike {
  code?: unknown;
  errno?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
}

function toSqlError(err: unknown, operation: string): TenantSqlError {
  if (err instanceof TenantSqlError) return err;
  const e: MysqlErrorLike = typeof err === 'object' && err !== null ? (err as MysqlErrorLike) : {};
  const message = typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : String(err);
  return new TenantSqlError(operation, message, typeof e.code === 'string' ? e.code : undefined, typeof e.errno === 'number' ? e.errno : undefined);
}

/** Work on one tenant's tables through a single connection (so locks and the transaction hold). */
export interface Tx {
  readonly t: TenantDb;
  rows<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Returns the number of affected rows. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
  table(name: string): string;
  /** Whether the tenant has this Moodle table (optional tables differ between versions and fixtures). */
  hasTable(name: string): Promise<boolean>;
}

function makeTx(t: TenantDb, conn: Connection): Tx {
  const known = new Map<string, boolean>();
  const tx: Tx = {
    t,
    table: (name) => t.table(name),
    async rows<T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
      try {
        const [rows] = await conn.query(sql, [...params]);
        return rows as T[];
      } catch (err) {
        throw toSqlError(err, firstWords(sql));
      }
    },
    async run(sql, params = []) {
      try {
        const [res] = await conn.query(sql, [...params]);
        return (res as ResultSetHeader).affectedRows ?? 0;
      } catch (err) {
        throw toSqlError(err, firstWords(sql));
      }
    },
    async hasTable(name) {
      const cached = known.get(name);
      if (cached !== undefined) return cached;
      const rows = await tx.rows<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [t.row.dbname, t.row.prefix + name]);
      const found = Number(rows[0]?.n ?? 0) > 0;
      known.set(name, found);
      return found;
    },
  };
  return tx;
}

/** Enough of a statement to say what failed (`UPDATE db.mdl_config`), never its values. */
function firstWords(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().split(' ').slice(0, 3).join(' ').slice(0, 120);
}

const DEADLOCK = 1213;
const LOCK_WAIT_TIMEOUT = 1205;

/**
 * Runs fn in one transaction on the tenant's server. Several resources may edit the same list
 * setting of one tenant at once (two vmoodle_plugin_state of type auth); rows are read FOR UPDATE,
 * and a deadlock between such writers is retried rather than reported.
 */
export async function inTransaction<T>(t: TenantDb, fn: (tx: Tx) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withConnection(t.pool, async (conn) => {
        await conn.beginTransaction();
        try {
          const out = await fn(makeTx(t, conn));
          await conn.commit();
          return out;
        } catch (err) {
          await conn.rollback().catch(() => undefined);
          throw err;
        }
      });
    } catch (err) {
      const errno = err instanceof TenantSqlError ? err.errno : typeof (err as MysqlErrorLike)?.errno === 'number' ? ((err as MysqlErrorLike).errno as number) : undefined;
      if ((errno === DEADLOCK || errno === LOCK_WAIT_TIMEOUT) && attempt < attempts) {
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.floor(Math.random() * 30)));
        continue;
      }
      throw err instanceof TenantSqlError || err instanceof Error ? err : toSqlError(err, 'transaction');
    }
  }
}

/** Reads one setting (null when the row is absent); `lock` takes a row lock for a read-modify-write. */
export async function getSetting(tx: Tx, k: SettingKey, lock = false): Promise<string | null> {
  const suffix = lock ? ' FOR UPDATE' : '';
  const rows =
    k.plugin === 'core'
      ? await tx.rows<{ value: string }>(`SELECT value FROM ${tx.table('config')} WHERE name = ?${suffix}`, [k.name])
      : await tx.rows<{ value: string }>(`SELECT value FROM ${tx.table('config_plugins')} WHERE plugin = ? AND name = ?${suffix}`, [k.plugin, k.name]);
  const v = rows[0]?.value;
  return v === undefined || v === null ? null : String(v);
}

/** set_config(): null deletes the row (as Moodle's set_config($name, null) does). Returns whether anything changed. */
export async function setSetting(tx: Tx, k: SettingKey, value: string | null): Promise<boolean> {
  if (k.plugin === 'core') {
    if (value === null) return (await tx.run(`DELETE FROM ${tx.table('config')} WHERE name = ?`, [k.name])) > 0;
    // affectedRows: 1 insert, 2 update, 0 unchanged (MariaDB/MySQL ON DUPLICATE KEY semantics).
    return (await tx.run(`INSERT INTO ${tx.table('config')} (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)`, [k.name, value])) > 0;
  }
  if (value === null) return (await tx.run(`DELETE FROM ${tx.table('config_plugins')} WHERE plugin = ? AND name = ?`, [k.plugin, k.name])) > 0;
  return (await tx.run(`INSERT INTO ${tx.table('config_plugins')} (plugin, name, value) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)`, [k.plugin, k.name, value])) > 0;
}

/** Current values of many settings in two queries, keyed by flatKey; absent rows are absent keys. */
export async function readSettings(tx: Tx, keys: readonly SettingKey[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const core = keys.filter((k) => k.plugin === 'core').map((k) => k.name);
  const plugin = keys.filter((k) => k.plugin !== 'core');
  if (core.length > 0) {
    const rows = await tx.rows<{ name: string; value: string }>(`SELECT name, value FROM ${tx.table('config')} WHERE name IN (${core.map(() => '?').join(', ')})`, core);
    for (const r of rows) out.set(r.name, String(r.value));
  }
  if (plugin.length > 0) {
    const rows = await tx.rows<{ plugin: string; name: string; value: string }>(
      `SELECT plugin, name, value FROM ${tx.table('config_plugins')} WHERE (plugin, name) IN (${plugin.map(() => '(?, ?)').join(', ')})`,
      plugin.flatMap((k) => [k.plugin, k.name]),
    );
    for (const r of rows) out.set(flatKey({ plugin: r.plugin, name: r.name }), String(r.value));
  }
  return out;
}

/** Every config_plugins row of one plugin (its settings), without the `version` install marker. */
export async function pluginSettings(tx: Tx, plugin: string): Promise<Record<string, string>> {
  const rows = await tx.rows<{ name: string; value: string }>(`SELECT name, value FROM ${tx.table('config_plugins')} WHERE plugin = ? AND name <> 'version' ORDER BY name`, [plugin]);
  const out: Record<string, string> = {};
  for (const r of rows) out[r.name] = String(r.value);
  return out;
}

/** Moodle's test for a boolean-ish setting: PHP empty() — absent, '' and '0' are false. */
export function truthy(value: string | null | undefined): boolean {
  return value !== null && value !== undefined && value !== '' && value !== '0';
}

// ---------------------------------------------------------------------------------------------
// "Put it back the way it was": what a fleet resource records before it first changes a setting.

/**
 * The writes that bring `current` (what the resource manages now, flat key -> value) to `desired`,
 * given `originals` (flat key -> value before the resource managed it; null = the row did not
 * exist). Keys that leave the resource get their original back; keys that join it are captured.
 */
export interface SettingsPlan {
  writes: Array<{ key: SettingKey; value: string | null }>;
  /** Keys whose original must be read (before writing) and recorded. */
  capture: string[];
  /** Keys to forget from the originals after their restore was written. */
  release: string[];
}

export function planSettings(desired: Readonly<Record<string, string>>, originals: Readonly<Record<string, string | null>>): SettingsPlan {
  const writes: SettingsPlan['writes'] = [];
  const capture: string[] = [];
  const release: string[] = [];
  for (const [key, original] of Object.entries(originals)) {
    if (!(key in desired)) {
      writes.push({ key: parseFlatKey(key), value: original });
      release.push(key);
    }
  }
  for (const [key, value] of Object.entries(desired)) {
    if (!(key in originals)) capture.push(key);
    writes.push({ key: parseFlatKey(key), value });
  }
  return { writes, capture, release };
}

/**
 * Applies a SettingsPlan: records originals of newly managed keys (read under lock, before any
 * write), writes, and returns the new originals. Whether anything changed decides cache work.
 */
export async function applySettings(tx: Tx, desired: Readonly<Record<string, string>>, originals: Readonly<Record<string, string | null>>): Promise<{ originals: Record<string, string | null>; changed: boolean }> {
  const plan = planSettings(desired, originals);
  const next: Record<string, string | null> = { ...originals };
  // One read serves both purposes: the originals to capture and skipping writes that change nothing
  // (mysql2 reports found rows, so an unchanged upsert would still look like a change).
  const current = plan.writes.length > 0 ? await readSettings(tx, plan.writes.map((w) => w.key)) : new Map<string, string>();
  for (const key of plan.capture) next[key] = current.get(key) ?? null;
  let changed = false;
  for (const w of plan.writes) {
    if ((current.get(flatKey(w.key)) ?? null) === w.value) continue;
    await setSetting(tx, w.key, w.value);
    changed = true;
  }
  for (const key of plan.release) delete next[key];
  return { originals: next, changed };
}
