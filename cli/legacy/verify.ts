// Read-only checks of each legacy site against its database server, before anything is written:
// the provider's read of an imported tenant needs its database and its database account to exist
// (else Terraform would plan to create them), so rows failing those are skipped; the rest only
// produce notes (a password that does not log in, a data folder not mounted here...).
import { existsSync } from 'node:fs';
import type { RowDataPacket } from 'mysql2/promise';
import { databaseExists, queryRows } from '../../provider/mysql/admin';
import { openConnection, type ServerPools } from '../../provider/mysql/pools';
import { detectTablePrefix } from '../../provider/moodle/sql-loader';
import type { SkippedRow, TenantImport } from './mapping';

/** The account host Moodle most likely uses: "%" when present, then "localhost", then the first. */
export function pickUserHost(hosts: readonly string[]): string | null {
  if (hosts.length === 0) return null;
  if (hosts.includes('%')) return '%';
  if (hosts.includes('localhost')) return 'localhost';
  return [...hosts].sort()[0]!;
}

async function verifyOne(pools: ServerPools, t: TenantImport): Promise<string | null> {
  const pool = pools.get(t.server);
  if (!(await databaseExists(pool, t.dbname))) return `database ${t.dbname} does not exist on server ${t.server}`;
  const accounts = await queryRows<RowDataPacket>(pool, `look up account ${t.dbuser}`, 'SELECT Host AS host FROM mysql.user WHERE User = ?', [t.dbuser]);
  const userHost = pickUserHost(accounts.map((a) => String(a.host)));
  if (userHost === null) return `database account ${t.dbuser} does not exist on server ${t.server}`;
  t.userHost = userHost;
  if (accounts.length > 1) t.notes.push(`account ${t.dbuser} exists for several hosts; imported as ${t.dbuser}@${userHost}`);

  try {
    const prefix = await detectTablePrefix(pool, t.dbname);
    if (prefix === null) t.notes.push(`${t.dbname} holds no Moodle tables yet`);
    else if (prefix !== t.prefix) t.notes.push(`${t.dbname} has tables with prefix ${prefix}, but the register says ${t.prefix}`);
  } catch (err) {
    t.notes.push(err instanceof Error ? err.message : String(err));
  }
  try {
    const conn = await openConnection({ ...pools.settings(t.server), user: t.dbuser, password: t.dbpass, database: t.dbname }, t.dbname);
    await conn.query('SELECT 1');
    await conn.end();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    t.notes.push(`logging in as ${t.dbuser} with the register's password failed from here (${typeof code === 'string' ? code : 'error'}); the sidecar will serve that password as VMoodle did`);
  }
  if (!existsSync(t.dataroot)) t.notes.push(`data folder ${t.dataroot} is not present on this machine`);
  return null;
}

/** Verifies every tenant (a few at a time); returns those that pass and moves the others to skipped. */
export async function verifyTenants(pools: ServerPools, tenants: readonly TenantImport[], skipped: SkippedRow[]): Promise<TenantImport[]> {
  const problems = new Array<string | null>(tenants.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tenants.length) {
      const i = next++;
      problems[i] = await verifyOne(pools, tenants[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, tenants.length) }, worker));
  const ok: TenantImport[] = [];
  tenants.forEach((t, i) => {
    const p = problems[i];
    if (p) skipped.push({ legacyId: t.legacyId, vhostname: t.legacy.vhostname, reason: p });
    else ok.push(t);
  });
  return ok;
}
