// What a direct database writer must do so running Moodle sites notice its change
// (research: moodle-facts.md A2/A3): invalidate the MUC `core/config` entries, bump the revision
// settings Moodle compares against, and empty the cache folders of the tenant's dataroot.
import { rm, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TenantDb } from '../fleet/tenant-db';

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
  await emptyFolder(cacheDir(t));
  await emptyFolder(localCacheDir(t));
  await mkdir(cacheDir(t), { recursive: true });
  return { revisions, coursesBumped: (res as { affectedRows?: number }).affectedRows ?? 0 };
}
