// Write side of the registry, used only by the provider. Every write is one transaction that first
// bumps vmoodle_meta.generation: readers polling the generation see each committed change exactly
// once, and because every writer locks the meta row first, concurrent provider processes are
// serialised (no deadlocks between writers). Unique host / (server, dbname) are enforced by the
// database's unique keys and reported as typed errors.
import type { Connection, Pool, RowDataPacket } from 'mysql2/promise';
import { execute, queryRows, sanitizeSqlError, SqlError, type SqlValue } from '../provider/mysql/admin';
import { withConnection } from '../provider/mysql/pools';
import { Batcher } from '../provider/framework/batcher';
import { decodeTenantRow, TENANT_COLUMNS, toSafeInteger, type TenantRow } from './reader';
import { MIGRATIONS, SCHEMA_VERSION, TABLES, type TenantState } from './schema';

export type { TenantRow, TenantState } from './reader';

const MIGRATE_LOCK = 'vmoodle_registry_migrate';
const MIGRATE_LOCK_TIMEOUT_S = 30;

export class RegistryError extends Error {
  override name = 'RegistryError';
}

export class RegistryValidationError extends RegistryError {
  override name = 'RegistryValidationError';
}

export class RegistrySchemaTooNewError extends RegistryError {
  override name = 'RegistrySchemaTooNewError';
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(`the registry schema is version ${found} but this provider knows only up to ${supported}; upgrade terraform-provider-vmoodle`);
  }
}

export class TenantNotFoundError extends RegistryError {
  override name = 'TenantNotFoundError';
  constructor(readonly id: string) {
    super(`tenant "${id}" is not in the registry`);
  }
}

export class DuplicateHostError extends RegistryError {
  override name = 'DuplicateHostError';
  constructor(
    readonly host: string,
    /** Id of the tenant holding the host (null if it vanished meanwhile). */
    readonly existingId: string | null,
  ) {
    super(`host "${host}" is already registered${existingId !== null ? ` to tenant "${existingId}"` : ''}; each host can serve only one tenant`);
  }
}

export class DuplicateDatabaseError extends RegistryError {
  override name = 'DuplicateDatabaseError';
  constructor(
    readonly server: string,
    readonly dbname: string,
    readonly existingId: string | null,
  ) {
    super(
      `database "${dbname}" on server "${server}" is already registered` +
        `${existingId !== null ? ` to tenant "${existingId}"` : ''}; choose another database name`,
    );
  }
}

export class DuplicateIdError extends RegistryError {
  override name = 'DuplicateIdError';
  constructor(
    readonly id: string,
    readonly existingState: TenantState | null,
  ) {
    super(`tenant id "${id}" is already registered${existingState ? ` (state ${existingState})` : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Migration

export interface MigrationResult {
  from: number;
  to: number;
}

function isNoSuchTable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && ((err as { code?: unknown }).code === 'ER_NO_SUCH_TABLE' || (err as { errno?: unknown }).errno === 1146);
}

async function currentVersion(conn: Connection): Promise<number> {
  try {
    const [rows] = await conn.query<RowDataPacket[]>(`SELECT schema_version FROM ${TABLES.meta} WHERE id = 1`);
    return rows[0] ? toSafeInteger(rows[0].schema_version, 'schema_version') : 0;
  } catch (err) {
    if (isNoSuchTable(err)) return 0;
    throw sanitizeSqlError(err, 'read registry schema version');
  }
}

/**
 * Brings the registry schema to SCHEMA_VERSION. Safe to run from several provider processes at
 * once (Terraform starts several per command): a named lock makes them take turns and each one
 * applies only the migrations still missing. Migrations should be written idempotently, since DDL
 * auto-commits and a crash mid-migration re-runs that migration.
 */
export async function migrateRegistry(source: Pool | Connection): Promise<MigrationResult> {
  return withConnection(source, async (conn) => {
    const locked = await queryRows(conn, 'lock registry migration', 'SELECT GET_LOCK(?, ?) AS got', [MIGRATE_LOCK, MIGRATE_LOCK_TIMEOUT_S]);
    if (Number(locked[0]?.got) !== 1) {
      throw new RegistryError(`another process held the registry migration lock for ${MIGRATE_LOCK_TIMEOUT_S}s; retry, or look for a stuck provider process`);
    }
    try {
      const from = await currentVersion(conn);
      if (from > SCHEMA_VERSION) throw new RegistrySchemaTooNewError(from, SCHEMA_VERSION);
      for (let v = from; v < SCHEMA_VERSION; v++) {
        for (const sql of MIGRATIONS[v]) await execute(conn, `registry migration ${v + 1}`, sql);
        await execute(conn, `registry migration ${v + 1}`, `UPDATE ${TABLES.meta} SET schema_version = ? WHERE id = 1`, [v + 1]);
      }
      return { from, to: Math.max(from, SCHEMA_VERSION) };
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [MIGRATE_LOCK]).catch(() => undefined);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Writer

/** Fields of a new row; the optional ones take the column defaults. */
export type NewTenant = Pick<
  TenantRow,
  'id' | 'host' | 'wwwroot' | 'server' | 'dbhost' | 'dbname' | 'dbuser' | 'dbpass' | 'prefix' | 'dataroot'
> &
  Partial<Pick<TenantRow, 'enabled' | 'name' | 'shortname' | 'description' | 'dbtype' | 'dbport' | 'dbsocket' | 'dbuserHost' | 'config'>>;

type WritableField = Exclude<keyof TenantRow, 'id' | 'createdAt' | 'updatedAt'>;

/** Any subset of the writable fields. `id` may be present (e.g. a spread row) but must match. */
export type TenantPatch = Partial<Pick<TenantRow, WritableField>> & { id?: string; createdAt?: string; updatedAt?: string };

const COLUMNS: Record<WritableField, string> = {
  host: 'host',
  state: 'state',
  enabled: 'enabled',
  name: 'name',
  shortname: 'shortname',
  description: 'description',
  wwwroot: 'wwwroot',
  server: 'server',
  dbtype: 'dbtype',
  dbhost: 'dbhost',
  dbport: 'dbport',
  dbsocket: 'dbsocket',
  dbname: 'dbname',
  dbuser: 'dbuser',
  dbuserHost: 'dbuser_host',
  dbpass: 'dbpass',
  prefix: 'prefix',
  dataroot: 'dataroot',
  config: 'config',
};

const STATES: readonly TenantState[] = ['creating', 'active', 'deleting'];

export interface TenantFilter {
  state?: TenantState | TenantState[];
  server?: string;
  enabled?: boolean;
  hosts?: string[];
  ids?: string[];
}

function encode(field: WritableField, value: unknown): SqlValue {
  switch (field) {
    case 'enabled':
      return value ? 1 : 0;
    case 'config': {
      const cfg = (value ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(cfg)) {
        if (typeof v !== 'string') throw new RegistryValidationError(`config["${k}"] must be a string`);
      }
      return JSON.stringify(cfg);
    }
    case 'state':
      if (!STATES.includes(value as TenantState)) throw new RegistryValidationError(`state must be one of ${STATES.join(', ')}`);
      return value as string;
    default:
      return value === undefined ? null : (value as SqlValue);
  }
}

/** Host keys are compared byte for byte (ascii_bin), so callers must normalise; reject what is not. */
export function checkRegistryHost(host: string): void {
  if (host.length === 0 || host.length > 255) throw new RegistryValidationError('host must be 1 to 255 characters');
  if (!/^[\x21-\x7e]+$/.test(host)) throw new RegistryValidationError(`host "${host}" must be printable ASCII without spaces (IDN hosts in punycode)`);
  if (host !== host.toLowerCase()) throw new RegistryValidationError(`host "${host}" must be lower-case (normalise it before writing)`);
}

function errorCode(err: unknown): string | undefined {
  return err instanceof SqlError ? err.code : undefined;
}

export class RegistryWriter {
  /** Coalesces concurrent host lookups (see getByHost). */
  private hostLookups: Batcher<string, TenantRow | null> | undefined;
  private writeCount = 0;
  private readView: ((host: string) => TenantRow | null | undefined) | undefined;

  /** Writes attempted through this writer: a reader caching registry rows drops them when it moves. */
  get writes(): number {
    return this.writeCount;
  }

  constructor(private readonly pool: Pool | Connection) {}

  async generation(): Promise<number> {
    const rows = await queryRows(this.pool, 'read registry generation', `SELECT generation FROM ${TABLES.meta} WHERE id = 1`);
    if (!rows[0]) throw new RegistryError('registry is not migrated (no meta row); run migrateRegistry first');
    return toSafeInteger(rows[0].generation, 'generation');
  }

  async getById(id: string): Promise<TenantRow | null> {
    const rows = await queryRows(this.pool, `read tenant ${id}`, `SELECT ${TENANT_COLUMNS} FROM ${TABLES.tenant} WHERE id = ?`, [id]);
    return rows[0] ? decodeTenantRow(rows[0]) : null;
  }

  /**
   * Lets getByHost answer from a reader's snapshot of the registry (provider/tenant/observe.ts keeps
   * one for the length of a refresh): `lookup` returns undefined once that snapshot no longer holds
   * (this writer wrote since, or it expired), and the query runs as usual.
   */
  useReadView(lookup: (host: string) => TenantRow | null | undefined): void {
    this.readView = lookup;
  }

  /**
   * Lookups that arrive together share one query: Terraform plans up to -parallelism tenants at once
   * and each checks that its host is free, so a 1,000-tenant plan costs ~100 queries instead of 1,000.
   * Every lookup is still answered by a query issued after it was asked (at most 2 ms later).
   */
  async getByHost(host: string): Promise<TenantRow | null> {
    const seen = this.readView?.(host);
    if (seen !== undefined) return seen;
    this.hostLookups ??= new Batcher(async (hosts) => new Map((await this.list({ hosts })).map((r) => [r.host, r])), null);
    return this.hostLookups.get(host);
  }

  async list(filter: TenantFilter = {}): Promise<TenantRow[]> {
    const where: string[] = [];
    const values: SqlValue[] = [];
    const inList = (column: string, items: readonly string[]): void => {
      if (items.length === 0) where.push('FALSE');
      else {
        where.push(`${column} IN (${items.map(() => '?').join(', ')})`);
        values.push(...items);
      }
    };
    if (filter.state !== undefined) inList('state', Array.isArray(filter.state) ? filter.state : [filter.state]);
    if (filter.server !== undefined) {
      where.push('server = ?');
      values.push(filter.server);
    }
    if (filter.enabled !== undefined) {
      where.push('enabled = ?');
      values.push(filter.enabled ? 1 : 0);
    }
    if (filter.hosts !== undefined) inList('host', filter.hosts);
    if (filter.ids !== undefined) inList('id', filter.ids);
    const rows = await queryRows(
      this.pool,
      'list tenants',
      `SELECT ${TENANT_COLUMNS} FROM ${TABLES.tenant}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY host`,
      values,
    );
    return rows.map(decodeTenantRow);
  }

  /** Inserts the row in state 'creating'. Duplicate host / database / id -> typed errors. */
  async insertCreating(row: NewTenant): Promise<TenantRow> {
    checkRegistryHost(row.host);
    const full: Partial<Record<WritableField, unknown>> = { ...row, state: 'creating' };
    delete (full as Record<string, unknown>).id;
    delete (full as Record<string, unknown>).createdAt;
    delete (full as Record<string, unknown>).updatedAt;
    const fields = (Object.keys(full) as WritableField[]).filter((f) => f in COLUMNS && full[f] !== undefined);
    const cols = ['id', ...fields.map((f) => COLUMNS[f])];
    const values: SqlValue[] = [row.id, ...fields.map((f) => encode(f, full[f]))];
    if (!fields.includes('config')) {
      cols.push('config');
      values.push('{}');
    }
    try {
      return await this.write(`register tenant ${row.id}`, [row.dbpass], async (conn) => {
        await execute(
          conn,
          `register tenant ${row.id}`,
          `INSERT INTO ${TABLES.tenant} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
          values,
          [row.dbpass],
        );
        return this.readIn(conn, row.id);
      });
    } catch (err) {
      throw await this.explainDuplicate(err, row);
    }
  }

  async markActive(id: string): Promise<void> {
    await this.setState(id, 'active');
  }

  async markDeleting(id: string): Promise<void> {
    await this.setState(id, 'deleting');
  }

  /** Changes the given fields and returns the row as stored. Changing host/dbname may raise Duplicate*Error. */
  async update(id: string, patch: TenantPatch): Promise<TenantRow> {
    if (patch.id !== undefined && patch.id !== id) throw new RegistryValidationError(`cannot change a tenant's id ("${id}" -> "${patch.id}")`);
    if (patch.host !== undefined) checkRegistryHost(patch.host);
    const fields = (Object.keys(patch) as (keyof TenantPatch)[]).filter(
      (f): f is WritableField => f in COLUMNS && patch[f] !== undefined,
    );
    const secrets = patch.dbpass !== undefined ? [patch.dbpass] : [];
    try {
      return await this.write(`update tenant ${id}`, secrets, async (conn) => {
        if (fields.length > 0) {
          const res = await execute(
            conn,
            `update tenant ${id}`,
            `UPDATE ${TABLES.tenant} SET ${fields.map((f) => `${COLUMNS[f]} = ?`).join(', ')} WHERE id = ?`,
            [...fields.map((f) => encode(f, patch[f])), id],
            secrets,
          );
          if (res.affectedRows === 0) throw new TenantNotFoundError(id);
        }
        return this.readIn(conn, id);
      });
    } catch (err) {
      if (!(err instanceof SqlError && err.code === 'ER_DUP_ENTRY')) throw err;
      const current = await this.getById(id).catch(() => null);
      throw await this.explainDuplicate(err, {
        id,
        host: patch.host ?? current?.host ?? '',
        server: patch.server ?? current?.server ?? '',
        dbname: patch.dbname ?? current?.dbname ?? '',
      });
    }
  }

  /** Deletes the row. Idempotent: a missing row is not an error (and does not bump the generation). */
  async remove(id: string): Promise<void> {
    try {
      await this.write(`remove tenant ${id}`, [], async (conn) => {
        const res = await execute(conn, `remove tenant ${id}`, `DELETE FROM ${TABLES.tenant} WHERE id = ?`, [id]);
        if (res.affectedRows === 0) throw new TenantNotFoundError(id);
      });
    } catch (err) {
      if (err instanceof TenantNotFoundError) return;
      throw err;
    }
  }

  private async setState(id: string, state: TenantState): Promise<void> {
    await this.write(`set tenant ${id} ${state}`, [], async (conn) => {
      const res = await execute(conn, `set tenant ${id} ${state}`, `UPDATE ${TABLES.tenant} SET state = ? WHERE id = ?`, [state, id]);
      if (res.affectedRows === 0) throw new TenantNotFoundError(id);
    });
  }

  private async readIn(conn: Connection, id: string): Promise<TenantRow> {
    const rows = await queryRows(conn, `read tenant ${id}`, `SELECT ${TENANT_COLUMNS} FROM ${TABLES.tenant} WHERE id = ?`, [id]);
    if (!rows[0]) throw new TenantNotFoundError(id);
    return decodeTenantRow(rows[0]);
  }

  /**
   * Runs fn in a transaction that starts by bumping the generation (which also takes the meta row
   * lock that serialises writers). Any error rolls back, generation included. A deadlock (possible
   * only with foreign writers) is retried.
   */
  private async write<T>(operation: string, secrets: readonly string[], fn: (conn: Connection) => Promise<T>): Promise<T> {
    this.writeCount++;
    for (let attempt = 1; ; attempt++) {
      try {
        return await withConnection(this.pool, async (conn) => {
          await execute(conn, operation, 'START TRANSACTION');
          try {
            const bump = await execute(
              conn,
              'bump registry generation',
              `UPDATE ${TABLES.meta} SET generation = generation + 1, changed_at = NOW(6) WHERE id = 1`,
            );
            if (bump.affectedRows === 0) throw new RegistryError('registry is not migrated (no meta row); run migrateRegistry first');
            const result = await fn(conn);
            await execute(conn, operation, 'COMMIT', [], secrets);
            return result;
          } catch (err) {
            await conn.query('ROLLBACK').catch(() => undefined);
            throw err;
          }
        });
      } catch (err) {
        if (attempt < 3 && errorCode(err) === 'ER_LOCK_DEADLOCK') continue;
        throw err;
      }
    }
  }

  private async explainDuplicate(err: unknown, row: { id: string; host: string; server: string; dbname: string }): Promise<unknown> {
    if (!(err instanceof SqlError) || err.code !== 'ER_DUP_ENTRY') return err;
    const holder = async (where: string, values: SqlValue[]): Promise<RowDataPacket | undefined> =>
      (await queryRows(this.pool, 'find the conflicting tenant', `SELECT id, state FROM ${TABLES.tenant} WHERE ${where}`, values).catch(() => []))[0];
    if (err.message.includes('vmoodle_tenant_host_uix')) {
      const h = await holder('host = ?', [row.host]);
      return new DuplicateHostError(row.host, h ? String(h.id) : null);
    }
    if (err.message.includes('vmoodle_tenant_db_uix')) {
      const h = await holder('server = ? AND dbname = ?', [row.server, row.dbname]);
      return new DuplicateDatabaseError(row.server, row.dbname, h ? String(h.id) : null);
    }
    if (err.message.includes('PRIMARY')) {
      const h = await holder('id = ?', [row.id]);
      return new DuplicateIdError(row.id, h ? (String(h.state) as TenantState) : null);
    }
    return err;
  }
}
