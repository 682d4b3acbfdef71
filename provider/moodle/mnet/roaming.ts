// Roaming grants on identity providers (research: moodle-facts.md E7 item 6): the roles a
// subnetwork names get moodle/site:mnetlogintoremote = allow at the system context, written by the
// role writer (roles-write.ts) so Moodle's access caches hear of it like any other role change.
//
// Which grants are vmoodle's: the registry holds a claim (tenant, role) for every grant vmoodle
// wrote where the role had no row. Only claimed grants are ever removed, and only while they still
// hold the value vmoodle wrote (allow): a grant that was there before, or that an administrator
// has changed since, stays where it is.
import type { VmoodleContext } from '../../provider';
import type { TenantRow } from '../../../registry/writer';
import type { MnetRegistry } from '../../../registry/mnet';
import { tenantDb, type TenantDb } from '../../fleet/tenant-db';
import { capabilityPermissions, roleIdsByShortname } from '../roles-read';
import { reviseCapability, type StoredPermissions } from '../roles-write';
import type { Permission } from '../roles-model';
import { ROAMING_CAPABILITY } from './policy';

/** CAP_ALLOW in lib/accesslib.php. */
const CAP_ALLOW = 1;

export class RoamingGrantError extends Error {
  override name = 'RoamingGrantError';
}

const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/**
 * Brings one tenant's roaming grants to `wanted` (every role that must roam from it, over all its
 * subnetworks). Grants vmoodle made for roles no longer wanted are removed.
 */
export async function convergeRoaming(ctx: VmoodleContext, mreg: MnetRegistry, row: TenantRow, wanted: ReadonlySet<string>): Promise<void> {
  const owned = await mreg.grantsOn(row.id);
  if (wanted.size === 0 && owned.size === 0) return;
  const t = tenantDb(ctx, row);
  const roles = [...wanted].sort();
  const known = await roleIdsByShortname(t.pool, t, roles);
  const unknown = roles.filter((r) => !known.has(r));
  if (unknown.length > 0) {
    // Failures are reported per tenant (fleet/each.ts describeFailures), so the message need not name it.
    throw new RoamingGrantError(`roaming_roles: this tenant has no role with shortname ${quoted(unknown)}; create it there, or remove it from roaming_roles.`);
  }
  const before = await capabilityPermissions(t.pool, t, ROAMING_CAPABILITY);
  const claims = roles.filter((r) => before[r] === undefined && !owned.has(r));
  await mreg.recordGrants(row.id, claims);
  const revoke = [...owned].filter((r) => !wanted.has(r));

  let held: StoredPermissions;
  try {
    held = await reviseCapability(t, {
      capability: ROAMING_CAPABILITY,
      roles,
      optionalRoles: revoke,
      decide(current) {
        const out: Record<string, Permission> = {};
        const refused: string[] = [];
        for (const r of roles) {
          const now = current.get(r);
          if (now === CAP_ALLOW) continue;
          // A claimed role whose row appeared meanwhile is someone else's: only `owned` may be overwritten.
          if (now === undefined || owned.has(r)) out[r] = 'allow';
          else refused.push(r);
        }
        if (refused.length > 0) {
          throw new RoamingGrantError(
            `roaming_roles: ${ROAMING_CAPABILITY} is set to something other than allow for role ${quoted(refused)} at the system context, and not by vmoodle, so it is left alone. ` +
              'Allow it there by hand (or remove the override), or remove the role from roaming_roles.',
          );
        }
        for (const r of revoke) if (current.get(r) === CAP_ALLOW) out[r] = 'inherit';
        return out;
      },
    });
  } catch (err) {
    // decide() refused, so the transaction rolled back: nothing was granted under these claims.
    if (err instanceof RoamingGrantError) await mreg.forgetGrants(row.id, claims);
    throw err;
  }
  // A claimed role whose grant appeared between the first read and the transaction is not ours.
  const notOurs = claims.filter((r) => held.get(r) !== undefined);
  await mreg.forgetGrants(row.id, [...revoke, ...notOurs]);
}

/** The roles among `roles` that hold the roaming capability (allow at the system context). */
export async function rolesThatRoam(t: TenantDb, roles: readonly string[]): Promise<string[]> {
  if (roles.length === 0) return [];
  const held = await capabilityPermissions(t.pool, t, ROAMING_CAPABILITY);
  return roles.filter((r) => held[r] === 'allow').sort();
}
