// Where Moodle keeps each plugin type's "enabled" state (research: moodle-facts.md C1/C2), as data.
// Pure: no database access here, so the table and the list edits can be unit-tested on their own;
// provider/moodle/plugins-db.ts does the reading and writing.

/** A setting location: `plugin === 'core'` means table `config`, anything else `config_plugins`. */
export interface ConfigRef {
  readonly plugin: string;
  readonly name: string;
}

/** How a list-kind type places a plugin it enables when no earlier position is known. */
export type InsertPolicy = 'append' | 'rank';

export type EnabledStore =
  /** A 0/1 column of a registry table keyed by the plugin's short name (`modules.visible`, ...). */
  | { readonly kind: 'table-flag'; readonly table: 'modules' | 'block' | 'message_processors'; readonly column: 'visible' | 'enabled' }
  /** A comma-separated list of enabled plugins in a setting; the order usually matters. */
  | {
      readonly kind: 'list';
      readonly at: ConfigRef;
      /** Whether entries are short names (`email`) or full components (`logstore_standard`). */
      readonly entry: 'name' | 'component';
      readonly insert: InsertPolicy;
      /** Names Moodle treats as enabled without listing them; they cannot be disabled. */
      readonly alwaysEnabled?: readonly string[];
      /** Put back when the list would become empty (editors: textarea). */
      readonly emptyFallback?: string;
    }
  /** `config_plugins(<flag.plugin>, <flag.name>) = '1'` disables; enabling deletes the row (or writes '0'). */
  | { readonly kind: 'disabled-flag'; readonly flag: (name: string) => ConfigRef; readonly enableWrites: 'delete' | '0' }
  /** `config_plugins(<component>, enabled) = '1'` enables; absent means disabled. */
  | { readonly kind: 'enabled-flag' }
  /** A list of the *disabled* plugins (question behaviours). */
  | { readonly kind: 'disabled-list'; readonly at: ConfigRef }
  /** `filter_active` rows of the system context. */
  | { readonly kind: 'filter' }
  /** Rows of table `repository`: present = enabled. */
  | { readonly kind: 'repository' }
  /** `portfolio_instance.visible`. */
  | { readonly kind: 'portfolio' };

/** Side effects Moodle's own enable/disable code performs besides writing the state. */
export type SideEffect =
  /** mod: hide/restore course modules and bump course.cacherev of the affected courses. */
  | 'course-modules'
  /** auth disable: clear registerauth when it names the plugin; end the sessions of its users. */
  | 'auth-disable'
  /** enrol: mark the system context dirty so logged-in sessions reload their access data. */
  | 'dirty-system-context'
  /** filter disable: drop it from `stringfilters`, recompute `filterall`. */
  | 'string-filters';

export interface PluginTypeInfo {
  readonly type: string;
  readonly store: EnabledStore;
  readonly effects: readonly SideEffect[];
  /** MUC definitions (file-store folder names) to drop besides core_plugin_manager and core_config. */
  readonly caches: readonly string[];
}

export interface UnsupportedType {
  readonly type: string;
  readonly reason: string;
}

const disabledFlag = (prefix?: string): EnabledStore => ({
  kind: 'disabled-flag',
  flag: (name) => ({ plugin: `${prefix ?? ''}${name}`, name: 'disabled' }),
  enableWrites: 'delete',
});

function typeInfo(type: string, store: EnabledStore, effects: SideEffect[] = [], caches: string[] = []): PluginTypeInfo {
  return { type, store, effects, caches };
}

const core = (name: string): ConfigRef => ({ plugin: 'core', name });

const SUPPORTED: readonly PluginTypeInfo[] = [
  typeInfo('mod', { kind: 'table-flag', table: 'modules', column: 'visible' }, ['course-modules']),
  typeInfo('block', { kind: 'table-flag', table: 'block', column: 'visible' }),
  typeInfo('message', { kind: 'table-flag', table: 'message_processors', column: 'enabled' }, [], ['core_message_processors_enabled']),
  typeInfo('auth', { kind: 'list', at: core('auth'), entry: 'name', insert: 'append', alwaysEnabled: ['manual', 'nologin'] }, ['auth-disable']),
  typeInfo('enrol', { kind: 'list', at: core('enrol_plugins_enabled'), entry: 'name', insert: 'append' }, ['dirty-system-context']),
  typeInfo('editor', { kind: 'list', at: core('texteditors'), entry: 'name', insert: 'append', emptyFallback: 'textarea' }),
  typeInfo('media', { kind: 'list', at: core('media_plugins_sortorder'), entry: 'name', insert: 'rank' }),
  typeInfo('antivirus', { kind: 'list', at: core('antiviruses'), entry: 'name', insert: 'append' }),
  typeInfo('fileconverter', { kind: 'list', at: core('converter_plugins_sortorder'), entry: 'name', insert: 'append' }),
  typeInfo('paygw', { kind: 'list', at: core('paygw_plugins_sortorder'), entry: 'name', insert: 'append' }),
  typeInfo('webservice', { kind: 'list', at: core('webserviceprotocols'), entry: 'name', insert: 'append' }),
  typeInfo('logstore', { kind: 'list', at: { plugin: 'tool_log', name: 'enabled_stores' }, entry: 'component', insert: 'append' }),
  typeInfo('gradepenalty', { kind: 'list', at: { plugin: 'core_grades', name: 'gradepenalty_enabled_plugins' }, entry: 'name', insert: 'append' }),
  typeInfo('filter', { kind: 'filter' }, ['string-filters']),
  typeInfo('repository', { kind: 'repository' }, [], ['core_repositories']),
  typeInfo('portfolio', { kind: 'portfolio' }),
  typeInfo('qtype', { kind: 'disabled-flag', flag: (name) => ({ plugin: 'question', name: `${name}_disabled` }), enableWrites: 'delete' }),
  typeInfo('qbehaviour', { kind: 'disabled-list', at: { plugin: 'question', name: 'disabledbehaviours' } }),
  typeInfo('contenttype', disabledFlag('contentbank_'), [], ['core_contentbank_enabled_extensions']),
  typeInfo('assignsubmission', { kind: 'disabled-flag', flag: (name) => ({ plugin: `assignsubmission_${name}`, name: 'disabled' }), enableWrites: '0' }),
  typeInfo('assignfeedback', { kind: 'disabled-flag', flag: (name) => ({ plugin: `assignfeedback_${name}`, name: 'disabled' }), enableWrites: '0' }),
  typeInfo('aiplacement', { kind: 'enabled-flag' }),
  ...['tiny', 'format', 'dataformat', 'qbank', 'availability', 'customfield', 'communication', 'smsgateway', 'bbbext'].map((t) => typeInfo(t, disabledFlag(`${t}_`))),
];

const NO_CONCEPT = 'Moodle has no enable/disable switch for this plugin type: an installed plugin is active';

const UNSUPPORTED: Readonly<Record<string, string>> = {
  local: NO_CONCEPT,
  report: NO_CONCEPT,
  coursereport: NO_CONCEPT,
  gradeexport: NO_CONCEPT,
  gradeimport: NO_CONCEPT,
  gradereport: NO_CONCEPT,
  gradingform: NO_CONCEPT,
  profilefield: NO_CONCEPT,
  qformat: NO_CONCEPT,
  calendartype: NO_CONCEPT,
  tool: `${NO_CONCEPT} (admin tools are always enabled)`,
  theme: 'themes have no enable flag; choose the site theme with vmoodle_config settings { theme = "..." }',
  search: 'search engines have no per-plugin flag; set vmoodle_config settings { searchengine = "..." }',
  mlbackend: 'machine-learning backends have no flag; set vmoodle_config plugin_settings { analytics = { predictionsprocessor = "..." } }',
  cachestore: 'cache stores are configured in {dataroot}/muc/config.php, not enabled in the database',
  cachelock: 'cache lock plugins are configured in {dataroot}/muc/config.php, not enabled in the database',
  h5plib: 'H5P libraries are always enabled; the active one is the setting h5plibraryhandler (vmoodle_config)',
  mnetservice: 'MNet services have no flag of their own: they are forced off unless mnet_dispatcher_mode is "strict"',
  plagiarism: 'core has no plagiarism flag (plugins conventionally read plugin_settings { plagiarism_<name> = { enabled = "1" } }; set that with vmoodle_config)',
  atto: 'Atto buttons have no enable switch; the toolbar is the setting editor_atto/toolbar (vmoodle_config)',
  aiprovider: 'since Moodle 5.0 AI providers are instances in table ai_providers, not plugin-level switches',
};

const BY_TYPE = new Map(SUPPORTED.map((t) => [t.type, t]));

export interface Component {
  /** Frankenstyle component, e.g. `mod_forum`. */
  readonly component: string;
  readonly type: string;
  /** The part after the type, e.g. `forum`. */
  readonly name: string;
}

const COMPONENT = /^([a-z][a-z0-9]*)_([a-z][a-z0-9_]*)$/;

/** Splits a frankenstyle component at its first `_` (as Moodle's plugin manager does); null if malformed. */
export function parseComponent(component: string): Component | null {
  const m = COMPONENT.exec(component);
  if (!m || component.length > 100) return null;
  return { component, type: m[1]!, name: m[2]! };
}

export function pluginType(type: string): PluginTypeInfo | UnsupportedType {
  const info = BY_TYPE.get(type);
  if (info) return info;
  return { type, reason: UNSUPPORTED[type] ?? `"${type}" is not a plugin type vmoodle knows how to enable or disable` };
}

export function isSupported(t: PluginTypeInfo | UnsupportedType): t is PluginTypeInfo {
  return 'store' in t;
}

export function supportedTypes(): string[] {
  return SUPPORTED.map((t) => t.type).sort();
}

/** A problem sentence for an unusable `plugin` value, or null when vmoodle can switch it. */
export function checkPlugin(component: string): string | null {
  const parsed = parseComponent(component);
  if (!parsed) return `"${component}" is not a frankenstyle plugin name such as mod_forum or auth_cas (lower case <type>_<name>).`;
  const t = pluginType(parsed.type);
  if (!isSupported(t)) return `${component} cannot be enabled or disabled: ${t.reason}.`;
  if (t.store.kind === 'list' && t.store.alwaysEnabled?.includes(parsed.name)) return `${component} is always enabled in Moodle and cannot be listed or disabled.`;
  return null;
}

/**
 * The `config_plugins.plugin` value that holds the plugin's own settings. Repository types keep
 * their options under the bare type name (repository/lib.php `repository_type::create()`).
 */
export function settingsPlugin(c: Component): string {
  return c.type === 'repository' ? c.name : c.component;
}

/** Setting names a `settings` map may not write, because they are the enable state or the install marker. */
export function reservedSettingNames(c: Component, info: PluginTypeInfo): string[] {
  const out = ['version'];
  const store = info.store;
  if (store.kind === 'disabled-flag') {
    const flag = store.flag(c.name);
    if (flag.plugin === settingsPlugin(c)) out.push(flag.name);
  }
  if (store.kind === 'enabled-flag') out.push('enabled');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ordered lists

/** Moodle's lists are comma-separated without spaces; empty items and repeats are dropped (array_flip). */
export function parseList(value: string | null | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item && !out.includes(item)) out.push(item);
  }
  return out;
}

export function formatList(items: readonly string[]): string {
  return items.join(',');
}

/** Removes one entry, keeping every other entry where it was. Returns the index it had (null if absent). */
export function removeFromList(items: readonly string[], entry: string): { items: string[]; index: number | null } {
  const index = items.indexOf(entry);
  if (index < 0) return { items: [...items], index: null };
  return { items: items.filter((x) => x !== entry), index };
}

/**
 * Adds an entry without moving the others. `position` is where the entry was when it was last
 * enabled (so disable-then-enable restores the list exactly); without one, Moodle's own rule
 * applies: append, or for media players insert before the first player of lower rank
 * (lib/classes/plugininfo/media.php `set_enabled()`).
 */
export function insertIntoList(items: readonly string[], entry: string, opts: { position?: number | null; policy?: InsertPolicy; rank?: (name: string) => number } = {}): string[] {
  if (items.includes(entry)) return [...items];
  const out = [...items];
  if (opts.position !== undefined && opts.position !== null && opts.position >= 0) {
    out.splice(Math.min(opts.position, out.length), 0, entry);
    return out;
  }
  if (opts.policy === 'rank' && opts.rank) {
    const rank = opts.rank(entry);
    let at = 0;
    while (at < out.length && !(rank > opts.rank(out[at]!))) at++;
    out.splice(at, 0, entry);
    return out;
  }
  out.push(entry);
  return out;
}

/** Default ranks of the core media players (`get_rank()` in media/player/<name>/classes/plugin.php). */
const MEDIA_RANKS: Readonly<Record<string, number>> = { videojs: 2000, vimeo: 1010, youtube: 1005, html5video: 50, html5audio: 20 };

/** Unknown players rank 0, as Moodle ranks a player whose class it cannot load. */
export function mediaRank(name: string): number {
  return MEDIA_RANKS[name] ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Filters (lib/filterlib.php filter_set_global_state)

export const TEXTFILTER_ON = 1;
export const TEXTFILTER_OFF = -1;
export const TEXTFILTER_DISABLED = -9999;

export interface FilterRow {
  readonly filter: string;
  readonly active: number;
  readonly sortorder: number;
}

/** Active (on or "off but available") filters in application order, then disabled ones alphabetically. */
function orderedGroups(rows: readonly FilterRow[]): { on: FilterRow[]; off: FilterRow[] } {
  const bySort = [...rows].sort((a, b) => a.sortorder - b.sortorder || (a.filter < b.filter ? -1 : 1));
  return {
    on: bySort.filter((r) => r.active !== TEXTFILTER_DISABLED),
    off: bySort.filter((r) => r.active === TEXTFILTER_DISABLED).sort((a, b) => (a.filter < b.filter ? -1 : a.filter > b.filter ? 1 : 0)),
  };
}

/** Position of a filter among the enabled ones (what a later re-enable puts it back to), or null. */
export function filterPosition(rows: readonly FilterRow[], filter: string): number | null {
  const i = orderedGroups(rows).on.findIndex((r) => r.filter === filter);
  return i < 0 ? null : i;
}

/**
 * The system-context rows after switching one filter, renumbered 1..n the way Moodle does:
 * enabled filters first in their order, then disabled ones alphabetically. Enabling an absent or
 * disabled filter places it at `position` (its earlier place) or, like Moodle, last among the enabled.
 */
export function setFilterState(rows: readonly FilterRow[], filter: string, active: number, position: number | null = null): FilterRow[] {
  const { on, off } = orderedGroups(rows.filter((r) => r.filter !== filter));
  const current = rows.find((r) => r.filter === filter);
  const changed: FilterRow = { filter, active, sortorder: current?.sortorder ?? 99999 };
  let onList = on;
  let offList = off;
  if (active === TEXTFILTER_DISABLED) {
    offList = [...off, changed].sort((a, b) => (a.filter < b.filter ? -1 : a.filter > b.filter ? 1 : 0));
  } else {
    const wasOn = current !== undefined && current.active !== TEXTFILTER_DISABLED;
    const at = wasOn ? orderedGroups(rows).on.findIndex((r) => r.filter === filter) : position !== null && position >= 0 ? Math.min(position, on.length) : on.length;
    onList = [...on];
    onList.splice(at, 0, changed);
  }
  return [...onList, ...offList].map((r, i) => ({ filter: r.filter, active: r.active, sortorder: i + 1 }));
}

// ---------------------------------------------------------------------------------------------
// Repositories (repository/lib.php): sortorder is 1..n in display order.

export interface RepositoryRow {
  readonly type: string;
  readonly sortorder: number;
}

export function repositoryPosition(rows: readonly RepositoryRow[], type: string): number | null {
  const sorted = [...rows].sort((a, b) => a.sortorder - b.sortorder);
  const i = sorted.findIndex((r) => r.type === type);
  return i < 0 ? null : i;
}

/**
 * Sortorders after adding a type. Moodle appends (max + 1). With a known earlier position the type
 * goes back right after its former predecessor, and only the rows that would collide move down:
 * disabling (which deletes the row, leaving a gap) then re-enabling restores the exact numbers.
 */
export function repositoryInsert(rows: readonly RepositoryRow[], type: string, position: number | null): RepositoryRow[] {
  const sorted = [...rows].filter((r) => r.type !== type).sort((a, b) => a.sortorder - b.sortorder);
  if (position === null || position < 0 || position >= sorted.length) {
    const max = sorted.reduce((m, r) => Math.max(m, r.sortorder), 0);
    return [...sorted, { type, sortorder: max + 1 }];
  }
  const out: RepositoryRow[] = sorted.slice(0, position).map((r) => ({ ...r }));
  let last = position > 0 ? sorted[position - 1]!.sortorder : 0;
  out.push({ type, sortorder: ++last });
  for (const r of sorted.slice(position)) {
    last = Math.max(r.sortorder, last + 1);
    out.push({ type: r.type, sortorder: last });
  }
  return out;
}

/** Repository types that need configured instances, so enabling them must not create a system instance. */
export const MULTI_INSTANCE_REPOSITORIES: ReadonlySet<string> = new Set(['filesystem', 'webdav', 'equella', 'nextcloud', 'dropbox', 'googledocs', 'onedrive', 'flickr']);
