// What a direct database writer must do so running Moodle sites notice its change
// (research: moodle-facts.md A2/A3): invalidate the MUC `core/config` entries, bump the revision
// settings Moodle compares against, and empty the cache folders of the tenant's dataroot.
import { rm, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TenantDb } from '../fleet/tenant-db';
import type { Tx, SqlParam } from './config';

/** Moodle's "next revision" rule: now, or old+1 when old is already at or up to an hour ahead of now. */
export function nextRevision(old: number, nowSeconds = Math.floor(Date.now() / 1000)): number {
  if (old >= nowSeconds && old < nowSeconds + 3600) return old + 1;
  return nowSeconds;
}

function cacheDir(t: TenantDb): string {
  return t.row.config.cachedir || join(t.row.dataroot, 'cache');
}

function localCacheDir(t: TenantDb): string {
  return t.row.config.localcachedir || join(t.row.dataroot, 'localcache');
}

async function emptyFolder(path: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(path);
  } catch {
    return;
  }
  await Promise.all(names.map((n) => rm(join(path, n), { recursive: true, force: true })));
}

/**
 * After writing `config` / `config_plugins`: the file store keeps each plugin's settings under the
 * `core/config` definition; dropping that folder is the robust invalidation (Moodle recreates it).
 */
export async function invalidateConfigCache(t: TenantDb): Promise<void> {
  await rm(join(cacheDir(t), 'cachestore_file', 'default_application', 'core_config'), { recursive: true, force: true });
}

/** Drops the file-store folders of the given MUC definitions, e.g. `core_roledefs`, `core_plugin_manager`. */
export async function invalidateDefinitions(t: TenantDb, definitions: readonly string[]): Promise<void> {
  const base = join(cacheDir(t), 'cachestore_file', 'default_application');
  await Promise.all(definitions.map((d) => rm(join(base, d), { recursive: true, force: true })));
}

/** MUC definition holding the installed/enabled plugin lists (moodle-facts.md C1). */
export const PLUGIN_MANAGER_DEFINITION = 'core_plugin_manager';

/** Removes folders directly under the tenant's {cachedir}, e.g. `htmlpurifier` (reset_text_filters_cache()). */
export async function removeCacheDirs(t: TenantDb, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((n) => rm(join(cacheDir(t), n), { recursive: true, force: true })));
}

/** The statements the helpers below need: a transaction (config.ts Tx) or the pool adapter. */
export type CacheSql = Pick<Tx, 'rows' | 'run' | 'table'>;

/** Adapts a tenant's pool to CacheSql, for work done outside any transaction. */
export function poolSql(t: TenantDb): CacheSql {
  return {
    table: (name) => t.table(name),
    async rows<T>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
      const [rows] = await t.pool.query(sql, [...params]);
      return rows as T[];
    },
    async run(sql, params = []) {
      const [res] = await t.pool.query(sql, [...params]);
      return (res as { affectedRows?: number }).affectedRows ?? 0;
    },
  };
}

/**
 * `increment_revision_number('course', 'cacherev', ...)` (lib/datalib.php) for the courses matched by
 * `where`: now, or old+1 while old is at most an hour ahead. Course caches rebuild on the next request.
 */
export async function bumpCourseCacheRev(q: CacheSql, where: string, params: readonly SqlParam[], nowSeconds = Math.floor(Date.now() / 1000)): Promise<number> {
  return q.run(
    `UPDATE ${q.table('course')} SET cacherev = CASE WHEN cacherev IS NULL OR cacherev < ? OR cacherev > ? THEN ? ELSE cacherev + 1 END WHERE ${where}`,
    [nowSeconds, nowSeconds + 3600, nowSeconds, ...params],
  );
}

/**
 * `context::mark_dirty()` via set_cache_flag(): sessions reload their access data when a
 * `accesslib/dirtycontexts` flag for a context on their path is newer than their load time (D4).
 */
export async function markContextDirty(q: CacheSql, path: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<void> {
  const timeout = await q.rows<{ value: string }>(`SELECT value FROM ${q.table('config')} WHERE name = 'sessiontimeout'`);
  const expiry = nowSeconds + (Number(timeout[0]?.value) || 28800);
  const updated = await q.run(`UPDATE ${q.table('cache_flags')} SET value = '1', timemodified = ?, expiry = ? WHERE flagtype = 'accesslib/dirtycontexts' AND name = ?`, [nowSeconds, expiry, path]);
  if (updated === 0) {
    await q.run(`INSERT INTO ${q.table('cache_flags')} (flagtype, name, value, timemodified, expiry) VALUES ('accesslib/dirtycontexts', ?, '1', ?, ?)`, [path, nowSeconds, expiry]);
  }
}

/**
 * reset_text_filters_cache() (lib/weblib.php): `filterall` is 1 when any name in `stringfilters`
 * is an installed filter. Moodle writes it unconditionally; we only write when it differs.
 * Returns whether config changed.
 */
export async function recomputeFilterAll(q: CacheSql): Promise<boolean> {
  const rows = await q.rows<{ name: string; value: string }>(`SELECT name, value FROM ${q.table('config')} WHERE name IN ('stringfilters', 'filterall')`);
  const stringFilters = (rows.find((r) => r.name === 'stringfilters')?.value ?? '').split(',').filter(Boolean);
  let value = '0';
  if (stringFilters.length > 0) {
    const installed = await q.rows<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ${q.table('config_plugins')} WHERE name = 'version' AND plugin IN (${stringFilters.map(() => '?').join(', ')})`,
      stringFilters.map((f) => `filter_${f}`),
    );
    if (Number(installed[0]?.n ?? 0) > 0) value = '1';
  }
  if (rows.find((r) => r.name === 'filterall')?.value === value) return false;
  await q.run(`INSERT INTO ${q.table('config')} (name, value) VALUES ('filterall', ?) ON DUPLICATE KEY UPDATE value = VALUES(value)`, [value]);
  return true;
}

/** Sets each named config value to its next revision; returns the new values. */
export async function bumpRevisions(t: TenantDb, names: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) {
    const [rows] = await t.pool.query(`SELECT value FROM ${t.table('config')} WHERE name = ?`, [name]);
    const old = Number((rows as Array<{ value: string }>)[0]?.value ?? 0) || 0;
    const value = nextRevision(old);
    await t.pool.query(`INSERT INTO ${t.table('config')} (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)`, [name, String(value)]);
    out[name] = value;
  }
  return out;
}

export interface PurgeResult {
  revisions: Record<string, number>;
  coursesBumped: number;
}

/** The direct-database equivalent of Moodle's purge_all_caches(). */
export async function purgeAllCaches(t: TenantDb): Promise<PurgeResult> {
  const revisions = await bumpRevisions(t, ['themerev', 'jsrev', 'templaterev', 'langrev']);
  const now = Math.floor(Date.now() / 1000);
  await t.pool.query(`INSERT INTO ${t.table('config')} (name, value) VALUES ('localcachedirpurged', ?) ON DUPLICATE KEY UPDATE value = VALUES(value)`, [String(now)]);
  revisions.localcachedirpurged = now;
  const [res] = await t.pool.query(`UPDATE ${t.table('course')} SET cacherev = GREATEST(cacherev + 1, ?)`, [now]);
  // Step 6 of purge_caches(): the filter flag derived from stringfilters.
  await recomputeFilterAll(poolSql(t));
  await emptyFolder(cacheDir(t));
  await emptyFolder(localCacheDir(t));
  await mkdir(cacheDir(t), { recursive: true });
  return { revisions, coursesBumped: (res as { affectedRows?: number }).affectedRows ?? 0 };
}
