// vmoodle_plugin_state: one plugin enabled or disabled (plus its settings) on a set of tenants,
// written where Moodle keeps that type's state (provider/moodle/plugins.ts). `applied` is what each
// tenant has, rebuilt from the real tables on refresh, so hand-made changes and tenants a failed
// apply did not reach show up in the plan; `originals` is what each tenant had before, restored
// when the tenant leaves the resource or the resource is destroyed.
import { T, type BlockSchema } from '../framework/schema';
import type { Resource } from '../framework/resource';
import type { ObjectValue } from '../framework/plan';
import { isObject } from '../framework/plan';
import { UNKNOWN, type CtyValue } from '../plugin/cty';
import { str, bool, stringMap } from '../framework/values';
import type { Diagnostics } from '../framework/diagnostics';
import type { VmoodleContext } from '../provider';
import type { TenantRow } from '../../registry/writer';
import { tenantDb } from '../fleet/tenant-db';
import { checkPlugin, parseComponent, pluginType, isSupported, reservedSettingNames, type Component, type PluginTypeInfo } from '../moodle/plugins';
import { applyPlugin, restorePlugin, observePlugin, type PluginOriginal, type PluginObserved } from '../moodle/plugins-state';
import {
  tenantsAttribute,
  knownIds,
  checkTenantsAtPlan,
  validateTenants,
  resolveForApply,
  resolveQuietly,
  resolveForImport,
  forEachTenant,
  reportFailures,
  tenantLabel,
  asRecord,
  nullableStringRecord,
  numberOrNull,
} from './fleet-admin-common';

const SETTING_NAME = /^[A-Za-z0-9_]{1,100}$/;

const appliedType = T.map(T.object({ enabled: T.bool, settings: T.map(T.string) }));
const originalsType = T.map(T.object({ enabled: T.bool, position: T.number, settings: T.map(T.string) }));

export const pluginStateSchema: BlockSchema = {
  version: 0,
  description:
    'A plugin enabled or disabled on a set of tenants, plus its settings. The state is written where Moodle keeps it for the plugin type ' +
    '(`modules`/`block`/`message_processors` rows, ordered lists such as `auth` or `enrol_plugins_enabled`, `filter_active` rows, `repository` rows, ' +
    '`disabled` flags in `config_plugins`, ...) with the side effects Moodle performs, and the caches Moodle keeps are invalidated. ' +
    'Ordered lists keep their order; a plugin enabled again goes back to the place it had. Removing a tenant from `tenants`, or destroying ' +
    'the resource, puts back the state and settings each tenant had before.',
  attributes: {
    id: { type: T.string, computed: true, description: 'The plugin name.' },
    plugin: {
      type: T.string,
      required: true,
      requiresReplace: true,
      validate: [(v) => (typeof v === 'string' ? checkPlugin(v) : null)],
      description:
        'Frankenstyle plugin name, e.g. `mod_chat`, `auth_cas`, `enrol_self`, `filter_mathjaxloader`, `block_html`, `editor_tiny`, `tiny_h5p`, `format_social`, ' +
        '`qtype_essay`, `qbehaviour_immediatecbm`, `repository_upload`, `message_email`, `media_videojs`, `antivirus_clamav`, `availability_grade`, `logstore_standard`. ' +
        'Types without an enable/disable concept (`local`, `report`, `tool`, `theme`, ...) are refused.',
    },
    enabled: { type: T.bool, required: true, description: 'Whether the plugin is enabled on every listed tenant.' },
    tenants: tenantsAttribute,
    settings: {
      type: T.map(T.string),
      default: {},
      description:
        "The plugin's own settings (`config_plugins` rows of the component; for repositories, of the bare type name). Values are strings. " +
        'A setting removed from the map gets back the value it had before.',
    },
    applied: {
      type: appliedType,
      computed: true,
      description: 'Per tenant id: the enabled state and the listed settings as found on the tenant. Tenants where applying failed, or the plugin is not installed, are absent.',
    },
    originals: {
      type: originalsType,
      computed: true,
      description: 'Per tenant id: the enabled state, list position and setting values (null = unset) the tenant had before this resource changed it; restored on removal.',
    },
  },
};

interface Declared {
  component: Component;
  info: PluginTypeInfo;
  enabled: boolean;
  settings: Record<string, string>;
  ids: string[];
}

function declared(o: ObjectValue): Declared {
  const plugin = str(o, 'plugin') ?? '';
  const component = parseComponent(plugin);
  const info = component ? pluginType(component.type) : null;
  if (!component || !info || !isSupported(info)) throw new Error(checkPlugin(plugin) ?? `unsupported plugin ${plugin}`);
  return { component, info, enabled: bool(o, 'enabled') === true, settings: stringMap(o, 'settings') ?? {}, ids: knownIds(o) ?? [] };
}

function decodeOriginal(v: CtyValue | undefined): PluginOriginal | null {
  if (!isObject(v)) return null;
  return { enabled: v.enabled === true, position: numberOrNull(v.position), settings: nullableStringRecord(v.settings) };
}

function decodeOriginals(v: CtyValue | undefined): Record<string, PluginOriginal> {
  const out: Record<string, PluginOriginal> = {};
  for (const [id, x] of Object.entries(asRecord(v))) {
    const o = decodeOriginal(x);
    if (o) out[id] = o;
  }
  return out;
}

const encodeOriginal = (o: PluginOriginal): ObjectValue => ({ enabled: o.enabled, position: o.position, settings: { ...o.settings } });
const encodeObserved = (o: PluginObserved): ObjectValue => ({ enabled: o.enabled, settings: { ...o.settings } });

function checkSettings(config: ObjectValue, diags: Diagnostics): void {
  const plugin = config.plugin ?? null;
  const settings = config.settings ?? null;
  if (typeof plugin !== 'string' || !isObject(settings)) return;
  const c = parseComponent(plugin);
  const info = c ? pluginType(c.type) : null;
  if (!c || !info || !isSupported(info)) return;
  const reserved = reservedSettingNames(c, info);
  for (const name of Object.keys(settings)) {
    if (!SETTING_NAME.test(name)) diags.error('Invalid setting name', `"${name}" is not a Moodle setting name (letters, digits and _, at most 100).`, ['settings', { key: name }]);
    else if (reserved.includes(name)) diags.error('Reserved setting', `"${name}" is how Moodle records ${plugin}'s ${name === 'version' ? 'installation' : 'enabled state'}; use the enabled argument instead.`, ['settings', { key: name }]);
  }
}

/** The state after applying: successes recorded, failures keep what was known before. */
function stateAfter(
  planned: ObjectValue,
  prior: ObjectValue | null,
  results: Map<string, { observed: PluginObserved; original: PluginOriginal }>,
  keptOriginals: Record<string, PluginOriginal>,
): ObjectValue {
  const priorApplied = asRecord(prior?.applied);
  const priorOriginals = decodeOriginals(prior?.originals);
  const applied: ObjectValue = {};
  const originals: ObjectValue = {};
  for (const id of knownIds(planned) ?? []) {
    const r = results.get(id);
    if (r) {
      applied[id] = encodeObserved(r.observed);
      originals[id] = encodeOriginal(r.original);
    } else {
      if (priorApplied[id] !== undefined) applied[id] = priorApplied[id]!;
      if (priorOriginals[id]) originals[id] = encodeOriginal(priorOriginals[id]);
    }
  }
  for (const [id, o] of Object.entries(keptOriginals)) originals[id] = encodeOriginal(o);
  return { ...planned, id: str(planned, 'plugin'), applied, originals };
}

async function applyAll(planned: ObjectValue, prior: ObjectValue | null, ctx: VmoodleContext, diags: Diagnostics): Promise<ObjectValue> {
  const d = declared(planned);
  const priorOriginals = decodeOriginals(prior?.originals);
  const leaving = Object.keys(priorOriginals).filter((id) => !d.ids.includes(id));
  const rows = await resolveForApply(ctx, d.ids, diags);
  const leavingRows = await resolveQuietly(ctx, leaving);

  const results = new Map<string, { observed: PluginObserved; original: PluginOriginal }>();
  const outcomes = await forEachTenant(rows, async (row) => {
    const r = await applyPlugin(tenantDb(ctx, row), d.component, d.info, { enabled: d.enabled, settings: d.settings }, priorOriginals[row.id] ?? null);
    results.set(row.id, r);
  });
  reportFailures(diags, `${d.enabled ? 'Enabling' : 'Disabling'} ${d.component.component}`, outcomes, d.ids);

  const kept: Record<string, PluginOriginal> = {};
  const restores = await forEachTenant(leavingRows, (row) => restorePlugin(tenantDb(ctx, row), d.component, d.info, priorOriginals[row.id]!));
  for (const o of restores) if (!o.ok) kept[o.row.id] = priorOriginals[o.row.id]!;
  reportFailures(diags, `Restoring ${d.component.component} on a tenant removed from the list`, restores, []);

  return stateAfter(planned, prior, results, kept);
}

export const pluginStateResource: Resource<VmoodleContext> = {
  typeName: 'vmoodle_plugin_state',
  schema: pluginStateSchema,

  validate(config, diags) {
    validateTenants(config, diags);
    checkSettings(config, diags);
  },

  async modifyPlan({ prior, planned }, { provider, diags }) {
    planned.id = planned.plugin ?? UNKNOWN;
    const ids = knownIds(planned);
    if (ids) await checkTenantsAtPlan(provider, ids, diags);
    if (ids === null) {
      planned.applied = UNKNOWN;
      planned.originals = UNKNOWN;
      return;
    }
    const settings = planned.settings ?? {};
    const names = isObject(settings) ? Object.keys(settings) : null;
    const priorOriginals = decodeOriginals(prior?.originals);
    const applied: ObjectValue = {};
    const originals: ObjectValue = {};
    for (const id of ids) {
      applied[id] = { enabled: planned.enabled ?? UNKNOWN, settings };
      const o = priorOriginals[id];
      if (!o || names === null) {
        originals[id] = UNKNOWN;
        continue;
      }
      // Known originals stay; settings joining the resource get theirs recorded at apply.
      const s: ObjectValue = {};
      for (const name of names) s[name] = name in o.settings ? o.settings[name]! : UNKNOWN;
      originals[id] = { enabled: o.enabled, position: o.position, settings: s };
    }
    planned.applied = applied;
    planned.originals = originals;
  },

  async create({ planned }, { provider, diags }) {
    return applyAll(planned, null, provider, diags);
  },

  async update({ prior, planned }, { provider, diags }) {
    return applyAll(planned, prior, provider, diags);
  },

  async read(state, { provider, diags }) {
    const d = declared(state);
    const rows = await resolveQuietly(provider, d.ids);
    const names = Object.keys(d.settings);
    const applied: ObjectValue = {};
    const outcomes = await forEachTenant(rows, async (row) => {
      const seen = await observePlugin(tenantDb(provider, row), d.component, d.info, names);
      if (seen) applied[row.id] = encodeObserved(seen);
    });
    for (const o of outcomes) {
      if (!o.ok) diags.warning(`Could not read ${d.component.component} on tenant ${tenantLabel(o.row)}`, `${o.error ?? ''}\nThe tenant is left out of applied, so the plan shows it as still to do.`);
    }
    // Keep the map in the order of `tenants` so state diffs stay readable.
    const ordered: ObjectValue = {};
    for (const id of d.ids) if (applied[id] !== undefined) ordered[id] = applied[id]!;
    return { ...state, applied: ordered };
  },

  async delete(prior, { provider }) {
    const d = declared(prior);
    const originals = decodeOriginals(prior.originals);
    const rows = await resolveQuietly(provider, Object.keys(originals));
    const outcomes = await forEachTenant(rows, (row) => restorePlugin(tenantDb(provider, row), d.component, d.info, originals[row.id]!));
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) {
      throw new Error(`Could not restore ${d.component.component} on ${failed.length} tenant(s); destroy again to retry:\n${failed.map((o) => `- ${tenantLabel(o.row)}: ${o.error}`).join('\n')}`);
    }
  },

  async importState(id, { provider }) {
    const m = /^([^:]+):(.+)$/.exec(id.trim());
    if (!m) throw new Error(`Import id must be <plugin>:<tenant id>[,<tenant id>...], e.g. mod_chat:default/moodle_physics,default/moodle_maths; got "${id}".`);
    const plugin = m[1]!;
    const problem = checkPlugin(plugin);
    if (problem) throw new Error(problem);
    const ids = m[2]!.split(',').map((s) => s.trim()).filter(Boolean);
    const state: ObjectValue = { id: plugin, plugin, enabled: false, tenants: ids, settings: {}, applied: {}, originals: {} };
    const d = declared(state);
    const rows = await resolveForImport(provider, ids);
    const applied: ObjectValue = {};
    const originals: ObjectValue = {};
    for (const row of rows) {
      const r = await observeForImport(provider, row, d);
      if (!r) throw new Error(`${plugin} is not installed on tenant ${tenantLabel(row)}.`);
      applied[row.id] = encodeObserved(r.observed);
      originals[row.id] = encodeOriginal(r.original);
    }
    const first = applied[ids[0]!];
    state.enabled = isObject(first) ? first.enabled === true : false;
    state.applied = applied;
    state.originals = originals;
    return state;
  },
};

/** Import: the current state becomes both what is applied and what a later removal restores. */
async function observeForImport(ctx: VmoodleContext, row: TenantRow, d: Declared): Promise<{ observed: PluginObserved; original: PluginOriginal } | null> {
  const seen = await observePlugin(tenantDb(ctx, row), d.component, d.info, []);
  if (!seen) return null;
  return { observed: seen, original: { enabled: seen.enabled, position: seen.position, settings: {} } };
}
