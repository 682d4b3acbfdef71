// Running a list of SQL statements on one tenant, all or nothing: one connection, one transaction,
// `{prefix}` replaced by the tenant's table prefix, and the run's marker written in the same
// transaction (see sql-broadcast-state.ts). By default the connection uses the tenant's own
// database account, whose grants stop at its database: a broadcast cannot reach another tenant.
import type { ResultSetHeader } from 'mysql2/promise';
import { sanitizeSqlError, type SqlError } from '../mysql/admin';
import { registerSecret } from '../plugin/log';
import { quoteIdent } from '../mysql/identifiers';
import { queryRows } from '../mysql/admin';
import { tenantDb } from '../fleet/tenant-db';
import { invalidateConfigCache, purgeAllCaches } from './caches';
import type { TenantRow } from '../../registry/writer';
import type { VmoodleContext } from '../provider';
import { MARKER_PLUGIN, decodeMarker, encodeMarker, type Marker } from './sql-broadcast-state';

export type RunAs = 'tenant' | 'admin';
export const RUN_AS: readonly RunAs[] = ['tenant', 'admin'];

export type PurgeMode = 'none' | 'config' | 'all';
export const PURGE_MODES: readonly PurgeMode[] = ['none', 'config', 'all'];

export const PREFIX_PLACEHOLDER = '{prefix}';

export function withPrefix(statement: string, prefix: string): string {
  return statement.split(PREFIX_PLACEHOLDER).join(prefix);
}

/** Statements MySQL/MariaDB commit implicitly: a transaction cannot undo them. */
export function isImplicitCommit(statement: string): boolean {
  return /^\s*(CREATE|ALTER|DROP|RENAME|TRUNCATE|GRANT|REVOKE|LOCK|UNLOCK)\b/i.test(statement);
}

export class BroadcastError extends Error {
  override name = 'BroadcastError';
  constructor(
    /** 0-based index of the failing statement; null when the tenant could not be reached. */
    readonly statement: number | null,
    readonly sqlError: SqlError,
    hint = '',
  ) {
    super(sqlError.message + hint);
  }
}

const ER_DUP_ENTRY = 1062;
const ER_LOCK_DEADLOCK = 1213;
const MAX_ATTEMPTS = 3;

function errno(err: unknown): number | undefined {
  const n = typeof err === 'object' && err !== null ? (err as { errno?: unknown }).errno : undefined;
  return typeof n === 'number' ? n : undefined;
}

export interface BroadcastRun {
  /** Sum of affected rows over the statements (statements returning rows count 0). */
  rowsAffected: number;
  /** The tenant's marker says these statements already ran there: nothing was run now. */
  alreadyRan: boolean;
}

function affected(result: unknown): number {
  if (Array.isArray(result)) return 0;
  return (result as Partial<ResultSetHeader>).affectedRows ?? 0;
}

/** The run's marker on one tenant (read with the provider's admin pool), or null. */
export async function findMarker(ctx: VmoodleContext, row: TenantRow, fingerprint: string): Promise<Marker | null> {
  const t = tenantDb(ctx, row);
  const rows = await queryRows(t.pool, 'read broadcast marker', `SELECT value FROM ${t.table('config_plugins')} WHERE plugin = ? AND name = ?`, [MARKER_PLUGIN, fingerprint]);
  return rows[0] ? decodeMarker(String(rows[0].value)) : null;
}

/**
 * Runs every statement on the tenant inside one transaction, then records the marker in it; rolls
 * back and throws BroadcastError on the first failure. Does nothing when the marker is already there.
 */
export async function runOnTenant(ctx: VmoodleContext, row: TenantRow, statements: readonly string[], runAs: RunAs, fingerprint: string): Promise<BroadcastRun> {
  registerSecret(row.dbpass);
  let conn;
  try {
    conn = await ctx.pools.connect(row.server, { database: row.dbname, as: runAs === 'tenant' ? { user: row.dbuser, password: row.dbpass } : undefined });
  } catch (err) {
    const e = sanitizeSqlError(err, `connect to ${row.dbname} as ${runAs === 'tenant' ? row.dbuser : 'the server admin'}`, [row.dbpass]);
    const hint = runAs === 'tenant' && /denied|not allowed/i.test(e.message) ? ' (the provider reaches the server as the tenant\'s own user; if its user_host excludes the provider, set run_as = "admin")' : '';
    throw new BroadcastError(null, e, hint);
  }
  conn.on('error', () => undefined);
  const markers = quoteIdent(`${row.prefix}config_plugins`);
  const readMarker = async (): Promise<Marker | null> => {
    const [found] = await conn.query(`SELECT value FROM ${markers} WHERE plugin = ? AND name = ?`, [MARKER_PLUGIN, fingerprint]);
    return Array.isArray(found) && found[0] ? decodeMarker(String((found[0] as { value: unknown }).value)) : null;
  };
  let current = -1;
  try {
    for (let attempt = 1; ; attempt++) {
      current = -1;
      try {
        await conn.query('START TRANSACTION');
        // A plain read, not FOR UPDATE: a locking read of a missing key takes a gap lock, and two
        // broadcasts inserting their markers into the same gap would deadlock each other.
        const marker = await readMarker();
        if (marker) {
          await conn.query('ROLLBACK');
          return { rowsAffected: marker.rows_affected, alreadyRan: true };
        }
        let rowsAffected = 0;
        for (let i = 0; i < statements.length; i++) {
          current = i;
          const [result] = await conn.query(withPrefix(statements[i]!, row.prefix));
          rowsAffected += affected(result);
        }
        current = -1;
        await conn.query(`INSERT INTO ${markers} (plugin, name, value) VALUES (?, ?, ?)`, [MARKER_PLUGIN, fingerprint, encodeMarker(rowsAffected)]);
        await conn.query('COMMIT');
        return { rowsAffected, alreadyRan: false };
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        // The same statements committed meanwhile by another run: theirs stands, ours is undone.
        if (errno(err) === ER_DUP_ENTRY && current === -1) {
          const theirs = await readMarker();
          if (theirs) return { rowsAffected: theirs.rows_affected, alreadyRan: true };
        }
        // InnoDB rolled the whole transaction back: running it again is running it for the first time.
        if (errno(err) === ER_LOCK_DEADLOCK && attempt < MAX_ATTEMPTS) continue;
        throw err;
      }
    }
  } catch (err) {
    const index = current >= 0 ? current : null;
    const what = index === null ? 'marker or commit' : `statement ${index + 1} of ${statements.length}`;
    // Only withhold the statement text when the tenant's password is in it (parse errors quote it).
    const secrets = statements.some((s) => s.includes(row.dbpass)) ? [row.dbpass] : [];
    throw new BroadcastError(index, sanitizeSqlError(err, `${what} (all statements rolled back on this tenant)`, secrets));
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/**
 * After a committed run: Moodle reads config and config_plugins through the MUC `core/config` cache
 * (moodle-facts.md A2), so a broadcast that writes settings is invisible until that is dropped;
 * `all` is the direct-database purge_all_caches() (A3) for anything else.
 */
export async function purgeAfterRun(ctx: VmoodleContext, row: TenantRow, mode: PurgeMode): Promise<void> {
  if (mode === 'none') return;
  const t = tenantDb(ctx, row);
  if (mode === 'config') await invalidateConfigCache(t);
  else await purgeAllCaches(t);
}
