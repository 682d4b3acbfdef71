// vmoodle_plugin_comparison: one plugin, or every plugin of one type, across tenants side by side
// (VMoodle's Plugins_Compare screen as data): installed version, enabled state and settings, plus
// the list of plugins that are not the same everywhere.
import { T, type BlockSchema } from '../framework/schema';
import type { DataSource } from '../framework/resource';
import type { ObjectValue } from '../framework/plan';
import { str } from '../framework/values';
import type { VmoodleContext } from '../provider';
import { tenantDb } from '../fleet/tenant-db';
import { parseComponent, pluginType, isSupported } from '../moodle/plugins';
import { reportPlugin, installedOfType, type PluginReport } from '../moodle/plugins-state';
import { tenantsAttribute, knownIds, validateTenants, resolveForApply, forEachTenant, tenantLabel } from './fleet-admin-common';

const entryType = T.object({ installed: T.bool, version: T.string, enabled: T.bool, settings: T.map(T.string) });

export const pluginComparisonSchema: BlockSchema = {
  version: 0,
  description:
    'One plugin, or every installed plugin of one type, compared across tenants: installed version, enabled state (as Moodle reads it for the type) ' +
    'and settings (`config_plugins` rows), side by side.',
  attributes: {
    tenants: tenantsAttribute,
    plugin: { type: T.string, optional: true, description: 'A frankenstyle plugin name, e.g. `mod_chat`. Set this or `plugin_type`.' },
    plugin_type: { type: T.string, optional: true, description: 'A plugin type, e.g. `auth`: every plugin of that type installed on any of the tenants.' },
    plugins: {
      type: T.map(T.map(entryType)),
      computed: true,
      description:
        'Plugin → tenant id → `installed`, `version` (null when not installed), `enabled` (null when not installed or the type has no enable switch) and `settings`.',
    },
    differing: { type: T.list(T.string), computed: true, description: 'Plugins whose version, enabled state or settings are not the same on every tenant, sorted.' },
    errors: { type: T.map(T.string), computed: true, description: 'Tenant id → why it could not be read. Such tenants are left out of `plugins`.' },
  },
};

const TYPE = /^[a-z][a-z0-9]*$/;

function entry(r: PluginReport): ObjectValue {
  return { installed: r.version !== null, version: r.version, enabled: r.enabled, settings: { ...r.settings } };
}

function fingerprint(r: PluginReport): string {
  return JSON.stringify([r.version, r.enabled, Object.entries(r.settings).sort(([a], [b]) => (a < b ? -1 : 1))]);
}

export const pluginComparisonDataSource: DataSource<VmoodleContext> = {
  typeName: 'vmoodle_plugin_comparison',
  schema: pluginComparisonSchema,

  validate(config, diags) {
    validateTenants(config, diags);
    const plugin = config.plugin ?? null;
    const type = config.plugin_type ?? null;
    if (plugin === null && type === null) diags.error('Nothing to compare', 'Set plugin (e.g. "mod_chat") or plugin_type (e.g. "auth").', ['plugin']);
    if (plugin !== null && type !== null) diags.error('Conflicting arguments', 'Set either plugin or plugin_type, not both.', ['plugin_type']);
    if (typeof plugin === 'string' && !parseComponent(plugin)) diags.error('Invalid plugin', `"${plugin}" is not a frankenstyle plugin name such as mod_chat.`, ['plugin']);
    if (typeof type === 'string' && !TYPE.test(type)) diags.error('Invalid plugin_type', `"${type}" is not a plugin type such as auth or mod.`, ['plugin_type']);
  },

  async read(config, { provider, diags }) {
    const ids = knownIds(config) ?? [];
    const plugin = str(config, 'plugin');
    const type = str(config, 'plugin_type');
    const rows = await resolveForApply(provider, ids, diags);
    const errors: Record<string, string> = {};

    let components: string[] = plugin ? [plugin] : [];
    if (type) {
      const found = new Set<string>();
      const lists = await forEachTenant(rows, (row) => installedOfType(tenantDb(provider, row), type));
      for (const o of lists) {
        if (o.ok) for (const c of o.value ?? []) found.add(c);
        else errors[o.row.id] = o.error ?? 'unknown error';
      }
      components = [...found].sort();
    }

    const reports = new Map<string, Map<string, PluginReport>>();
    for (const component of components) {
      const parsed = parseComponent(component);
      if (!parsed) continue;
      const info = pluginType(parsed.type);
      const outcomes = await forEachTenant(
        rows.filter((r) => !(r.id in errors)),
        (row) => reportPlugin(tenantDb(provider, row), parsed, isSupported(info) ? info : null),
      );
      const perTenant = new Map<string, PluginReport>();
      for (const o of outcomes) {
        if (o.ok && o.value) perTenant.set(o.row.id, o.value);
        else errors[o.row.id] = o.error ?? 'unknown error';
      }
      reports.set(component, perTenant);
    }

    const plugins: ObjectValue = {};
    const differing: string[] = [];
    for (const [component, perTenant] of reports) {
      const byTenant: ObjectValue = {};
      const prints = new Set<string>();
      for (const id of ids) {
        const r = perTenant.get(id);
        if (!r || id in errors) continue;
        byTenant[id] = entry(r);
        prints.add(fingerprint(r));
      }
      plugins[component] = byTenant;
      if (prints.size > 1) differing.push(component);
    }
    for (const row of rows) {
      if (errors[row.id] !== undefined) diags.warning(`Could not read plugins on tenant ${tenantLabel(row)}`, `${errors[row.id]}\nThe tenant is listed in errors and left out of plugins.`);
    }
    return { ...config, plugins, differing: differing.sort(), errors };
  },
};
