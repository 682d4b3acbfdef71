// Reads and writes a plugin's enabled state on one tenant, per type, the way Moodle's own
// enable_plugin() implementations do (lib/classes/plugininfo/*.php; moodle-facts.md C2), plus the
// side effects they perform. Everything here runs inside one transaction (config.ts inTransaction);
// the file-side cache work that must follow the commit is returned as CacheWork.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { getSetting, setSetting, truthy, type Tx } from './config';
import { bumpCourseCacheRev, markContextDirty, recomputeFilterAll } from './caches';
import {
  type Component,
  type PluginTypeInfo,
  type EnabledStore,
  type FilterRow,
  type RepositoryRow,
  parseList,
  formatList,
  insertIntoList,
  removeFromList,
  mediaRank,
  filterPosition,
  setFilterState,
  repositoryPosition,
  repositoryInsert,
  MULTI_INSTANCE_REPOSITORIES,
  TEXTFILTER_ON,
  TEXTFILTER_DISABLED,
} from './plugins';

export class PluginNotInstalledError extends Error {
  override name = 'PluginNotInstalledError';
  constructor(readonly component: string) {
    super(`${component} is not installed (no version row in config_plugins)`);
  }
}

/** Moodle itself refuses this change (or cannot represent it); the message says why. */
export class PluginStateRefusedError extends Error {
  override name = 'PluginStateRefusedError';
}

export interface EnabledState {
  enabled: boolean;
  /** Place among the enabled plugins for ordered types (0-based), null when unordered or disabled. */
  position: number | null;
}

/** What must happen after the commit so running sites see the change (moodle-facts.md A2, C1). */
export interface CacheWork {
  /** config / config_plugins rows changed: drop the `core/config` cache. */
  config: boolean;
  /** An enabled state changed: drop `core/plugin_manager` (every enable_plugin() ends with that). */
  pluginState: boolean;
  /** Further MUC definitions (file-store folder names) to drop. */
  definitions: string[];
  /** Folders directly under {cachedir}. */
  cacheDirs: string[];
  /** Session files of destroyed sessions (file session handler, {dataroot}/sessions/sess_<sid>). */
  sessionFiles: string[];
}

export function noCacheWork(): CacheWork {
  return { config: false, pluginState: false, definitions: [], cacheDirs: [], sessionFiles: [] };
}

export function mergeCacheWork(a: CacheWork, b: CacheWork): CacheWork {
  return {
    config: a.config || b.config,
    pluginState: a.pluginState || b.pluginState,
    definitions: [...new Set([...a.definitions, ...b.definitions])],
    cacheDirs: [...new Set([...a.cacheDirs, ...b.cacheDirs])],
    sessionFiles: [...a.sessionFiles, ...b.sessionFiles],
  };
}

export async function installedVersion(tx: Tx, component: string): Promise<string | null> {
  return getSetting(tx, { plugin: component, name: 'version' });
}

async function systemContextId(tx: Tx): Promise<number> {
  const rows = await tx.rows<{ id: number }>(`SELECT id FROM ${tx.table('context')} WHERE contextlevel = 10 AND instanceid = 0`);
  if (!rows[0]) throw new PluginStateRefusedError('the site has no system context row (context level 10)');
  return Number(rows[0].id);
}

function listEntry(c: Component, store: Extract<EnabledStore, { kind: 'list' }>): string {
  return store.entry === 'component' ? c.component : c.name;
}

/** The plugin's enabled state; rows that a later write changes are read FOR UPDATE. */
export async function readEnabled(tx: Tx, c: Component, info: PluginTypeInfo): Promise<EnabledState> {
  const store = info.store;
  switch (store.kind) {
    case 'table-flag': {
      const rows = await tx.rows<{ v: number }>(`SELECT ${store.column} AS v FROM ${tx.table(store.table)} WHERE name = ? FOR UPDATE`, [c.name]);
      if (!rows[0]) throw new PluginStateRefusedError(`${c.component} has a version row but no row in table ${store.table}; the site needs a Moodle upgrade run`);
      return { enabled: Number(rows[0].v) === 1, position: null };
    }
    case 'list': {
      const items = parseList(await getSetting(tx, store.at, true));
      if (store.alwaysEnabled?.includes(c.name)) return { enabled: true, position: null };
      const i = items.indexOf(listEntry(c, store));
      return { enabled: i >= 0, position: i >= 0 ? i : null };
    }
    case 'disabled-flag':
      return { enabled: !truthy(await getSetting(tx, store.flag(c.name), true)), position: null };
    case 'enabled-flag':
      return { enabled: truthy(await getSetting(tx, { plugin: c.component, name: 'enabled' }, true)), position: null };
    case 'disabled-list':
      return { enabled: !parseList(await getSetting(tx, store.at, true)).includes(c.name), position: null };
    case 'filter': {
      const rows = await filterRows(tx, await systemContextId(tx));
      const row = rows.find((r) => r.filter === c.name);
      const enabled = row !== undefined && row.active !== TEXTFILTER_DISABLED;
      return { enabled, position: enabled ? filterPosition(rows, c.name) : null };
    }
    case 'repository': {
      const rows = await repositoryRows(tx);
      const position = repositoryPosition(rows, c.name);
      return { enabled: position !== null, position };
    }
    case 'portfolio': {
      const rows = await tx.rows<{ visible: number }>(`SELECT visible FROM ${tx.table('portfolio_instance')} WHERE plugin = ? FOR UPDATE`, [c.name]);
      return { enabled: rows.some((r) => Number(r.visible) === 1), position: null };
    }
  }
}

async function filterRows(tx: Tx, contextId: number): Promise<Array<FilterRow & { id: number }>> {
  const rows = await tx.rows<{ id: number; filter: string; active: number; sortorder: number }>(
    `SELECT id, filter, active, sortorder FROM ${tx.table('filter_active')} WHERE contextid = ? ORDER BY sortorder, filter FOR UPDATE`,
    [contextId],
  );
  return rows.map((r) => ({ id: Number(r.id), filter: r.filter, active: Number(r.active), sortorder: Number(r.sortorder) }));
}

async function repositoryRows(tx: Tx): Promise<Array<RepositoryRow & { id: number }>> {
  const rows = await tx.rows<{ id: number; type: string; sortorder: number }>(`SELECT id, type, sortorder FROM ${tx.table('repository')} ORDER BY sortorder FOR UPDATE`);
  return rows.map((r) => ({ id: Number(r.id), type: r.type, sortorder: Number(r.sortorder) }));
}

/**
 * Switches the plugin to `enabled` if it is not already. `position` is where an ordered type
 * goes back to when enabled (its place before it was disabled); null means Moodle's default.
 */
export async function writeEnabled(tx: Tx, c: Component, info: PluginTypeInfo, enabled: boolean, position: number | null): Promise<CacheWork> {
  const current = await readEnabled(tx, c, info);
  if (current.enabled === enabled) return noCacheWork();
  const work: CacheWork = { config: false, pluginState: true, definitions: [...info.caches], cacheDirs: [], sessionFiles: [] };
  const store = info.store;
  switch (store.kind) {
    case 'table-flag':
      await tx.run(`UPDATE ${tx.table(store.table)} SET ${store.column} = ? WHERE name = ?`, [enabled ? 1 : 0, c.name]);
      if (info.effects.includes('course-modules')) await courseModules(tx, c.name, enabled);
      break;
    case 'list': {
      const entry = listEntry(c, store);
      const items = parseList(await getSetting(tx, store.at, true));
      let next = enabled ? insertIntoList(items, entry, { position, policy: store.insert, rank: mediaRank }) : removeFromList(items, entry).items;
      if (next.length === 0 && store.emptyFallback) {
        if (store.emptyFallback === entry) throw new PluginStateRefusedError(`${c.component} is the last enabled editor; Moodle puts it back whenever the list would be empty`);
        next = [store.emptyFallback];
      }
      await setSetting(tx, store.at, formatList(next));
      work.config = true;
      if (!enabled && info.effects.includes('auth-disable')) work.sessionFiles.push(...(await disableAuth(tx, c.name)));
      if (info.effects.includes('dirty-system-context')) await markContextDirty(tx, '/' + (await systemContextId(tx)));
      break;
    }
    case 'disabled-flag': {
      if (!enabled && c.type === 'format') await refuseDefaultFormat(tx, c);
      await setSetting(tx, store.flag(c.name), enabled ? (store.enableWrites === 'delete' ? null : '0') : '1');
      work.config = true;
      break;
    }
    case 'enabled-flag':
      await setSetting(tx, { plugin: c.component, name: 'enabled' }, enabled ? '1' : '0');
      work.config = true;
      break;
    case 'disabled-list': {
      const items = parseList(await getSetting(tx, store.at, true));
      await setSetting(tx, store.at, formatList(enabled ? removeFromList(items, c.name).items : insertIntoList(items, c.name)));
      work.config = true;
      break;
    }
    case 'filter':
      work.config = await writeFilter(tx, c.name, enabled, position);
      work.definitions.push('core_htmlpurifier');
      work.cacheDirs.push('htmlpurifier');
      break;
    case 'repository':
      await writeRepository(tx, c.name, enabled, position);
      break;
    case 'portfolio':
      await writePortfolio(tx, c.name, enabled);
      break;
  }
  return work;
}

/** mod/plugininfo: hide the module's activities remembering their visibility, or restore it. */
async function courseModules(tx: Tx, name: string, enabled: boolean): Promise<void> {
  const ids = await tx.rows<{ id: number }>(`SELECT id FROM ${tx.table('modules')} WHERE name = ?`, [name]);
  const moduleId = Number(ids[0]?.id);
  const cm = tx.table('course_modules');
  if (enabled) {
    await tx.run(`UPDATE ${cm} SET visible = 1 WHERE visibleold = 1 AND module = ?`, [moduleId]);
    await bumpCourseCacheRev(tx, `id IN (SELECT DISTINCT course FROM ${cm} WHERE visible = 1 AND module = ?)`, [moduleId]);
  } else {
    await tx.run(`UPDATE ${cm} SET visibleold = visible, visible = 0 WHERE module = ?`, [moduleId]);
    await bumpCourseCacheRev(tx, `id IN (SELECT DISTINCT course FROM ${cm} WHERE visibleold = 1 AND module = ?)`, [moduleId]);
  }
}

/**
 * auth/plugininfo disable: registerauth no longer names it, and the sessions of its users end
 * (session\manager::destroy_by_auth_plugin()). Returns the session ids whose files must go.
 */
async function disableAuth(tx: Tx, name: string): Promise<string[]> {
  if ((await getSetting(tx, { plugin: 'core', name: 'registerauth' })) === name) await setSetting(tx, { plugin: 'core', name: 'registerauth' }, '');
  if (!(await tx.hasTable('sessions')) || !(await tx.hasTable('user'))) return [];
  const sessions = await tx.rows<{ id: number; sid: string }>(
    `SELECT s.id, s.sid FROM ${tx.table('sessions')} s JOIN ${tx.table('user')} u ON u.id = s.userid WHERE u.auth = ? FOR UPDATE`,
    [name],
  );
  if (sessions.length === 0) return [];
  await tx.run(`DELETE FROM ${tx.table('sessions')} WHERE id IN (${sessions.map(() => '?').join(', ')})`, sessions.map((s) => Number(s.id)));
  return sessions.map((s) => s.sid);
}

async function refuseDefaultFormat(tx: Tx, c: Component): Promise<void> {
  const def = (await getSetting(tx, { plugin: 'moodlecourse', name: 'format' })) ?? 'topics';
  if (def === c.name) throw new PluginStateRefusedError(`${c.component} is the default course format (moodlecourse/format) and Moodle does not allow disabling it`);
}

/** filter_set_global_state() then, when disabling, filter_set_applies_to_strings(false). Returns whether config changed. */
async function writeFilter(tx: Tx, name: string, enabled: boolean, position: number | null): Promise<boolean> {
  const contextId = await systemContextId(tx);
  const rows = await filterRows(tx, contextId);
  const next = setFilterState(rows, name, enabled ? TEXTFILTER_ON : TEXTFILTER_DISABLED, position);
  const table = tx.table('filter_active');
  for (const r of next) {
    const old = rows.find((x) => x.filter === r.filter);
    if (!old) await tx.run(`INSERT INTO ${table} (filter, contextid, active, sortorder) VALUES (?, ?, ?, ?)`, [r.filter, contextId, r.active, r.sortorder]);
    else if (old.active !== r.active || old.sortorder !== r.sortorder) await tx.run(`UPDATE ${table} SET active = ?, sortorder = ? WHERE id = ?`, [r.active, r.sortorder, old.id]);
  }
  let configChanged = false;
  if (!enabled) {
    const stringFilters = parseList(await getSetting(tx, { plugin: 'core', name: 'stringfilters' }, true));
    if (stringFilters.includes(name)) {
      await setSetting(tx, { plugin: 'core', name: 'stringfilters' }, formatList(removeFromList(stringFilters, name).items));
      configChanged = true;
    }
  }
  if (await recomputeFilterAll(tx)) configChanged = true;
  return configChanged;
}

/**
 * repository/lib.php: enabling creates the type row (and, for types without instance options, the
 * system instance); disabling deletes the type row and its instances. Unlike Moodle we keep the
 * type's options in config_plugins, so re-enabling restores the same configuration.
 */
async function writeRepository(tx: Tx, type: string, enabled: boolean, position: number | null): Promise<void> {
  const rows = await repositoryRows(tx);
  const table = tx.table('repository');
  const haveInstances = await tx.hasTable('repository_instances');
  if (!enabled) {
    const row = rows.find((r) => r.type === type);
    if (!row) return;
    if (haveInstances) {
      if (await tx.hasTable('repository_instance_config')) {
        await tx.run(
          `DELETE FROM ${tx.table('repository_instance_config')} WHERE instanceid IN (SELECT id FROM ${tx.table('repository_instances')} WHERE typeid = ?)`,
          [row.id],
        );
      }
      await tx.run(`DELETE FROM ${tx.table('repository_instances')} WHERE typeid = ?`, [row.id]);
    }
    await tx.run(`DELETE FROM ${table} WHERE id = ?`, [row.id]);
    return;
  }
  const next = repositoryInsert(rows, type, position);
  for (const r of next) {
    const old = rows.find((x) => x.type === r.type);
    if (old && old.sortorder !== r.sortorder) await tx.run(`UPDATE ${table} SET sortorder = ? WHERE id = ?`, [r.sortorder, old.id]);
  }
  const mine = next.find((r) => r.type === type)!;
  await tx.run(`INSERT INTO ${table} (type, visible, sortorder) VALUES (?, 1, ?)`, [type, mine.sortorder]);
  if (haveInstances && !MULTI_INSTANCE_REPOSITORIES.has(type)) {
    const [typeRow] = await tx.rows<{ id: number }>(`SELECT id FROM ${table} WHERE type = ?`, [type]);
    const now = Math.floor(Date.now() / 1000);
    await tx.run(
      `INSERT INTO ${tx.table('repository_instances')} (name, typeid, userid, contextid, timecreated, timemodified, readonly) VALUES ('', ?, 0, ?, ?, ?, 0)`,
      [Number(typeRow!.id), await systemContextId(tx), now, now],
    );
  }
}

/** portfolio/plugininfo: switch the instances' visibility; with no instance, create one named after the plugin. */
async function writePortfolio(tx: Tx, name: string, enabled: boolean): Promise<void> {
  const table = tx.table('portfolio_instance');
  const changed = await tx.run(`UPDATE ${table} SET visible = ? WHERE plugin = ?`, [enabled ? 1 : 0, name]);
  if (changed === 0 && enabled) await tx.run(`INSERT INTO ${table} (plugin, name, visible) VALUES (?, ?, 1)`, [name, name]);
}

/** Deletes the files of sessions ended in the database (missing files are fine: other handlers). */
export async function removeSessionFiles(dataroot: string, sids: readonly string[]): Promise<void> {
  await Promise.all(sids.filter((s) => /^[A-Za-z0-9,-]+$/.test(s)).map((sid) => rm(join(dataroot, 'sessions', `sess_${sid}`), { force: true })));
}
