// data "vmoodle_role_comparison": one role across tenants, capability by capability (VMoodle's
// Role_Compare matrix as data), with the differences listed so `check` blocks and outputs can use it.
import { T, type BlockSchema } from '../framework/schema';
import type { DataSource } from '../framework/resource';
import type { ObjectValue } from '../framework/plan';
import { reqStr, stringList } from '../framework/values';
import type { VmoodleContext } from '../provider';
import { checkTenantList, resolveTenants } from '../fleet/targets';
import { describeFailures, forEachTenant } from '../fleet/each';
import { tenantDb } from '../fleet/tenant-db';
import { validateRoleShortname } from '../moodle/roles-model';
import { findRole, rolePermissions, systemContext } from '../moodle/roles-read';
import { differingCapabilities, permissionMatrix } from '../moodle/roles-fold';
import { knownList, tenantsAttribute } from './role';

const schema: BlockSchema = {
  version: 0,
  description:
    'Compares one role across tenants, capability by capability, at the system context. Every capability some tenant stores a permission for is compared (a tenant without a row counts as `inherit`); the ones that differ are listed.',
  attributes: {
    tenants: { ...tenantsAttribute, description: 'Ids of the tenants to compare (at least one).' },
    shortname: { type: T.string, required: true, validate: [(v) => (typeof v === 'string' ? validateRoleShortname(v) : null)], description: 'Shortname of the role.' },
    capabilities: {
      type: T.map(T.map(T.string)),
      computed: true,
      description: 'Capability → tenant id → `allow`, `prevent`, `prohibit` or `inherit`, for every capability stored on at least one tenant.',
    },
    differences: {
      type: T.list(T.object({ capability: T.string, permissions: T.map(T.string) })),
      computed: true,
      description: 'The capabilities whose permission is not the same on every tenant, sorted by name, each with its permission per tenant.',
    },
    differing_capabilities: { type: T.list(T.string), computed: true, description: 'Names of the differing capabilities, sorted.' },
    missing_on: { type: T.list(T.string), computed: true, description: 'Tenants where the role does not exist (their permissions count as `inherit`).' },
    identical: { type: T.bool, computed: true, description: 'True when the role exists on every tenant and no capability differs.' },
  },
};

export const roleComparisonDataSource: DataSource<VmoodleContext> = {
  typeName: 'vmoodle_role_comparison',
  schema,

  validate(config, diags) {
    const ids = knownList(config, 'tenants');
    if (ids) checkTenantList(ids, ['tenants'], diags);
  },

  async read(config, { provider, diags }): Promise<ObjectValue> {
    const ids = stringList(config, 'tenants') ?? [];
    const shortname = reqStr(config, 'shortname');
    const rows = await resolveTenants(provider, ids, ['tenants'], diags);
    if (diags.hasErrors) return { tenants: ids, shortname, capabilities: null, differences: null, differing_capabilities: null, missing_on: null, identical: null };
    const outcomes = await forEachTenant(rows, async (row) => {
      const t = tenantDb(provider, row);
      const role = await findRole(t.pool, t, shortname);
      if (!role) return null;
      return rolePermissions(t.pool, t, role.id, (await systemContext(t.pool, t)).id);
    });
    // A comparison with a tenant left out would be a wrong answer, not a partial one.
    if (outcomes.some((o) => !o.ok)) throw new Error(`Could not read role ${shortname} on every tenant:\n${describeFailures(outcomes)}`);
    const byTenant = new Map(outcomes.map((o) => [o.row.id, o.value ?? {}]));
    const matrix = permissionMatrix(byTenant);
    const differing = differingCapabilities(matrix);
    const missing = outcomes.filter((o) => o.value === null).map((o) => o.row.id);
    return {
      tenants: ids,
      shortname,
      capabilities: Object.fromEntries([...matrix].map(([c, perTenant]) => [c, Object.fromEntries(perTenant)])),
      differences: differing.map((c) => ({ capability: c, permissions: Object.fromEntries(matrix.get(c)!) })),
      differing_capabilities: differing,
      missing_on: missing,
      identical: differing.length === 0 && missing.length === 0,
    };
  },
};
