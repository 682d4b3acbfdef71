// vmoodle_role: one role's definition (system-context permissions, allow-tables, context levels)
// kept identical on a set of tenants: VMoodle's Role_Sync / Role_Allow_Sync as a declaration.
// The Moodle side lives in provider/moodle/roles-*.ts; this file maps Terraform values onto it.
import { T, type BlockSchema } from '../framework/schema';
import type { Resource } from '../framework/resource';
import type { ObjectValue } from '../framework/plan';
import type { Diagnostics, Path } from '../framework/diagnostics';
import { isKnown, str, reqStr, stringList, stringMap } from '../framework/values';
import { UNKNOWN, isUnknown, type CtyValue } from '../plugin/cty';
import { isObject } from '../framework/plan';
import type { VmoodleContext } from '../provider';
import { checkTenantList, resolveTenants } from '../fleet/targets';
import { forEachTenant } from '../fleet/each';
import { tenantDb } from '../fleet/tenant-db';
import { ALLOW_KINDS, ARCHETYPES, CONTEXT_LEVELS, isPermission, validateCapabilityName, validateRoleShortname, type AllowKind, type Permission } from '../moodle/roles-model';
import { observeRole, type RoleObservation } from '../moodle/roles-read';
import { applyRole, type RoleSpec } from '../moodle/roles-write';
import { foldPermissions, foldValue, sameList } from '../moodle/roles-fold';
import { checkReferences, registeredTenants, tenantsAtPlan, warnExactRemovals } from '../moodle/roles-check';
import { reportTenantFailures } from '../moodle/roles-report';

const MODES = ['exact', 'merge'];

/** The `tenants` argument of every fleet resource in this family. */
export const tenantsAttribute = {
  type: T.list(T.string),
  required: true,
  validate: [(v: CtyValue) => (Array.isArray(v) && v.length === 0 ? 'list at least one tenant id' : null)],
  description: 'Ids of the tenants (`vmoodle_tenant.<name>.id`, e.g. `default/moodle_physics`).',
};

/** The list, or null while it or any element is unknown (element indices must match the configuration). */
export function knownList(v: ObjectValue, key: string): string[] | null {
  const x = v[key] ?? null;
  return Array.isArray(x) && x.every((e) => typeof e === 'string') ? (x as string[]) : null;
}

/** The map, or null while it or any value is unknown. */
export function knownMap(v: ObjectValue, key: string): Record<string, string> | null {
  const x = v[key] ?? null;
  if (x === null) return {};
  if (!isObject(x)) return null;
  const entries = knownMapEntries(v, key);
  return entries.length === Object.keys(x).length ? Object.fromEntries(entries) : null;
}

/** The known strings of a list or set attribute (unknown elements skipped): config may be partly unknown. */
function knownStrings(v: ObjectValue, key: string): string[] {
  const x = v[key] ?? null;
  return Array.isArray(x) ? x.filter((e): e is string => typeof e === 'string') : [];
}

/** The known string entries of a map attribute. */
export function knownMapEntries(v: ObjectValue, key: string): Array<[string, string]> {
  const x = v[key] ?? null;
  if (!isObject(x)) return [];
  return Object.entries(x).flatMap(([k, e]) => (typeof e === 'string' && !isUnknown(e) ? [[k, e] as [string, string]] : []));
}

const allowAttribute = (what: string) => ({
  type: T.set(T.string),
  optional: true,
  validate: [(v: CtyValue) => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? validateRoleShortname(x) : null)).find((p) => p) ?? null : null)],
  description: `Shortnames of the roles that holders of this role may ${what} (Moodle's "Allow role ${what.split(' ')[0]}s" tab). Exactly this set when given; left as it is when omitted.`,
});

export const roleSchema: BlockSchema = {
  version: 0,
  description:
    "A Moodle role kept identical on a set of tenants: its permissions at the system context (the role definition), and optionally its names, archetype, context levels and allow-tables. The role is created where it is missing. Moodle's access caches are invalidated after each change. Destroying the resource stops managing the role; it is not deleted from the sites (that would unassign users).",
  attributes: {
    id: { type: T.string, computed: true, description: 'The role shortname.' },
    tenants: tenantsAttribute,
    shortname: { type: T.string, required: true, requiresReplace: true, validate: [(v) => (typeof v === 'string' ? validateRoleShortname(v) : null)], description: 'Role shortname, e.g. `editingteacher`. Changing it manages another role.' },
    name: { type: T.string, optional: true, description: "Full name. Empty means Moodle's language string for standard roles. Left as it is when omitted (a created role gets '')." },
    description: { type: T.string, optional: true, description: 'Description. Left as it is when omitted.' },
    archetype: {
      type: T.string,
      optional: true,
      validate: [(v) => (typeof v === 'string' && v !== '' && !ARCHETYPES.includes(v) ? `"${v}" is not an archetype; use one of ${ARCHETYPES.join(', ')} or "".` : null)],
      description: 'Archetype (`manager`, `editingteacher`, `student`, …, or `""`). Left as it is when omitted.',
    },
    mode: {
      type: T.string,
      default: 'merge',
      validate: [(v) => (typeof v === 'string' && !MODES.includes(v) ? `mode must be "exact" or "merge", not "${v}".` : null)],
      description: '`exact`: permissions at the system context not listed in `capabilities` are removed. `merge`: only the listed capabilities are touched.',
    },
    capabilities: {
      type: T.map(T.string),
      required: true,
      description: 'Capability → `allow`, `prevent`, `prohibit` or `inherit`, at the system context. Stored as Moodle stores them: 1, -1, -1000, and no row for inherit. Every capability must exist on every tenant.',
    },
    context_levels: {
      type: T.set(T.string),
      optional: true,
      validate: [(v) => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' && !(x in CONTEXT_LEVELS) ? `"${x}" is not a context level; use ${Object.keys(CONTEXT_LEVELS).join(', ')}.` : null)).find((p) => p) ?? null : null)],
      description: "Context levels where the role may be assigned (`system`, `user`, `coursecat`, `course`, `module`, `block`). Exactly this set when given; when omitted an existing role keeps its own and a created role gets its archetype's defaults.",
    },
    allow_assign: allowAttribute('assign'),
    allow_override: allowAttribute('override'),
    allow_switch: allowAttribute('switch to'),
    allow_view: allowAttribute('view'),
    role_ids: { type: T.map(T.number), computed: true, description: 'Tenant id → id of the role in that site\'s `role` table.' },
  },
};

function specFrom(v: ObjectValue): RoleSpec {
  const allows: Partial<Record<AllowKind, readonly string[]>> = {};
  for (const kind of ALLOW_KINDS) {
    const names = stringList(v, kind);
    if (names !== null) allows[kind] = names;
  }
  return {
    shortname: reqStr(v, 'shortname'),
    name: str(v, 'name'),
    description: str(v, 'description'),
    archetype: str(v, 'archetype'),
    exact: str(v, 'mode') === 'exact',
    capabilities: (stringMap(v, 'capabilities') ?? {}) as Record<string, Permission>,
    contextLevels: stringList(v, 'context_levels'),
    allows,
  };
}

/** Names in the configuration, with the attributes naming them, for plan-time and apply-time errors. */
function rolePaths(v: ObjectValue): Map<string, Path[]> {
  const own = isKnown(v, 'shortname') ? str(v, 'shortname') : null;
  const out = new Map<string, Path[]>();
  for (const kind of ALLOW_KINDS) {
    for (const name of knownStrings(v, kind)) {
      if (name === own) continue; // created by this resource if missing
      out.set(name, [...(out.get(name) ?? []), [kind]]);
    }
  }
  return out;
}

/** The state after an apply: what was planned, limited to the tenants where it succeeded. */
function appliedState(planned: ObjectValue, ids: readonly string[], ok: ReadonlySet<string>, roleIds: ReadonlyMap<string, number>): ObjectValue {
  const kept = ids.filter((id) => ok.has(id));
  return {
    ...planned,
    id: reqStr(planned, 'shortname'),
    tenants: kept,
    role_ids: Object.fromEntries(kept.map((id) => [id, roleIds.get(id)!])),
  };
}

async function applyEverywhere(planned: ObjectValue, provider: VmoodleContext, diags: Diagnostics): Promise<ObjectValue> {
  const ids = stringList(planned, 'tenants') ?? [];
  const spec = specFrom(planned);
  const rows = await resolveTenants(provider, ids, ['tenants'], diags);
  const errors = new Map<string, unknown>();
  const outcomes = await forEachTenant(rows, async (row) => {
    try {
      return await applyRole(tenantDb(provider, row), spec);
    } catch (err) {
      errors.set(row.id, err);
      throw err;
    }
  });
  const paths = rolePaths(planned);
  const ok = reportTenantFailures(diags, `apply role ${spec.shortname}`, outcomes, errors, {
    capability: (c) => ['capabilities', { key: c }],
    role: (r) => paths.get(r)?.[0],
    fallback: ['tenants'],
  });
  const roleIds = new Map(outcomes.filter((o) => o.ok).map((o) => [o.row.id, o.value!.roleId]));
  return appliedState(planned, ids, ok, roleIds);
}

/** Folds what the tenants hold into one state value (see roles-fold.ts for the rule). */
function foldState(state: ObjectValue, kept: readonly string[], seen: ReadonlyMap<string, RoleObservation>): ObjectValue {
  const obs = [...seen.values()];
  const exact = str(state, 'mode') === 'exact';
  const out: ObjectValue = { ...state, tenants: [...kept] };
  out.capabilities = foldPermissions(stringMap(state, 'capabilities') ?? {}, obs.map((o) => o.capabilities), exact);
  for (const key of ['name', 'description', 'archetype'] as const) {
    const applied = str(state, key);
    if (applied !== null) out[key] = foldValue(applied, obs.map((o) => o[key]));
  }
  for (const kind of ALLOW_KINDS) {
    const applied = stringList(state, kind);
    if (applied !== null) out[kind] = foldValue<string[]>(applied, obs.map((o) => o.allows[kind]), sameList);
  }
  const levels = stringList(state, 'context_levels');
  if (levels !== null) out.context_levels = foldValue<string[]>(levels, obs.map((o) => o.contextLevels), sameList);
  const priorIds = (state.role_ids ?? null) as Record<string, CtyValue> | null;
  out.role_ids = Object.fromEntries(kept.map((id) => [id, seen.get(id)?.id ?? priorIds?.[id] ?? null]).filter(([, v]) => v !== null));
  return out;
}

export const roleResource: Resource<VmoodleContext> = {
  typeName: 'vmoodle_role',
  schema: roleSchema,

  validate(config, diags) {
    const ids = knownList(config, 'tenants');
    if (ids) checkTenantList(ids, ['tenants'], diags);
    for (const [capability, permission] of knownMapEntries(config, 'capabilities')) {
      const bad = validateCapabilityName(capability);
      if (bad) diags.error('Invalid capability name', bad, ['capabilities', { key: capability }]);
      if (!isPermission(permission)) diags.error('Invalid permission', `"${permission}" is not a permission; use allow, prevent, prohibit or inherit.`, ['capabilities', { key: capability }]);
    }
  },

  async modifyPlan({ prior, planned }, { provider, diags }) {
    planned.id = isKnown(planned, 'shortname') ? planned.shortname ?? null : UNKNOWN;
    const ids = knownList(planned, 'tenants');
    const sameTenants = prior !== null && ids !== null && sameList(stringList(prior, 'tenants') ?? [], ids);
    if (!sameTenants) planned.role_ids = UNKNOWN;
    if (ids === null) return;
    const rows = await tenantsAtPlan(provider, ids, diags);
    const listed = knownMapEntries(planned, 'capabilities').map(([c]) => c);
    await checkReferences(provider, rows, { capabilities: listed, capabilityPath: (c) => ['capabilities', { key: c }], roles: rolePaths(planned) }, diags);
    const becomesExact = planned.mode === 'exact' && (prior === null || prior.mode !== 'exact');
    if (becomesExact && isKnown(planned, 'shortname') && knownMap(planned, 'capabilities') !== null) await warnExactRemovals(provider, rows, reqStr(planned, 'shortname'), new Set(listed), diags);
  },

  async create({ planned }, { provider, diags }) {
    return applyEverywhere(planned, provider, diags);
  },

  async update({ planned }, { provider, diags }) {
    return applyEverywhere(planned, provider, diags);
  },

  async read(state, { provider, diags }) {
    const ids = stringList(state, 'tenants') ?? [];
    const shortname = reqStr(state, 'shortname');
    const rows = await registeredTenants(provider, ids);
    const registered = new Set(rows.map((r) => r.id));
    for (const id of ids) if (!registered.has(id)) diags.warning(`Tenant ${id} is gone`, `Tenant ${id} is no longer registered, so role ${shortname} is no longer managed there.`);
    const outcomes = await forEachTenant(rows, (row) => observeRole(tenantDb(provider, row), shortname));
    const seen = new Map<string, RoleObservation>();
    const kept: string[] = [];
    for (const o of outcomes) {
      if (!o.ok) {
        // Unreadable is not "changed": keep the tenant with what was applied, and say so.
        diags.warning(`Could not read role ${shortname} on ${o.row.host}`, `Tenant ${o.row.host} (${o.row.id}): ${o.error}`);
        kept.push(o.row.id);
      } else if (o.value) {
        seen.set(o.row.id, o.value);
        kept.push(o.row.id);
      }
      // A role deleted by hand drops its tenant from state: the plan shows the tenant added back.
    }
    if (kept.length === 0) return null;
    return foldState(state, kept, seen);
  },

  async delete() {
    // Deliberately nothing: deleting a role from a site also deletes its assignments.
  },

  async importState(id, { provider, diags }) {
    const at = id.indexOf('@');
    const shortname = at > 0 ? id.slice(0, at) : '';
    const ids = at > 0 ? id.slice(at + 1).split(',').map((s) => s.trim()).filter(Boolean) : [];
    if (validateRoleShortname(shortname) !== null || ids.length === 0) {
      throw new Error(`Import id "${id}" must be <role shortname>@<tenant id>[,<tenant id>…], e.g. editingteacher@default/moodle_physics,default/moodle_maths`);
    }
    const rows = await resolveTenants(provider, ids, [], diags);
    const outcomes = await forEachTenant(rows, (row) => observeRole(tenantDb(provider, row), shortname));
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) throw new Error(`Could not read role ${shortname} on: ${failed.map((o) => `${o.row.host} (${o.error})`).join('; ')}`);
    const found = outcomes.filter((o) => o.value);
    const first = found[0]?.value;
    if (!first) return null;
    // The first tenant's definition, in exact mode: that is the whole role. Names, archetype, levels
    // and allow-tables start unmanaged; the next refresh folds in the other tenants' differences.
    const state: ObjectValue = {
      id: shortname,
      tenants: found.map((o) => o.row.id),
      shortname,
      name: null,
      description: null,
      archetype: null,
      mode: 'exact',
      capabilities: { ...first.capabilities },
      context_levels: null,
      allow_assign: null,
      allow_override: null,
      allow_switch: null,
      allow_view: null,
      role_ids: Object.fromEntries(found.map((o) => [o.row.id, o.value!.id])),
    };
    return state;
  },
};

