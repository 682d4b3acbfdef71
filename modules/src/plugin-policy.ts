// PluginPolicy: the plugin states and settings a group of tenants must have. One vmoodle_plugin_state
// per plugin whose state is declared (with that plugin's settings), and one vmoodle_config for the
// remaining core and plugin settings. Tenants must hold a Moodle database (created from a template).
import { Construct, type TerraformProvider } from './cdk';
import { PluginStateResource, ConfigResource } from './bindings';
import { tenantIds, tenantListIssues, type TenantRef } from './refs';
import { SpecError, type SpecIssue } from './errors';

/** Frankenstyle: `type_name`, lower case (auth_cas, mod_forum, tiny_h5p). */
export const FRANKENSTYLE = /^[a-z][a-z0-9]*_[a-z0-9_]+$/;
const SETTING = /^[A-Za-z0-9_]{1,100}$/;
const CORE_SETTING = /^[a-z_][a-z0-9_]{0,99}$/;

export interface PluginRule {
  /** Whether the plugin is enabled on every tenant of the group. */
  readonly enabled: boolean;
  /** Its own settings (config_plugins rows), written with the state. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface PluginPolicySpec {
  /** Plugin (frankenstyle) → state and settings. */
  readonly plugins?: Readonly<Record<string, PluginRule>>;
  /** Core settings ($CFG names, table config). */
  readonly settings?: Readonly<Record<string, string>>;
  /** Settings of plugins whose enabled state the policy leaves alone: plugin → name → value. */
  readonly pluginSettings?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface PluginPolicyProps extends PluginPolicySpec {
  readonly tenants: readonly TenantRef[];
  readonly provider?: TerraformProvider;
}

function specIssues(source: string, spec: PluginPolicySpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const at = (path: string, message: string) => issues.push({ location: { source, path }, message });
  const checkSettings = (path: string, settings: Readonly<Record<string, string>> | undefined, rule: RegExp) => {
    for (const name of Object.keys(settings ?? {})) if (!rule.test(name)) at(`${path}.${name}`, `"${name}" is not a setting name (${rule === CORE_SETTING ? 'lower-case letters, digits and _' : 'letters, digits and _'})`);
  };
  for (const [plugin, rule] of Object.entries(spec.plugins ?? {})) {
    if (!FRANKENSTYLE.test(plugin)) at(`plugins.${plugin}`, `"${plugin}" is not a frankenstyle plugin name (type_name, e.g. mod_chat)`);
    checkSettings(`plugins.${plugin}.settings`, rule.settings, SETTING);
    if (spec.pluginSettings?.[plugin]) at(`pluginSettings.${plugin}`, `${plugin} has its state declared in plugins; put its settings in plugins.${plugin}.settings so one resource owns them`);
  }
  for (const [plugin, settings] of Object.entries(spec.pluginSettings ?? {})) {
    if (!FRANKENSTYLE.test(plugin)) at(`pluginSettings.${plugin}`, `"${plugin}" is not a frankenstyle plugin name (type_name, e.g. auth_cas)`);
    checkSettings(`pluginSettings.${plugin}`, settings, SETTING);
  }
  checkSettings('settings', spec.settings, CORE_SETTING);
  const empty = Object.keys(spec.plugins ?? {}).length + Object.keys(spec.settings ?? {}).length + Object.keys(spec.pluginSettings ?? {}).length === 0;
  if (empty) at('plugins', 'the policy declares nothing: give plugins, settings or pluginSettings');
  return issues;
}

export class PluginPolicy extends Construct {
  /** vmoodle_plugin_state per plugin, keyed by plugin name. */
  readonly pluginStates: ReadonlyMap<string, PluginStateResource>;
  /** The vmoodle_config holding settings and pluginSettings, when there are any. */
  readonly config?: ConfigResource;

  constructor(scope: Construct, id: string, props: PluginPolicyProps) {
    super(scope, id);
    const source = `PluginPolicy "${this.node.path}"`;
    const issues = [...tenantListIssues(source, 'tenants', props.tenants), ...specIssues(source, props)];
    if (issues.length > 0) throw new SpecError(issues);
    const tenants = tenantIds(props.tenants);
    const states = new Map<string, PluginStateResource>();
    for (const [plugin, rule] of Object.entries(props.plugins ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      states.set(plugin, new PluginStateResource(this, plugin, { provider: props.provider, plugin, enabled: rule.enabled, settings: rule.settings ? { ...rule.settings } : undefined, tenants }));
    }
    this.pluginStates = states;
    const settings = props.settings && Object.keys(props.settings).length > 0 ? { ...props.settings } : undefined;
    const pluginSettings = props.pluginSettings && Object.keys(props.pluginSettings).length > 0
      ? Object.fromEntries(Object.entries(props.pluginSettings).map(([p, s]) => [p, { ...s }]))
      : undefined;
    if (settings || pluginSettings) this.config = new ConfigResource(this, 'settings', { provider: props.provider, tenants, settings, pluginSettings });
  }
}
