// vmoodle_mnet_subnetwork: tenants that all peer with each other over Moodle Network. Schema, plan
// rules, CRUD and import side by side; the work on Moodle's tables is in provider/moodle/mnet/.
//
// State beyond the arguments is `member_state`, one entry per member, all of it predictable at plan
// time so drift and renewals show as ordinary diffs:
//   certificate_expires  the prior value, or unknown when the certificate is new, unusable or inside
//                        the renewal window (apply renews exactly those);
//   peers                every other member (read lists only those correctly peered);
//   mnet_enabled         true (read says false when networking or the local host row is off);
//   roaming_roles        roaming_roles when the members are identity providers, else empty (read
//                        lists only the roles that still hold the capability there).
import { T, type BlockSchema, type Attributes } from '../framework/schema';
import type { Resource } from '../framework/resource';
import type { Diagnostics } from '../framework/diagnostics';
import { isObject, type ObjectValue } from '../framework/plan';
import { isKnown, num, reqStr, stringList } from '../framework/values';
import { isUnknown, isWhollyKnown, UNKNOWN, type CtyValue } from '../plugin/cty';
import type { VmoodleContext } from '../provider';
import { checkTenantList } from '../fleet/targets';
import { KNOWN_SERVICES, DEFAULT_SERVICES, DEFAULT_KEY_LIFETIME_DAYS, DEFAULT_RENEW_BEFORE_DAYS, ROAMING_CAPABILITY, actsAsIdentityProvider, inRenewalWindow } from '../moodle/mnet/policy';
import { validateRoleShortname } from '../moodle/roles-model';
import type { SubnetworkView, DesiredSubnetwork } from '../moodle/mnet/subnetwork';

// Loaded on first use: schema and validate processes never touch a database.
const runtime = (): Promise<typeof import('../moodle/mnet/subnetwork')> => import('../moodle/mnet/subnetwork');

const NAME_RE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

const wholeDays =
  (min: number, max: number) =>
  (v: CtyValue): string | null => {
    const n = Number(String(v));
    return Number.isInteger(n) && n >= min && n <= max ? null : `must be a whole number of days from ${min} to ${max}.`;
  };

const memberStateAttributes: Attributes = {
  certificate_expires: {
    type: T.string,
    computed: true,
    description: "When the member's MNet certificate expires (RFC 3339). Empty when it has no usable certificate for its wwwroot; unknown in a plan that issues or renews one.",
  },
  mnet_enabled: {
    type: T.bool,
    computed: true,
    description: "MNet networking is on (`mnet_dispatcher_mode` strict, and the `mnet` auth plugin enabled when SSO services are exchanged) and the site's own `mnet_host` row carries its certificate and wwwroot.",
  },
  peers: {
    type: T.set(T.string),
    computed: true,
    description: "Ids of the other members this member is correctly peered with: a live `mnet_host` row with the peer's wwwroot and current certificate, and exactly the services the pair exchanges, published and subscribed.",
  },
  roaming_roles: {
    type: T.set(T.string),
    computed: true,
    description:
      `The roles of \`roaming_roles\` that hold \`${ROAMING_CAPABILITY}\` (allow, system context) on this member; empty when the subnetwork has no identity providers. ` +
      'Also lists a grant vmoodle made here that no subnetwork asks for any more (an interrupted apply left it), which the next apply removes.',
  },
};

export const mnetSubnetworkSchema: BlockSchema = {
  version: 0,
  description:
    'A Moodle Network (MNet) subnetwork: every member gets its own key pair and self-signed certificate (made the way Moodle makes them), ' +
    'and every member peers with every other one, with the chosen services published and subscribed in both directions. ' +
    'A tenant may belong to several subnetworks; two tenants then exchange the services of every subnetwork they share. ' +
    'A tenant that leaves its last subnetwork keeps its key pair and settings; only its peer rows go (marked deleted, as Moodle does).',
  attributes: {
    id: { type: T.string, computed: true, description: 'The subnetwork name.' },
    name: {
      type: T.string,
      required: true,
      requiresReplace: true,
      validate: [(v) => (typeof v === 'string' && !NAME_RE.test(v) ? 'use 1 to 64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit.' : null)],
      description: 'Unique name of the subnetwork; also its import id. Changing it replaces the subnetwork.',
    },
    members: {
      type: T.list(T.string),
      required: true,
      description: 'Tenant ids (`vmoodle_tenant.<name>.id`), each listed once. Every member must hold a Moodle database (created from a template).',
    },
    services: {
      type: T.set(T.string),
      default: [...DEFAULT_SERVICES],
      description: `MNet services every pair of members publishes and subscribes to, in both directions: ${KNOWN_SERVICES.map((s) => `\`${s}\``).join(', ')}. The default gives single sign-on both ways.`,
    },
    key_lifetime_days: { type: T.number, default: DEFAULT_KEY_LIFETIME_DAYS, validate: [wholeDays(1, 3650)], description: "Validity of newly issued certificates, in days (Moodle's `mnetkeylifetime`)." },
    renew_before_days: {
      type: T.number,
      default: DEFAULT_RENEW_BEFORE_DAYS,
      validate: [wholeDays(0, 3649)],
      description: 'A certificate expiring within this many days shows in plan and is renewed (with every peer\'s copy) by the next apply. Less than `key_lifetime_days`.',
    },
    roaming_roles: {
      type: T.set(T.string),
      default: [],
      description:
        `Shortnames of roles whose users may roam (single sign-on) from the identity providers of this subnetwork, e.g. \`["user"]\` for every authenticated user. ` +
        `On every member (all members are identity providers when \`services\` has \`sso_idp\`) these roles get \`${ROAMING_CAPABILITY}\` = allow at the system context, ` +
        'which no role has by default, so otherwise only site administrators roam. Each role must exist on every member. ' +
        'vmoodle records the grants it makes, and removes only those (when a role is dropped from the list, a member leaves, or the subnetwork is destroyed), ' +
        'and only while they still allow: a grant that existed before, or one changed by hand since, is left in place. ' +
        'A role that already has the capability set to prevent or prohibit by someone else is an error.',
    },
    member_state: { nested: { nesting: 'map', attributes: memberStateAttributes }, computed: true, description: 'Per member id: its MNet identity and peering, as read from its tables.' },
  },
};

function knownStrings(v: CtyValue | undefined): Array<string | null> | null {
  if (!Array.isArray(v)) return null;
  return v.map((x) => (typeof x === 'string' ? x : null));
}

/** Offline checks; config may contain unknowns. */
function validateArguments(config: ObjectValue, diags: Diagnostics): void {
  const members = knownStrings(config.members);
  if (members) {
    if (members.length === 0) diags.error('No members', 'A subnetwork needs at least one member.', ['members']);
    members.forEach((id, i) => {
      if (id !== null && !/^[^/\s]+\/[^/\s]+$/.test(id)) diags.error('Invalid tenant id', `"${id}" is not a tenant id: use vmoodle_tenant.<name>.id, which reads "<server>/<database>".`, ['members', i]);
    });
    if (members.every((id) => id !== null)) checkTenantList(members as string[], ['members'], diags);
  }
  const services = knownStrings(config.services);
  if (services) {
    if (services.length === 0) diags.error('No services', `Name at least one MNet service: ${KNOWN_SERVICES.join(', ')}.`, ['services']);
    for (const s of services) {
      if (s !== null && !KNOWN_SERVICES.includes(s)) diags.error('Unknown MNet service', `services: "${s}" is not an MNet service. Known services: ${KNOWN_SERVICES.join(', ')}.`, ['services']);
    }
  }
  const roaming = knownStrings(config.roaming_roles);
  if (roaming) {
    for (const r of roaming) {
      const bad = r === null ? null : validateRoleShortname(r);
      if (bad) diags.error('Invalid role shortname', `roaming_roles: ${bad}.`, ['roaming_roles']);
    }
    if (roaming.length > 0 && services && services.every((s) => s !== null) && !actsAsIdentityProvider(services as string[])) {
      diags.error(
        'Roaming without an identity provider',
        'roaming_roles lets users roam from identity providers, but services has no "sso_idp", so no member is one. Add "sso_idp" to services, or leave roaming_roles empty.',
        ['roaming_roles'],
      );
    }
  }
  const lifetime = config.key_lifetime_days ?? null;
  const renew = config.renew_before_days ?? null;
  if (lifetime !== null && renew !== null && !isUnknown(lifetime) && !isUnknown(renew) && Number(String(renew)) >= Number(String(lifetime))) {
    diags.error('Renewal window too long', 'renew_before_days must be less than key_lifetime_days, or every new certificate would be due for renewal at once.', ['renew_before_days']);
  }
}

function toState(v: SubnetworkView): ObjectValue {
  const memberState: ObjectValue = {};
  for (const r of v.members) {
    const o = v.memberState.get(r.id)!;
    memberState[r.id] = { certificate_expires: o.certificateExpires, mnet_enabled: o.mnetEnabled, peers: [...o.peers].sort(), roaming_roles: o.roamingRoles };
  }
  return {
    id: v.name,
    name: v.name,
    members: v.members.map((r) => r.id),
    services: v.services,
    key_lifetime_days: v.keyLifetimeDays,
    renew_before_days: v.renewBeforeDays,
    roaming_roles: v.roamingRoles,
    member_state: memberState,
  };
}

/**
 * The roles that must roam from every member: roaming_roles when the services make members identity
 * providers, none otherwise; null while either is unknown.
 */
function expectedRoaming(planned: ObjectValue): string[] | null {
  const services = planned.services ?? null;
  const roles = planned.roaming_roles ?? null;
  if (!isWhollyKnown(services) || !isWhollyKnown(roles)) return null;
  return actsAsIdentityProvider(stringList(planned, 'services') ?? []) ? [...(stringList(planned, 'roaming_roles') ?? [])].sort() : [];
}

/** Planned member_state: see the comment at the top. */
function planMemberState(ids: readonly string[], prior: ObjectValue | null, renewBefore: number | null, roaming: string[] | null, diags: Diagnostics, now: Date): ObjectValue {
  const priorIds = prior ? stringList(prior, 'members') ?? [] : [];
  const priorStates = prior && isObject(prior.member_state) ? prior.member_state : {};
  const state: ObjectValue = {};
  for (const id of ids) {
    const before = priorIds.includes(id) ? priorStates[id] : undefined;
    const expires = isObject(before) && typeof before.certificate_expires === 'string' ? before.certificate_expires : '';
    let planned: CtyValue = UNKNOWN;
    if (expires !== '' && renewBefore !== null) {
      if (!inRenewalWindow(new Date(expires), now, renewBefore)) planned = expires;
      else diags.warning('MNet certificate due for renewal', `The MNet certificate of ${id} expires at ${expires}, within renew_before_days (${renewBefore}); this apply renews it and updates every peer's copy.`, ['members']);
    }
    state[id] = { certificate_expires: planned, mnet_enabled: true, peers: ids.filter((x) => x !== id).sort(), roaming_roles: roaming ?? UNKNOWN };
  }
  return state;
}

async function desiredFrom(ctx: VmoodleContext, planned: ObjectValue): Promise<DesiredSubnetwork> {
  const rows = await (await runtime()).memberRows(ctx, stringList(planned, 'members') ?? []);
  const states = isObject(planned.member_state) ? planned.member_state : {};
  const mayRenew = new Set(
    rows
      .filter((r) => {
        const s = states[r.id];
        return !isObject(s) || isUnknown(s.certificate_expires ?? null);
      })
      .map((r) => r.id),
  );
  return {
    name: reqStr(planned, 'name'),
    members: rows,
    services: [...(stringList(planned, 'services') ?? DEFAULT_SERVICES)].sort(),
    keyLifetimeDays: num(planned, 'key_lifetime_days') ?? DEFAULT_KEY_LIFETIME_DAYS,
    renewBeforeDays: num(planned, 'renew_before_days') ?? DEFAULT_RENEW_BEFORE_DAYS,
    roamingRoles: [...new Set(stringList(planned, 'roaming_roles') ?? [])].sort(),
    mayRenew,
  };
}

export const mnetSubnetworkResource: Resource<VmoodleContext> = {
  typeName: 'vmoodle_mnet_subnetwork',
  schema: mnetSubnetworkSchema,

  validate(config, diags) {
    validateArguments(config, diags);
  },

  async modifyPlan({ prior, planned }, { provider, diags }) {
    planned.id = isKnown(planned, 'name') ? planned.name ?? null : UNKNOWN;
    const members = planned.members ?? null;
    if (!Array.isArray(members) || !isWhollyKnown(members)) {
      planned.member_state = UNKNOWN;
      return;
    }
    const ids = members as string[];
    // Validation saw unknowns where the plan may now see values.
    validateArguments(planned, diags);
    if (diags.hasErrors) return;
    const rt = await runtime();
    const roaming = expectedRoaming(planned);
    await rt.checkMembers(provider, ids, isWhollyKnown(planned.services ?? null) ? stringList(planned, 'services') ?? [] : [], roaming ?? [], diags);
    const name = planned.name ?? null;
    if (prior === null && typeof name === 'string' && (await rt.subnetworkExists(provider, name))) {
      diags.error('Subnetwork already exists', `An MNet subnetwork named "${name}" is already registered. Import it (terraform import vmoodle_mnet_subnetwork.<label> ${name}) or choose another name.`, ['name']);
    }
    if (diags.hasErrors) return;
    const renewBefore = isKnown(planned, 'renew_before_days') ? num(planned, 'renew_before_days') : null;
    planned.member_state = planMemberState(ids, prior, renewBefore, roaming, diags, new Date());
  },

  async create({ planned }, { provider }) {
    const rt = await runtime();
    return toState(await rt.applyAndObserve(provider, await desiredFrom(provider, planned), []));
  },

  async read(state, { provider, diags }) {
    const view = await (await runtime()).observeSubnetwork(provider, reqStr(state, 'name'), stringList(state, 'members') ?? []);
    if (!view) return null;
    if (view.problems.length > 0) diags.warning(`MNet subnetwork ${view.name} differs from what was applied`, `${view.problems.join('\n')}\nThe next apply repairs it.`);
    return toState(view);
  },

  async update({ prior, planned }, { provider }) {
    const rt = await runtime();
    return toState(await rt.applyAndObserve(provider, await desiredFrom(provider, planned), stringList(prior, 'members') ?? []));
  },

  async delete(prior, { provider }) {
    await (await runtime()).deleteSubnetwork(provider, reqStr(prior, 'name'), stringList(prior, 'members') ?? []);
  },

  async importState(id, { provider }) {
    const name = id.trim();
    if (!NAME_RE.test(name)) throw new Error(`"${id}" is not a subnetwork name. Import by name, e.g. terraform import vmoodle_mnet_subnetwork.campus campus`);
    const view = await (await runtime()).observeSubnetwork(provider, name);
    return view ? toState(view) : null;
  },
};
