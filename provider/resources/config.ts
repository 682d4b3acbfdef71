// vmoodle_config: core and plugin settings forced on a set of tenants (VMoodle's SetConfig /
// SetPluginConfig as declarations). `applied` holds what each tenant really has, re-read on refresh
// so a value changed by hand shows in the plan; `originals` holds what each tenant had before a key
// was managed, so removing the key (or the tenant, or the resource) puts that value back.
import { T, type BlockSchema } from '../framework/schema';
import type { Resource } from '../framework/resource';
import type { ObjectValue } from '../framework/plan';
import { isObject } from '../framework/plan';
import { UNKNOWN, type CtyValue } from '../plugin/cty';
import type { Diagnostics } from '../framework/diagnostics';
import type { VmoodleContext } from '../provider';
import { tenantDb } from '../fleet/tenant-db';
import { inTransaction, applySettings, readSettings, parseFlatKey, flatKey } from '../moodle/config';
import { invalidateConfigCache } from '../moodle/caches';
import { tenantsAttribute, knownIds, planTenants, validateTenants, resolveForApply, resolveQuietly, resolveForImport, forEachTenant, reportFailures, tenantLabel, asRecord, stringRecord, nullableStringRecord, newId } from './fleet-admin-common';
import type { TenantRow } from '../../registry/writer';

const NAME = /^[A-Za-z0-9_]{1,100}$/;
const PLUGIN = /^[a-z][a-z0-9_]{0,99}$/;

/** Settings that identify the code and the site: writing them makes Moodle demand an upgrade or lose its identity. */
const RESERVED_CORE = new Set(['version', 'release', 'branch', 'allversionshash', 'siteidentifier']);

/** Settings another resource owns: allowed, but two owners undo each other's changes. */
const OWNED_ELSEWHERE: Readonly<Record<string, string>> = {
  auth: 'vmoodle_plugin_state (auth_*)',
  enrol_plugins_enabled: 'vmoodle_plugin_state (enrol_*)',
  texteditors: 'vmoodle_plugin_state (editor_*)',
  media_plugins_sortorder: 'vmoodle_plugin_state (media_*)',
  antiviruses: 'vmoodle_plugin_state (antivirus_*)',
  converter_plugins_sortorder: 'vmoodle_plugin_state (fileconverter_*)',
  paygw_plugins_sortorder: 'vmoodle_plugin_state (paygw_*)',
  webserviceprotocols: 'vmoodle_plugin_state (webservice_*)',
  maintenance_enabled: 'vmoodle_maintenance',
  maintenance_message: 'vmoodle_maintenance',
};

export const configSchema: BlockSchema = {
  version: 0,
  description:
    'Core and plugin settings forced on a set of tenants (rows of `config` and `config_plugins`). After a change the `core/config` cache ' +
    'of each tenant is invalidated so running sites see it. Values changed by hand show up in the plan. Removing a setting from the resource, ' +
    'removing a tenant from `tenants` or destroying the resource puts back the value each tenant had before (or removes the row if it had none).',
  attributes: {
    id: { type: T.string, computed: true, description: 'Random identifier, fixed at creation.' },
    tenants: tenantsAttribute,
    settings: { type: T.map(T.string), default: {}, description: 'Core settings ($CFG names, table `config`), e.g. `{ forcelogin = "1", theme = "boost" }`. Values are strings.' },
    plugin_settings: {
      type: T.map(T.map(T.string)),
      default: {},
      description: 'Plugin settings (table `config_plugins`): plugin (`auth_cas`, `mod_forum`, `moodlecourse`, `question`, ...) → name → value.',
    },
    applied: {
      type: T.map(T.map(T.string)),
      computed: true,
      description: 'Per tenant id: the managed settings as found on the tenant (core names bare, plugin settings as `plugin/name`); unset ones are absent.',
    },
    originals: {
      type: T.map(T.map(T.string)),
      computed: true,
      description: 'Per tenant id: each managed setting\'s value before this resource set it (null = it was unset); restored on removal.',
    },
  },
};

/** settings + plugin_settings as one flat map (config.ts flatKey), or null while its shape is unknown. */
function desiredFlat(o: ObjectValue): Record<string, CtyValue> | null {
  const settings = o.settings ?? {};
  const plugins = o.plugin_settings ?? {};
  if (!isObject(settings) || !isObject(plugins)) return null;
  const out: Record<string, CtyValue> = {};
  for (const [name, v] of Object.entries(settings)) out[name] = v;
  for (const [plugin, names] of Object.entries(plugins)) {
    if (!isObject(names)) return null;
    for (const [name, v] of Object.entries(names)) out[flatKey({ plugin, name })] = v;
  }
  return out;
}

function knownDesired(o: ObjectValue): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(desiredFlat(o) ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

function decodeOriginals(v: CtyValue | undefined): Record<string, Record<string, string | null>> {
  const out: Record<string, Record<string, string | null>> = {};
  for (const [id, x] of Object.entries(asRecord(v))) if (isObject(x)) out[id] = nullableStringRecord(x);
  return out;
}

function validateNames(config: ObjectValue, diags: Diagnostics): void {
  const settings = config.settings ?? null;
  if (isObject(settings)) {
    for (const name of Object.keys(settings)) {
      const path = ['settings', { key: name }];
      if (!NAME.test(name)) diags.error('Invalid setting name', `"${name}" is not a Moodle setting name (letters, digits and _, at most 100).`, path);
      else if (RESERVED_CORE.has(name)) diags.error('Reserved setting', `"${name}" describes the installed Moodle code or the site's identity; changing it in the database makes Moodle demand an upgrade or break caches.`, path);
      else if (OWNED_ELSEWHERE[name]) diags.warning(`"${name}" is managed by ${OWNED_ELSEWHERE[name]}`, `Setting it here as well makes the two resources undo each other's changes; prefer ${OWNED_ELSEWHERE[name]}.`, path);
    }
  }
  const plugins = config.plugin_settings ?? null;
  if (!isObject(plugins)) return;
  for (const [plugin, names] of Object.entries(plugins)) {
    const path = ['plugin_settings', { key: plugin }];
    if (plugin === 'core') diags.error('Core settings belong in settings', 'Put core settings in the settings argument, not under plugin_settings["core"].', path);
    else if (!PLUGIN.test(plugin)) diags.error('Invalid plugin name', `"${plugin}" is not a config_plugins plugin name (lower case letters, digits and _).`, path);
    if (!isObject(names)) continue;
    for (const name of Object.keys(names)) {
      if (!NAME.test(name)) diags.error('Invalid setting name', `"${name}" is not a Moodle setting name (letters, digits and _, at most 100).`, [...path, { key: name }]);
      else if (name === 'version') diags.error('Reserved setting', `"version" records that ${plugin} is installed; it must not be set by hand.`, [...path, { key: name }]);
    }
  }
}

interface TenantResult {
  applied: Record<string, string>;
  originals: Record<string, string | null>;
}

async function applyTenant(ctx: VmoodleContext, row: TenantRow, desired: Record<string, string>, originals: Record<string, string | null>): Promise<TenantResult> {
  const t = tenantDb(ctx, row);
  const r = await inTransaction(t, async (tx) => {
    const res = await applySettings(tx, desired, originals);
    const now = await readSettings(tx, Object.keys(desired).map(parseFlatKey));
    return { ...res, now };
  });
  if (r.changed) await invalidateConfigCache(t);
  const applied: Record<string, string> = {};
  for (const k of Object.keys(desired)) {
    const v = r.now.get(k);
    if (v !== undefined) applied[k] = v;
  }
  return { applied, originals: r.originals };
}

/** config.php (the tenant's forced `config`) wins over the database: say so instead of failing silently. */
function warnForced(rows: readonly TenantRow[], desired: Record<string, string>, diags: Diagnostics): void {
  const hits = new Map<string, string[]>();
  for (const row of rows) {
    for (const key of Object.keys(desired)) if (!key.includes('/') && key in row.config) hits.set(key, [...(hits.get(key) ?? []), row.host]);
  }
  for (const [key, hosts] of hits) {
    diags.warning(`"${key}" is forced by the tenant's config`, `vmoodle_tenant.config sets ${key} for ${hosts.join(', ')}; config.php values win over the database, so the value written here has no visible effect there.`, ['settings', { key }]);
  }
}

async function applyAll(planned: ObjectValue, prior: ObjectValue | null, ctx: VmoodleContext, diags: Diagnostics): Promise<ObjectValue> {
  const ids = knownIds(planned) ?? [];
  const desired = knownDesired(planned);
  const priorOriginals = decodeOriginals(prior?.originals);
  const priorApplied = asRecord(prior?.applied);
  const rows = await resolveForApply(ctx, ids, diags);
  warnForced(rows, desired, diags);

  const results = new Map<string, TenantResult>();
  const outcomes = await forEachTenant(rows, async (row) => {
    results.set(row.id, await applyTenant(ctx, row, desired, priorOriginals[row.id] ?? {}));
  });
  reportFailures(diags, 'Setting config', outcomes, ids);

  // Tenants that left: every original goes back.
  const leaving = await resolveQuietly(ctx, Object.keys(priorOriginals).filter((id) => !ids.includes(id)));
  const restores = await forEachTenant(leaving, (row) => applyTenant(ctx, row, {}, priorOriginals[row.id]!));
  reportFailures(diags, 'Restoring config on a tenant removed from the list', restores, []);

  const applied: ObjectValue = {};
  const originals: ObjectValue = {};
  for (const id of ids) {
    const r = results.get(id);
    if (r) {
      applied[id] = r.applied;
      originals[id] = r.originals;
    } else {
      if (priorApplied[id] !== undefined) applied[id] = priorApplied[id]!;
      if (priorOriginals[id]) originals[id] = priorOriginals[id]!;
    }
  }
  for (const o of restores) if (!o.ok) originals[o.row.id] = priorOriginals[o.row.id]!;
  return { ...planned, applied, originals };
}

export const configResource: Resource<VmoodleContext> = {
  typeName: 'vmoodle_config',
  schema: configSchema,

  validate(config, diags) {
    validateTenants(config, diags);
    validateNames(config, diags);
  },

  async modifyPlan({ prior, planned }, { provider, diags }) {
    // Terraform plans a create twice (plan, then again at apply) and both must agree: a random id
    // is only made at apply.
    const ids = await planTenants(prior, planned, provider, diags);
    const desired = desiredFlat(planned);
    if (ids === null || desired === null) {
      planned.applied = UNKNOWN;
      planned.originals = UNKNOWN;
      return;
    }
    const priorOriginals = decodeOriginals(prior?.originals);
    const applied: ObjectValue = {};
    const originals: ObjectValue = {};
    for (const id of ids) {
      applied[id] = { ...desired };
      const o = priorOriginals[id];
      if (!o) {
        originals[id] = UNKNOWN;
        continue;
      }
      const next: ObjectValue = {};
      for (const key of Object.keys(desired)) next[key] = key in o ? o[key]! : UNKNOWN;
      originals[id] = next;
    }
    planned.applied = applied;
    planned.originals = originals;
  },

  async create({ planned }, { provider, diags }) {
    return applyAll({ ...planned, id: newId('config') }, null, provider, diags);
  },

  async update({ prior, planned }, { provider, diags }) {
    return applyAll(planned, prior, provider, diags);
  },

  async read(state, { provider, diags }) {
    const ids = knownIds(state) ?? [];
    const keys = Object.keys(knownDesired(state)).map(parseFlatKey);
    const rows = await resolveQuietly(provider, ids);
    const seen = new Map<string, Record<string, string>>();
    const outcomes = await forEachTenant(rows, async (row) => {
      const values = await inTransaction(tenantDb(provider, row), (tx) => readSettings(tx, keys));
      seen.set(row.id, Object.fromEntries(values));
    });
    for (const o of outcomes) if (!o.ok) diags.warning(`Could not read settings on tenant ${tenantLabel(o.row)}`, `${o.error ?? ''}\nThe tenant is left out of applied, so the plan shows it as still to do.`);
    const applied: ObjectValue = {};
    for (const id of ids) {
      const v = seen.get(id);
      if (v) applied[id] = v;
    }
    return { ...state, applied };
  },

  async delete(prior, { provider }) {
    const originals = decodeOriginals(prior.originals);
    const rows = await resolveQuietly(provider, Object.keys(originals));
    const outcomes = await forEachTenant(rows, (row) => applyTenant(provider, row, {}, originals[row.id]!));
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) throw new Error(`Could not restore settings on ${failed.length} tenant(s); destroy again to retry:\n${failed.map((o) => `- ${tenantLabel(o.row)}: ${o.error}`).join('\n')}`);
  },

  async importState(id, { provider }) {
    const m = /^([^:]+):(.+)$/.exec(id.trim());
    if (!m) throw new Error(`Import id must be <tenant id>[,<tenant id>...]:<setting>[,<plugin>/<setting>...], e.g. default/moodle_physics:forcelogin,auth_cas/host; got "${id}".`);
    const ids = m[1]!.split(',').map((s) => s.trim()).filter(Boolean);
    const keys = m[2]!.split(',').map((s) => s.trim()).filter(Boolean);
    const rows = await resolveForImport(provider, ids);
    const applied: ObjectValue = {};
    const originals: ObjectValue = {};
    for (const row of rows) {
      const values = await inTransaction(tenantDb(provider, row), (tx) => readSettings(tx, keys.map(parseFlatKey)));
      applied[row.id] = Object.fromEntries(values);
      // What is there now is what a later removal restores.
      originals[row.id] = Object.fromEntries(keys.map((k) => [k, values.get(k) ?? null]));
    }
    // The declared values come from the first tenant; the plan then shows where others differ.
    const first = stringRecord(applied[ids[0]!]);
    const settings: ObjectValue = {};
    const pluginSettings: Record<string, ObjectValue> = {};
    for (const key of keys) {
      if (!(key in first)) continue;
      const k = parseFlatKey(key);
      if (k.plugin === 'core') settings[k.name] = first[key]!;
      else (pluginSettings[k.plugin] ??= {})[k.name] = first[key]!;
    }
    return { id: newId('config'), tenants: ids, settings, plugin_settings: pluginSettings, applied, originals };
  },
};
