// One plugin on one tenant, as vmoodle_plugin_state and vmoodle_plugin_comparison see it: observe,
// apply (remembering what it was before) and restore. Each runs in one transaction; the cache work
// Moodle needs follows the commit.
import type { TenantDb } from '../fleet/tenant-db';
import { inTransaction, applySettings, readSettings, pluginSettings, flatKey, type Tx } from './config';
import { invalidateConfigCache, invalidateDefinitions, removeCacheDirs, PLUGIN_MANAGER_DEFINITION } from './caches';
import { type Component, type PluginTypeInfo, settingsPlugin } from './plugins';
import { installedVersion, readEnabled, writeEnabled, removeSessionFiles, mergeCacheWork, noCacheWork, PluginNotInstalledError, type CacheWork } from './plugins-db';

/** What the tenant had before the resource first changed it: restored on removal or destroy. */
export interface PluginOriginal {
  enabled: boolean;
  /** Place among enabled plugins (ordered types), so a re-enable puts it back where it was. */
  position: number | null;
  /** Setting name -> value before it was managed; null = the row did not exist. */
  settings: Record<string, string | null>;
}

export interface PluginObserved {
  enabled: boolean;
  /** Place among enabled plugins for ordered types; what an import records as the original. */
  position: number | null;
  /** The requested settings that exist, with their values. */
  settings: Record<string, string>;
}

export interface PluginDesired {
  enabled: boolean;
  settings: Record<string, string>;
}

const keyOf = (c: Component, name: string): string => flatKey({ plugin: settingsPlugin(c), name });

function toFlat<V extends string | null>(c: Component, m: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [name, v] of Object.entries(m)) out[keyOf(c, name)] = v;
  return out;
}

function fromFlat<V>(c: Component, m: Readonly<Record<string, V>>): Record<string, V> {
  const prefix = keyOf(c, '');
  const out: Record<string, V> = {};
  for (const [k, v] of Object.entries(m)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

async function observeIn(tx: Tx, c: Component, info: PluginTypeInfo, names: readonly string[]): Promise<PluginObserved> {
  const state = await readEnabled(tx, c, info);
  const values = names.length > 0 ? await readSettings(tx, names.map((name) => ({ plugin: settingsPlugin(c), name }))) : new Map<string, string>();
  const settings: Record<string, string> = {};
  for (const name of names) {
    const v = values.get(keyOf(c, name));
    if (v !== undefined) settings[name] = v;
  }
  return { enabled: state.enabled, position: state.position, settings };
}

/** Runs the cache work after commit: config cache, plugin manager, type-specific caches, session files. */
export async function afterCommit(t: TenantDb, work: CacheWork): Promise<void> {
  if (work.config) await invalidateConfigCache(t);
  const definitions = [...work.definitions, ...(work.pluginState ? [PLUGIN_MANAGER_DEFINITION] : [])];
  if (definitions.length > 0) await invalidateDefinitions(t, definitions);
  if (work.cacheDirs.length > 0) await removeCacheDirs(t, work.cacheDirs);
  if (work.sessionFiles.length > 0) await removeSessionFiles(t.row.dataroot, work.sessionFiles);
}

/** The plugin as it is now on the tenant; null when it is not installed there. */
export async function observePlugin(t: TenantDb, c: Component, info: PluginTypeInfo, settingNames: readonly string[]): Promise<PluginObserved | null> {
  return inTransaction(t, async (tx) => {
    if ((await installedVersion(tx, c.component)) === null) return null;
    return observeIn(tx, c, info, settingNames);
  });
}

/**
 * Brings the plugin to `desired`. The first time a tenant is touched its current state is
 * recorded as the original; settings that join the resource have their originals recorded, and
 * settings that left it get their originals back. Throws PluginNotInstalledError when the plugin
 * has no version row.
 */
export async function applyPlugin(
  t: TenantDb,
  c: Component,
  info: PluginTypeInfo,
  desired: PluginDesired,
  original: PluginOriginal | null,
): Promise<{ observed: PluginObserved; original: PluginOriginal }> {
  const { out, work } = await inTransaction(t, async (tx) => {
    if ((await installedVersion(tx, c.component)) === null) throw new PluginNotInstalledError(c.component);
    const before = await readEnabled(tx, c, info);
    const base: PluginOriginal = original ?? { enabled: before.enabled, position: before.position, settings: {} };
    const position = base.enabled ? base.position : null;
    let work = await writeEnabled(tx, c, info, desired.enabled, position);
    const settings = await applySettings(tx, toFlat(c, desired.settings), toFlat(c, base.settings));
    if (settings.changed) work = mergeCacheWork(work, { ...noCacheWork(), config: true });
    const observed = await observeIn(tx, c, info, Object.keys(desired.settings));
    return { out: { observed, original: { ...base, settings: fromFlat(c, settings.originals) } }, work };
  });
  await afterCommit(t, work);
  return out;
}

/** Puts back what the tenant had before the resource managed it (a plugin no longer installed only gets its settings back). */
export async function restorePlugin(t: TenantDb, c: Component, info: PluginTypeInfo, original: PluginOriginal): Promise<void> {
  const work = await inTransaction(t, async (tx) => {
    let work = noCacheWork();
    if ((await installedVersion(tx, c.component)) !== null) work = await writeEnabled(tx, c, info, original.enabled, original.enabled ? original.position : null);
    const settings = await applySettings(tx, {}, toFlat(c, original.settings));
    return settings.changed ? mergeCacheWork(work, { ...noCacheWork(), config: true }) : work;
  });
  await afterCommit(t, work);
}

/** For the comparison data source: version, enabled (null for types without the concept) and all settings. */
export interface PluginReport {
  version: string | null;
  enabled: boolean | null;
  settings: Record<string, string>;
}

export async function reportPlugin(t: TenantDb, c: Component, info: PluginTypeInfo | null): Promise<PluginReport> {
  return inTransaction(t, async (tx) => {
    const version = await installedVersion(tx, c.component);
    if (version === null) return { version: null, enabled: null, settings: {} };
    const enabled = info ? (await readEnabled(tx, c, info)).enabled : null;
    return { version, enabled, settings: await pluginSettings(tx, settingsPlugin(c)) };
  });
}

/** Installed components of one type on a tenant (from the version rows, as the plugin manager does). */
export async function installedOfType(t: TenantDb, type: string): Promise<string[]> {
  return inTransaction(t, async (tx) => {
    const rows = await tx.rows<{ plugin: string }>(`SELECT plugin FROM ${tx.table('config_plugins')} WHERE name = 'version' AND plugin LIKE ? ORDER BY plugin`, [`${type}\\_%`]);
    return rows.map((r) => r.plugin);
  });
}

export { PluginNotInstalledError };
