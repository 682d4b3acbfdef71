// vmoodle_capability: one capability's permission for several roles, pushed to a set of tenants
// (VMoodle's Role_Capability_Sync without a source site). Roles are named by shortname, since ids
// differ from site to site.
import { T, type BlockSchema } from '../framework/schema';
import type { Resource } from '../framework/resource';
import type { ObjectValue } from '../framework/plan';
import type { Diagnostics } from '../framework/diagnostics';
import { isKnown, reqStr, stringList, stringMap } from '../framework/values';
import { UNKNOWN, type CtyValue } from '../plugin/cty';
import type { VmoodleContext } from '../provider';
import { checkTenantList, resolveTenants } from '../fleet/targets';
import { forEachTenant } from '../fleet/each';
import { tenantDb } from '../fleet/tenant-db';
import { isPermission, validateCapabilityName, validateRoleShortname, type Permission } from '../moodle/roles-model';
import { capabilityPermissions } from '../moodle/roles-read';
import { applyCapability } from '../moodle/roles-write';
import { foldPermissions } from '../moodle/roles-fold';
import { checkReferences, registeredTenants, tenantsAtPlan } from '../moodle/roles-check';
import { reportTenantFailures } from '../moodle/roles-report';
import { knownList, knownMapEntries, tenantsAttribute } from './role';

export const capabilitySchema: BlockSchema = {
  version: 0,
  description:
    "One capability's permission for several roles at the system context, on a set of tenants. Roles not listed keep their permission. Moodle's access caches are invalidated after each change. Destroying the resource leaves the permissions as they are. Do not also manage a listed role with a `vmoodle_role` in `exact` mode that leaves this capability out: the two would undo each other.",
  attributes: {
    id: { type: T.string, computed: true, description: 'The capability name.' },
    tenants: tenantsAttribute,
    capability: {
      type: T.string,
      required: true,
      requiresReplace: true,
      validate: [(v: CtyValue) => (typeof v === 'string' ? validateCapabilityName(v) : null)],
      description: 'Capability name, e.g. `moodle/course:view`. It must exist on every tenant.',
    },
    permissions: {
      type: T.map(T.string),
      required: true,
      description: 'Role shortname → `allow`, `prevent`, `prohibit` or `inherit` (stored as 1, -1, -1000, no row). Every role must exist on every tenant.',
    },
  },
};

async function applyEverywhere(planned: ObjectValue, provider: VmoodleContext, diags: Diagnostics): Promise<ObjectValue> {
  const ids = stringList(planned, 'tenants') ?? [];
  const capability = reqStr(planned, 'capability');
  const permissions = (stringMap(planned, 'permissions') ?? {}) as Record<string, Permission>;
  const rows = await resolveTenants(provider, ids, ['tenants'], diags);
  const errors = new Map<string, unknown>();
  const outcomes = await forEachTenant(rows, async (row) => {
    try {
      await applyCapability(tenantDb(provider, row), capability, permissions);
    } catch (err) {
      errors.set(row.id, err);
      throw err;
    }
  });
  const ok = reportTenantFailures(diags, `set ${capability}`, outcomes, errors, {
    capability: () => ['capability'],
    role: (r) => ['permissions', { key: r }],
    fallback: ['tenants'],
  });
  return { ...planned, id: capability, tenants: ids.filter((id) => ok.has(id)) };
}

export const capabilityResource: Resource<VmoodleContext> = {
  typeName: 'vmoodle_capability',
  schema: capabilitySchema,

  validate(config, diags) {
    const ids = knownList(config, 'tenants');
    if (ids) checkTenantList(ids, ['tenants'], diags);
    for (const [role, permission] of knownMapEntries(config, 'permissions')) {
      const bad = validateRoleShortname(role);
      if (bad) diags.error('Invalid role shortname', bad, ['permissions', { key: role }]);
      if (!isPermission(permission)) diags.error('Invalid permission', `"${permission}" is not a permission; use allow, prevent, prohibit or inherit.`, ['permissions', { key: role }]);
    }
  },

  async modifyPlan({ planned }, { provider, diags }) {
    planned.id = isKnown(planned, 'capability') ? planned.capability ?? null : UNKNOWN;
    const ids = knownList(planned, 'tenants');
    if (ids === null || !isKnown(planned, 'capability')) return;
    const rows = await tenantsAtPlan(provider, ids, diags);
    const roles = new Map(knownMapEntries(planned, 'permissions').map(([r]) => [r, [['permissions', { key: r }]]]));
    await checkReferences(provider, rows, { capabilities: [reqStr(planned, 'capability')], capabilityPath: () => ['capability'], roles }, diags);
  },

  async create({ planned }, { provider, diags }) {
    return applyEverywhere(planned, provider, diags);
  },

  async update({ planned }, { provider, diags }) {
    return applyEverywhere(planned, provider, diags);
  },

  async read(state, { provider, diags }) {
    const ids = stringList(state, 'tenants') ?? [];
    const capability = reqStr(state, 'capability');
    const rows = await registeredTenants(provider, ids);
    const outcomes = await forEachTenant(rows, (row) => {
      const t = tenantDb(provider, row);
      return capabilityPermissions(t.pool, t, capability);
    });
    const observed: Array<Record<string, string>> = [];
    for (const o of outcomes) {
      if (o.ok) observed.push(o.value!);
      else diags.warning(`Could not read ${capability} on ${o.row.host}`, `Tenant ${o.row.host} (${o.row.id}): ${o.error}`);
    }
    const kept = ids.filter((id) => rows.some((r) => r.id === id));
    if (kept.length === 0) return null;
    // Merge semantics: only the roles this resource lists are compared.
    return { ...state, tenants: kept, permissions: foldPermissions(stringMap(state, 'permissions') ?? {}, observed, false) };
  },

  async delete() {
    // Deliberately nothing: there is no "previous" permission to go back to.
  },

  async importState(id, { provider, diags }) {
    const at = id.indexOf('@');
    const capability = at > 0 ? id.slice(0, at) : '';
    const ids = at > 0 ? id.slice(at + 1).split(',').map((s) => s.trim()).filter(Boolean) : [];
    if (validateCapabilityName(capability) !== null || ids.length === 0) {
      throw new Error(`Import id "${id}" must be <capability>@<tenant id>[,<tenant id>…], e.g. moodle/course:view@default/moodle_physics,default/moodle_maths`);
    }
    const rows = await resolveTenants(provider, ids, [], diags);
    const first = rows[0];
    if (!first) return null;
    const t = tenantDb(provider, first);
    // Every role with a row on the first tenant; the next refresh folds in the others' differences.
    return { id: capability, tenants: rows.map((r) => r.id), capability, permissions: await capabilityPermissions(t.pool, t, capability) };
  },
};
