// A tenant's domain switch, seen from MNet (research: moodle-facts.md F1-F3): its certificate names
// the old wwwroot, so peers would reject it, and every peer's row for it still carries the old
// wwwroot. Called by the tenant's update after rewriteWwwroot, inside the same apply. A tenant that
// never had an MNet identity is left alone.
import type { VmoodleContext } from '../../provider';
import type { TenantRow } from '../../../registry/writer';
import { tenantDb } from '../../fleet/tenant-db';
import { forEachTenant, describeFailures } from '../../fleet/each';
import { invalidateConfigCache } from '../caches';
import { withMnetLock } from './lock';
import { mnetRegistry, coMembers } from './network';
import { DEFAULT_KEY_LIFETIME_DAYS } from './policy';
import { readSite, hasMnetTables, inTransaction, writeIdentity, updatePeerIdentity, MnetSiteError } from './site';
import { parseKeypair, reissueIdentity, renewIdentity, unixSeconds } from './identity';

/**
 * Reissues the tenant's certificate for newRoot (same key, same expiry) and moves every peer's row
 * for it from oldRoot to newRoot with the new certificate. `row` locates the tenant's database.
 */
export async function mnetAfterDomainSwitch(ctx: VmoodleContext, row: TenantRow, oldRoot: string, newRoot: string): Promise<void> {
  if (oldRoot === newRoot) return;
  const t = tenantDb(ctx, row);
  if (!(await hasMnetTables(t))) return;
  if (!parseKeypair((await readSite(t)).keypair)) return;

  await withMnetLock(ctx, async () => {
    const mreg = await mnetRegistry(ctx);
    const records = await mreg.containing([row.id]);
    const days = records[0]?.keyLifetimeDays ?? DEFAULT_KEY_LIFETIME_DAYS;
    const now = new Date();
    const identity = await inTransaction(t, async (conn) => {
      const s = await readSite(t, conn);
      if (s.localHostId === null || s.localRow === null) throw new MnetSiteError(`${row.id} has no local mnet_host row`);
      // A key that cannot be kept is replaced only when peers depend on it.
      const fresh = (await reissueIdentity(s, row, newRoot, days, now)) ?? (records.length > 0 ? await renewIdentity(s, row, newRoot, days, now) : null);
      if (!fresh) return null;
      await writeIdentity(t, conn, s.localHostId, { ...fresh, expires: unixSeconds(fresh.notAfter), wwwroot: newRoot });
      return { certificatePem: fresh.certificatePem, expires: unixSeconds(fresh.notAfter) };
    });
    if (!identity) return;
    await invalidateConfigCache(t);

    const peerIds = [...coMembers(records, row.id)];
    if (peerIds.length > 0) {
      const registry = await ctx.registry();
      const peers = await registry.list({ ids: peerIds, state: 'active' });
      const outcomes = await forEachTenant(peers, async (p) => {
        const pt = tenantDb(ctx, p);
        await updatePeerIdentity(pt, pt.pool, oldRoot, newRoot, identity.certificatePem, identity.expires);
        // Rows an interrupted earlier attempt already moved still need this attempt's certificate.
        await updatePeerIdentity(pt, pt.pool, newRoot, newRoot, identity.certificatePem, identity.expires);
      });
      if (outcomes.some((o) => !o.ok)) throw new MnetSiteError(`The MNet peers of ${row.id} could not all learn its new wwwroot ${newRoot}:\n${describeFailures(outcomes)}`);
    }
    await mreg.setMemberWwwroot(row.id, newRoot);
  });
}
