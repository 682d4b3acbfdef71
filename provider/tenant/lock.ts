// One writer per tenant at a time, across every provider process and machine: a MariaDB named lock
// in the registry server. It matters after a killed `terraform apply`: the orphaned provider may
// still be finishing a create while the user's next apply resumes the same tenant. The lock lives
// on its connection, so a provider that dies releases it. That connection is not taken from the
// registry pool: ten creates holding ten pooled connections would starve their own registry writes.
import { createHash } from 'node:crypto';
import type { VmoodleContext } from '../provider';
import { openConnection } from '../mysql/pools';

export class TenantLockTimeoutError extends Error {
  override name = 'TenantLockTimeoutError';
}

const WAIT_SECONDS = 120;

export async function withTenantLock<T>(ctx: Pick<VmoodleContext, 'registrySettings'>, tenantId: string, fn: () => Promise<T>): Promise<T> {
  const conn = await openConnection(ctx.registrySettings);
  // Lock names are limited to 64 characters; ids can be longer, so hash them.
  const name = `vmoodle:${createHash('sha1').update(tenantId).digest('hex')}`;
  try {
    const [rows] = await conn.query('SELECT GET_LOCK(?, ?) AS got', [name, WAIT_SECONDS]);
    if ((rows as Array<{ got: number | null }>)[0]?.got !== 1) {
      throw new TenantLockTimeoutError(`Another vmoodle operation on tenant ${tenantId} has held its lock for ${WAIT_SECONDS} s; try again when it has finished.`);
    }
    try {
      return await fn();
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
    }
  } finally {
    await conn.end().catch(() => undefined);
  }
}
