// MNet work is serialised across provider processes by one named lock in the registry server:
// peering is a relation between tenants, and two subnetworks sharing a tenant (or a subnetwork and
// a tenant's domain switch) would otherwise rewrite the same peer rows at once. Peer rows are small
// and applies are short, so one lock for the whole fleet costs little. Lock order: a tenant's own
// lock (provider/tenant/lock.ts) may be held when this one is taken, never the reverse.
import type { VmoodleContext } from '../../provider';
import { lockWaitSeconds } from '../../mysql/bounds';

export class MnetLockTimeoutError extends Error {
  override name = 'MnetLockTimeoutError';
}

const LOCK_NAME = 'vmoodle:mnet';
const WAIT_SECONDS = 120;

export async function withMnetLock<T>(ctx: VmoodleContext, fn: () => Promise<T>): Promise<T> {
  const conn = await ctx.pools.connectRegistry();
  const wait = Math.min(WAIT_SECONDS, lockWaitSeconds(ctx.pools.bounds));
  try {
    const [rows] = await conn.query('SELECT GET_LOCK(?, ?) AS got', [LOCK_NAME, wait]);
    if ((rows as Array<{ got: number | null }>)[0]?.got !== 1) {
      throw new MnetLockTimeoutError(`Another vmoodle MNet operation has held the MNet lock for ${wait} s; try again when it has finished.`);
    }
    try {
      return await fn();
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]).catch(() => undefined);
    }
  } finally {
    await conn.end().catch(() => undefined);
  }
}
