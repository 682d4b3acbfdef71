// Read side of the registry, for the sidecar and any other reader. Needs SELECT on the registry
// database only. A reader polls readGeneration() (one primary-key lookup) and calls loadSnapshot()
// only when the generation moved; the snapshot's generation and rows come from one consistent read,
// so a reader never serves a half-applied change.
import type { Connection, Pool, RowDataPacket } from 'mysql2/promise';
import { TABLES, type TenantState } from './schema';

export type { TenantState } from './schema';

/** One vmoodle_tenant row, camelCase. */
export interface TenantRow {
  id: string;
  /** Normalised host (lower-case ASCII, optionally host/subpath): the unique key sidecars resolve. */
  host: string;
  state: TenantState;
  enabled: boolean;
  name: string;
  shortname: string;
  description: string | null;
  wwwroot: string;
  /** Name of the database server in the provider block. */
  server: string;
  dbtype: string;
  /** $CFG->dbhost as web nodes see it. */
  dbhost: string;
  dbport: number | null;
  dbsocket: string | null;
  dbname: string;
  dbuser: string;
  dbuserHost: string;
  dbpass: string;
  prefix: string;
  dataroot: string;
  /** Forced $CFG overrides; stored as a JSON object of strings. */
  config: Record<string, string>;
  /** Set on rows read from the registry ('YYYY-MM-DD hh:mm:ss.ffffff', server time zone). */
  createdAt?: string;
  updatedAt?: string;
}

export interface RegistrySnapshot {
  generation: number;
  /** Active tenants only, ordered by host. */
  tenants: TenantRow[];
}

export class RegistryReadError extends Error {
  override name = 'RegistryReadError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The registry tables do not exist yet (no provider has run against it). Readers should report not-ready. */
export class RegistryNotReadyError extends RegistryReadError {
  override name = 'RegistryNotReadyError';
}

export const TENANT_COLUMNS =
  'id, host, state, enabled, name, shortname, description, wwwroot, server, dbtype, dbhost, dbport, dbsocket, ' +
  'dbname, dbuser, dbuser_host, dbpass, prefix, dataroot, config, created_at, updated_at';

function str(v: unknown): string {
  return v === null || v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

function nullableStr(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

/** Generation/ids may arrive as number, string (supportBigNumbers) or bigint, depending on the pool. */
export function toSafeInteger(v: unknown, what: string): number {
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new RegistryReadError(`registry ${what} is not an integer`);
  return n;
}

/** config is JSON: mysql2 parses MySQL's JSON type, while MariaDB's JSON is LONGTEXT and arrives as a string. */
export function decodeConfig(v: unknown): Record<string, string> {
  let obj: unknown = v;
  if (typeof v === 'string' || Buffer.isBuffer(v)) {
    try {
      obj = JSON.parse(str(v));
    } catch {
      throw new RegistryReadError('registry row has a config column that is not valid JSON');
    }
  }
  if (obj === null || obj === undefined) return {};
  if (typeof obj !== 'object' || Array.isArray(obj)) throw new RegistryReadError('registry row has a config column that is not a JSON object');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj as Record<string, unknown>)) out[k] = typeof val === 'string' ? val : JSON.stringify(val);
  return out;
}

function decodeState(v: unknown): TenantState {
  const s = str(v);
  if (s === 'creating' || s === 'active' || s === 'deleting') return s;
  throw new RegistryReadError(`registry row has unknown state "${s}"`);
}

/** Maps a SELECT TENANT_COLUMNS row to a TenantRow. */
export function decodeTenantRow(r: RowDataPacket): TenantRow {
  return {
    id: str(r.id),
    host: str(r.host),
    state: decodeState(r.state),
    enabled: Number(r.enabled) !== 0,
    name: str(r.name),
    shortname: str(r.shortname),
    description: nullableStr(r.description),
    wwwroot: str(r.wwwroot),
    server: str(r.server),
    dbtype: str(r.dbtype),
    dbhost: str(r.dbhost),
    dbport: r.dbport === null || r.dbport === undefined ? null : toSafeInteger(r.dbport, 'dbport'),
    dbsocket: nullableStr(r.dbsocket),
    dbname: str(r.dbname),
    dbuser: str(r.dbuser),
    dbuserHost: str(r.dbuser_host),
    dbpass: str(r.dbpass),
    prefix: str(r.prefix),
    dataroot: str(r.dataroot),
    config: decodeConfig(r.config),
    createdAt: nullableStr(r.created_at) ?? undefined,
    updatedAt: nullableStr(r.updated_at) ?? undefined,
  };
}

function wrap(err: unknown, what: string): RegistryReadError {
  if (err instanceof RegistryReadError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; sqlMessage?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const detail = typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : String(err);
  if (code === 'ER_NO_SUCH_TABLE') {
    return new RegistryNotReadyError(`registry is not initialised yet (${detail}); it is created by the provider's first run`, code);
  }
  // Only the server's message: mysql2's `sql` field and stack are left behind.
  return new RegistryReadError(`${what}: ${detail}`, code);
}

/** One cheap query: the current generation. */
export async function readGeneration(conn: Pick<Connection, 'query'>): Promise<number> {
  try {
    const [rows] = await conn.query<RowDataPacket[]>(`SELECT generation FROM ${TABLES.meta} WHERE id = 1`);
    if (!rows[0]) throw new RegistryNotReadyError('registry has no meta row yet; it is created by the provider\'s first run');
    return toSafeInteger(rows[0].generation, 'generation');
  } catch (err) {
    throw wrap(err, 'read registry generation');
  }
}

/**
 * Generation + active tenants from one consistent read (REPEATABLE READ snapshot taken at
 * START TRANSACTION). Given a pool, it borrows one connection: the transaction must stay on it.
 */
export async function loadSnapshot(source: Pool | Connection): Promise<RegistrySnapshot> {
  if (typeof (source as Partial<Pool>).getConnection === 'function') {
    const conn = await (source as Pool).getConnection();
    try {
      return await loadSnapshotOn(conn);
    } finally {
      conn.release();
    }
  }
  return loadSnapshotOn(source as Connection);
}

async function loadSnapshotOn(conn: Connection): Promise<RegistrySnapshot> {
  try {
    // Applies to the next transaction only; READ ONLY needs no write privilege and lets InnoDB skip
    // transaction-id bookkeeping.
    await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  } catch (err) {
    throw wrap(err, 'start registry snapshot');
  }
  try {
    const generation = await readGeneration(conn);
    const [rows] = await conn.query<RowDataPacket[]>(`SELECT ${TENANT_COLUMNS} FROM ${TABLES.tenant} WHERE state = 'active' ORDER BY host`);
    await conn.query('COMMIT');
    return { generation, tenants: rows.map(decodeTenantRow) };
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw wrap(err, 'load registry snapshot');
  }
}
