// Constellation: many tenants with shared defaults, grouped into MNET subnetworks, from an array or
// a VMoodle-style CSV nodelist. The whole input is checked before any resource is created, and
// every problem names where it was written (CSV line and column, or array path).
import { createHash } from 'node:crypto';
import { Construct, type TerraformProvider } from './cdk';
import type { TenantSpec, TenantDefaults } from './spec-types';
import { MoodleTenant, derivedNameProblems } from './tenant';
import { resolveTenant, type ResolvedTenant } from './resolve';
import { checkNodelistDocument } from './schema';
import { locatedArray, placeProblems, type LocatedTenants } from './located';
import { readNodelist } from './nodelist';
import { SpecError, formatLocation, type SpecIssue } from './errors';
import { MnetSubnetwork, SUBNETWORK_NAME, type SubnetworkSettings } from './subnetwork';
import { PluginPolicy } from './plugin-policy';

export interface ConstellationProps {
  /** Tenants given in code. */
  readonly tenants?: readonly TenantSpec[];
  /** Or a VMoodle-style CSV nodelist: its path, or what parseNodelist/readNodelist returned. */
  readonly nodelist?: string | LocatedTenants;
  /** Settings every tenant shares; a tenant's own values win. */
  readonly defaults?: TenantDefaults;
  /**
   * Settings per MNET subnetwork (the tenants' `subnetwork`, the nodelist's mnet column). When
   * given, it is also the list of allowed names, so a typo in the nodelist is an error; when
   * absent, every name used makes a subnetwork with the provider's defaults.
   */
  readonly subnetworks?: Readonly<Record<string, SubnetworkSettings>>;
  /** The vmoodle provider instance to use (default: the stack's vmoodle provider). */
  readonly provider?: TerraformProvider;
}

function inputOf(props: ConstellationProps): LocatedTenants {
  if (props.tenants && props.nodelist) throw new SpecError([{ location: { source: 'Constellation' }, message: 'give either tenants or nodelist, not both' }]);
  if (props.nodelist !== undefined) return typeof props.nodelist === 'string' ? readNodelist(props.nodelist) : props.nodelist;
  if (props.tenants) return locatedArray(props.tenants);
  throw new SpecError([{ location: { source: 'Constellation' }, message: 'give tenants (an array) or nodelist (a CSV file)' }]);
}

/** Where a resolved value came from: the tenant's own field, or the field it was derived from. */
function originOf(spec: TenantSpec, what: 'host' | 'shortname' | 'database' | 'user' | 'dataroot'): string[] {
  switch (what) {
    case 'host':
      return ['host'];
    case 'shortname':
      return ['shortname'];
    case 'database':
      return spec.database?.name !== undefined ? ['database', 'name'] : ['shortname'];
    case 'user':
      return spec.database?.user !== undefined ? ['database', 'user'] : originOf(spec, 'database');
    case 'dataroot':
      return spec.dataroot !== undefined ? ['dataroot'] : ['shortname'];
  }
}

const OWN_FIELD: Record<string, string> = { host: 'host', shortname: 'shortname', database: 'database.name', user: 'database.user', dataroot: 'dataroot' };

/** Fleet-wide rules one tenant cannot check alone: what must be unique across the constellation. */
function uniquenessIssues(resolved: readonly ResolvedTenant[], input: LocatedTenants): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const rules: Array<{ what: 'host' | 'shortname' | 'database' | 'user' | 'dataroot'; label: string; key: (t: ResolvedTenant) => string | undefined }> = [
    { what: 'host', label: 'host', key: (t) => t.host },
    { what: 'shortname', label: 'shortname', key: (t) => t.shortname.toLowerCase() },
    { what: 'database', label: 'database', key: (t) => `${t.database.server}/${t.database.name}` },
    { what: 'user', label: 'database user', key: (t) => `${t.database.server}/${t.database.user}` },
    { what: 'dataroot', label: 'data folder', key: (t) => t.dataroot },
  ];
  for (const rule of rules) {
    const first = new Map<string, number>();
    resolved.forEach((t, i) => {
      const key = rule.key(t);
      if (key === undefined) return;
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, i);
        return;
      }
      const here = originOf(input.tenants[i]!, rule.what);
      const there = originOf(input.tenants[earlier]!, rule.what);
      const derivedHere = here.join('.') !== OWN_FIELD[rule.what];
      // Both derived from fields already reported as duplicates (a user from a duplicate database
      // name, a data folder from a duplicate shortname): one report is enough.
      if (derivedHere && there.join('.') !== OWN_FIELD[rule.what] && (rule.what === 'user' || rule.what === 'dataroot')) return;
      issues.push({
        location: input.locate(i, here),
        message: `${rule.label} "${key}"${derivedHere ? ` (derived from ${here.join('.')})` : ''} is also used by ${formatLocation(input.locate(earlier, there))}`,
      });
    });
  }
  return issues;
}

/** Subnetwork names: used by no tenant / not declared in props.subnetworks. */
function subnetworkIssues(resolved: readonly ResolvedTenant[], input: LocatedTenants, declared: Readonly<Record<string, SubnetworkSettings>> | undefined): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (!declared) return issues;
  const names = Object.keys(declared);
  resolved.forEach((t, i) => {
    if (t.subnetwork !== undefined && !(t.subnetwork in declared)) {
      issues.push({ location: input.locate(i, ['subnetwork']), message: `subnetwork "${t.subnetwork}" is not declared; declared: ${names.join(', ') || '(none)'}` });
    }
  });
  for (const name of names) {
    if (!SUBNETWORK_NAME.test(name)) issues.push({ location: { source: 'subnetworks', path: `subnetworks.${name}` }, message: `"${name}" is not a subnetwork name: 1 to 64 lower-case letters, digits, ".", "_" or "-"` });
    else if (!resolved.some((t) => t.subnetwork === name)) issues.push({ location: { source: 'subnetworks', path: `subnetworks.${name}` }, message: 'no tenant joins this subnetwork (a subnetwork needs at least one member)' });
  }
  return issues;
}

/** Groups tenants that carry exactly the same plugin settings, so 300 identical rows make one resource. */
function pluginSettingGroups(tenants: readonly MoodleTenant[]): Map<string, { settings: Record<string, Record<string, string>>; tenants: MoodleTenant[] }> {
  const groups = new Map<string, { settings: Record<string, Record<string, string>>; tenants: MoodleTenant[] }>();
  for (const t of tenants) {
    const settings = t.spec.pluginSettings;
    if (!settings) continue;
    const canonical = JSON.stringify(Object.keys(settings).sort().map((p) => [p, Object.keys(settings[p]!).sort().map((k) => [k, settings[p]![k]])]));
    // Keyed by content, not position: the construct id (and so the resource address) survives
    // rows being added or reordered.
    const key = createHash('sha256').update(canonical).digest('hex').slice(0, 12);
    const group = groups.get(key) ?? { settings: Object.fromEntries(Object.entries(settings).map(([p, s]) => [p, { ...s }])), tenants: [] };
    group.tenants.push(t);
    groups.set(key, group);
  }
  return groups;
}

const byShortname = (a: MoodleTenant, b: MoodleTenant): number => (a.shortname < b.shortname ? -1 : a.shortname > b.shortname ? 1 : 0);

export class Constellation extends Construct {
  /** Every tenant, in input order. */
  readonly tenants: readonly MoodleTenant[];
  /** One MnetSubnetwork per name the tenants use. */
  readonly subnetworks: ReadonlyMap<string, MnetSubnetwork>;
  private readonly byShortname = new Map<string, MoodleTenant>();

  constructor(scope: Construct, id: string, props: ConstellationProps) {
    super(scope, id);
    const input = inputOf(props);
    const defaults = props.defaults ?? {};
    const issues = placeProblems(checkNodelistDocument({ defaults, tenants: input.tenants }), input);
    if (issues.length === 0) {
      const resolved = input.tenants.map((spec) => resolveTenant(spec, defaults));
      resolved.forEach((t, i) => {
        for (const p of derivedNameProblems(t)) issues.push({ location: input.locate(i, p.pointer), message: p.message });
      });
      issues.push(...uniquenessIssues(resolved, input));
      issues.push(...subnetworkIssues(resolved, input, props.subnetworks));
    }
    if (issues.length > 0) throw new SpecError(issues);

    // Each kind in a scope of its own, so a shortname can never clash with a subnetwork name.
    const tenantScope = new Construct(this, 'tenants');
    this.tenants = input.tenants.map((spec) => {
      const tenant = new MoodleTenant(tenantScope, spec.shortname, { ...spec, defaults, provider: props.provider });
      this.byShortname.set(spec.shortname, tenant);
      return tenant;
    });

    const subnetworks = new Map<string, MnetSubnetwork>();
    const names = [...new Set(this.tenants.map((t) => t.spec.subnetwork).filter((n): n is string => n !== undefined))].sort();
    if (names.length > 0) {
      const scope = new Construct(this, 'subnetworks');
      for (const name of names) {
        // Sorted by shortname: reordering nodelist rows changes nothing in the plan.
        const members = this.inSubnetwork(name).sort(byShortname);
        subnetworks.set(name, new MnetSubnetwork(scope, name, { ...props.subnetworks?.[name], name, members, provider: props.provider }));
      }
    }
    this.subnetworks = subnetworks;

    const groups = pluginSettingGroups(this.tenants);
    if (groups.size > 0) {
      const scope = new Construct(this, 'plugin-settings');
      for (const [key, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
        new PluginPolicy(scope, key, { tenants: group.tenants.sort(byShortname), pluginSettings: group.settings, provider: props.provider });
      }
    }
  }

  /** The tenants that join this subnetwork, in input order. */
  inSubnetwork(name: string): MoodleTenant[] {
    return this.tenants.filter((t) => t.spec.subnetwork === name);
  }

  /** The tenant with this shortname; throws when there is none. */
  tenant(shortname: string): MoodleTenant {
    const t = this.byShortname.get(shortname);
    if (!t) throw new Error(`Constellation ${this.node.path} has no tenant "${shortname}"`);
    return t;
  }

  /** The tenants whose resolved spec matches, e.g. `where((t) => t.subnetwork === 'north')`. */
  where(predicate: (spec: ResolvedTenant) => boolean): MoodleTenant[] {
    return this.tenants.filter((t) => predicate(t.spec));
  }
}
