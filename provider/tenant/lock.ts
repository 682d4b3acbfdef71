// One writer per tenant at a time, across every provider process and machine: a MariaDB named lock
// in the registry server. It matters after a killed `terraform apply`: the orphaned provider may
// still be finishing a create while the user's next apply resumes the same tenant. The lock lives
// on its connection, so a provider that dies releases it. That connection is not taken from the
// registry pool: ten creates holding ten pooled connections would starve their own registry writes.
// In the provider it comes from a pool of its own (ServerPools.locks), so creates at -parallelism=30
// reuse connections instead of connecting and authenticating once each; callers without pools (the
// CLI) open one connection per lock.
import { createHash } from 'node:crypto';
import type { VmoodleContext } from '../provider';
import { openConnection, type Connection, type Pool } from '../mysql/pools';
import { lockWaitSeconds, type DatabaseBounds } from '../mysql/bounds';

export class TenantLockTimeoutError extends Error {
  override name = 'TenantLockTimeoutError';
}

const WAIT_SECONDS = 120;

type LockContext = Pick<VmoodleContext, 'registrySettings'> & { readonly pools?: { locks(): Pool; readonly bounds: DatabaseBounds } };

export async function withTenantLock<T>(ctx: LockContext, tenantId: string, fn: () => Promise<T>): Promise<T> {
  const pool = ctx.pools?.locks();
  const pooled = pool ? await pool.getConnection() : undefined;
  const conn: Connection = pooled ?? (await openConnection(ctx.registrySettings));
  // A pooled connection goes back only when it provably holds no lock: GET_LOCK said no, or
  // RELEASE_LOCK said yes. Anything else (an error, an unknown answer) and it is closed instead.
  let clean = false;
  // Lock names are limited to 64 characters; ids can be longer, so hash them.
  const name = `vmoodle:${createHash('sha1').update(tenantId).digest('hex')}`;
  // Waiting for the lock is a lock wait like any other: within statement_timeout_seconds.
  const wait = Math.min(WAIT_SECONDS, ctx.pools ? lockWaitSeconds(ctx.pools.bounds) : WAIT_SECONDS);
  try {
    const [rows] = await conn.query('SELECT GET_LOCK(?, ?) AS got', [name, wait]);
    if ((rows as Array<{ got: number | null }>)[0]?.got !== 1) {
      clean = true;
      throw new TenantLockTimeoutError(`Another vmoodle operation on tenant ${tenantId} has held its lock for ${wait} s; try again when it has finished.`);
    }
    try {
      return await fn();
    } finally {
      const released = await conn.query('SELECT RELEASE_LOCK(?) AS released', [name]).then(
        ([r]) => (r as Array<{ released: number | null }>)[0]?.released === 1,
        () => false,
      );
      clean = released;
    }
  } finally {
    if (pooled) {
      if (clean) pooled.release();
      else pooled.destroy();
    } else {
      await conn.end().catch(() => undefined);
    }
  }
}
