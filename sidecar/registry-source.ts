// The sidecar's read side of the registry: one connection, a cheap generation poll, and a snapshot
// load inside one consistent-read transaction (generation and rows from the same instant).
// A reload after the first reads every row's digest (computed by the database) and fetches only the
// rows whose digest the served snapshot does not have: with 100,000 tenants and one change, that is
// 100,000 short rows and one full row instead of 100,000 full rows to parse and validate.
// (registry/reader.ts will offer the same for other readers; this file keeps the sidecar independent.)
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { TABLES } from '../registry/schema';
import { connectionOptions, type RegistryDsn } from './dsn';
import type { RegistryTenantRow } from './tenant-record';

export class RegistryError extends Error {
  override name = 'RegistryError';
}

export interface RegistryLoad {
  generation: number;
  /**
   * Rows to validate, ordered by host: every active row on a full load; on an incremental load only
   * those whose digest was not among the known ones. Each carries its `digest`.
   */
  rows: Array<RegistryTenantRow & { digest: string }>;
  /** Every active tenant (id, digest), ordered by host; rows not in `rows` are unchanged. */
  digests: Array<[id: string, digest: string]>;
  /** Whether `rows` holds every active row (no previous digests, or too many changed). */
  full: boolean;
  /** When the consistent read began (ms epoch): the snapshot is known current as of then. */
  readAt: number;
}

const SERVED_COLUMNS = [
  'id', 'host', 'enabled', 'name', 'shortname', 'wwwroot', 'server', 'dbtype', 'dbhost', 'dbport', 'dbsocket',
  'dbname', 'dbuser', 'dbpass', 'prefix', 'dataroot', 'config',
] as const;

const TENANT_COLUMNS = SERVED_COLUMNS.join(', ');

/**
 * A digest of every served column, computed by the database. JSON_ARRAY keeps NULL apart from ''
 * and column boundaries unambiguous; MD5 is plenty against accidental collisions (whoever can write
 * the registry can already serve anything, so collisions buy an attacker nothing).
 */
const DIGEST = `MD5(JSON_ARRAY(${TENANT_COLUMNS}))`;

/** Ids per `IN (…)` when fetching changed rows. */
const FETCH_BATCH = 1000;

export function parseGeneration(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new RegistryError('registry generation is not a non-negative safe integer');
  }
  return n;
}

export interface RegistrySourceOptions {
  connectTimeoutMs?: number;
  pollTimeoutMs?: number;
  loadTimeoutMs?: number;
}

export class RegistrySource {
  private conn: Connection | null = null;
  private connecting: Promise<Connection> | null = null;
  private readonly connectTimeoutMs: number;
  private readonly pollTimeoutMs: number;
  private readonly loadTimeoutMs: number;

  constructor(
    private readonly dsn: RegistryDsn,
    opts: RegistrySourceOptions = {},
  ) {
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 2000;
    this.pollTimeoutMs = opts.pollTimeoutMs ?? 5000;
    this.loadTimeoutMs = opts.loadTimeoutMs ?? 30000;
  }

  private async connection(): Promise<Connection> {
    if (this.conn) return this.conn;
    if (!this.connecting) {
      this.connecting = (async () => {
        const conn = await createConnection(connectionOptions(this.dsn, this.connectTimeoutMs));
        // A dropped connection surfaces here as well as on the next query: forget it either way.
        conn.on('error', () => this.drop(conn));
        await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        this.conn = conn;
        return conn;
      })().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  private drop(conn: Connection): void {
    if (this.conn === conn) this.conn = null;
    try {
      conn.destroy();
    } catch {
      /* already gone */
    }
  }

  /** Runs fn on the connection; on any error the connection is discarded, so the next call reconnects. */
  private async use<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await this.connection();
    try {
      return await fn(conn);
    } catch (err) {
      this.drop(conn);
      throw err;
    }
  }

  /** The cheap poll: one primary-key row. */
  async readGeneration(): Promise<number> {
    return this.use(async (conn) => {
      const [rows] = await conn.query<RowDataPacket[]>({
        sql: `SELECT generation FROM ${TABLES.meta} WHERE id = 1`,
        timeout: this.pollTimeoutMs,
      });
      if (rows.length !== 1) throw new RegistryError('registry is not initialised (no vmoodle_meta row)');
      return parseGeneration(rows[0]!.generation);
    });
  }

  /**
   * Generation + active tenants, read in one consistent snapshot. With `known` (id → digest of the
   * snapshot being served), only rows whose digest differs are fetched in full.
   */
  async load(known?: ReadonlyMap<string, string>): Promise<RegistryLoad> {
    return this.use(async (conn) => {
      const readAt = Date.now();
      const q = async <T>(sql: string, values?: unknown[]): Promise<T[]> => {
        const [rows] = await conn.query<RowDataPacket[]>({ sql, values, timeout: this.loadTimeoutMs });
        return rows as unknown as T[];
      };
      await conn.query({ sql: 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY', timeout: this.loadTimeoutMs });
      try {
        const meta = await q<{ generation: unknown }>(`SELECT generation FROM ${TABLES.meta} WHERE id = 1`);
        if (meta.length !== 1) throw new RegistryError('registry is not initialised (no vmoodle_meta row)');
        const generation = parseGeneration(meta[0]!.generation);
        const fullSelect = `SELECT ${TENANT_COLUMNS}, ${DIGEST} AS digest FROM ${TABLES.tenant} WHERE state = 'active'`;
        let result: RegistryLoad | undefined;
        if (known && known.size > 0) {
          const digests = (await q<{ id: string; digest: string }>(`SELECT id, ${DIGEST} AS digest FROM ${TABLES.tenant} WHERE state = 'active' ORDER BY host`)).map(
            (r): [string, string] => [String(r.id), String(r.digest)],
          );
          const wanted = digests.filter(([id, digest]) => known.get(id) !== digest).map(([id]) => id);
          // Past a quarter of the rows, one full scan is cheaper than many IN lists.
          if (wanted.length <= digests.length / 4) {
            const rows: RegistryLoad['rows'] = [];
            for (let i = 0; i < wanted.length; i += FETCH_BATCH) {
              rows.push(...(await q<RegistryLoad['rows'][number]>(`${fullSelect} AND id IN (?)`, [wanted.slice(i, i + FETCH_BATCH)])));
            }
            result = { generation, rows, digests, full: false, readAt };
          }
        }
        if (!result) {
          const rows = await q<RegistryLoad['rows'][number]>(`${fullSelect} ORDER BY host`);
          result = { generation, rows, digests: rows.map((r): [string, string] => [String(r.id), String(r.digest)]), full: true, readAt };
        }
        await conn.query('COMMIT');
        return result;
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = null;
    if (conn) await conn.end().catch(() => conn.destroy());
  }
}
