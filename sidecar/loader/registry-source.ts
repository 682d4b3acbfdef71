// The sidecar's read side of the registry: one connection, a cheap generation poll, and a snapshot
// load inside one consistent-read transaction (generation and rows from the same instant).
// A reload after the first reads every row's version (its updated_at) and fetches only the rows whose
// version the served snapshot does not have: with 100,000 tenants and one change, that is 100,000
// two-column rows and one full row instead of 100,000 full rows to parse and validate.
// (registry/reader.ts will offer the same for other readers; this file keeps the sidecar independent.)
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import type { Connection as CallbackConnection } from 'mysql2';
import { TABLES } from '../../registry/schema';
import { connectionOptions, type RegistryDsn } from '../dsn';
import type { RegistryTenantRow } from '../tenant-record';

export class RegistryError extends Error {
  override name = 'RegistryError';
}

/** What the snapshot being served holds per tenant id: the row version it was built from, and a value to reuse. */
export interface KnownTenants<T extends object> {
  readonly size: number;
  get(id: string): { readonly version: string | null } & T | undefined;
}

/** A full registry row as read, with its version. */
export type VersionedRow = RegistryTenantRow & { version: unknown };

export interface RegistryLoad<T extends object = never> {
  generation: number;
  /** Rows handed to onRow: every active row on a full load; on an incremental one the changed or new. */
  rowsRead: number;
  /**
   * Every active tenant, by id: the known value when its version is unchanged (reuse it as is), or
   * the id of a row handed to onRow.
   */
  order: Array<T | string>;
  /** Whether every active row was read (nothing known, or too many changed). */
  full: boolean;
  /** When the consistent read began (ms epoch): the snapshot is known current as of then. */
  readAt: number;
}

const TENANT_COLUMNS =
  'id, host, enabled, name, shortname, wwwroot, server, dbtype, dbhost, dbport, dbsocket, dbname, dbuser, dbpass, prefix, dataroot, config';

/**
 * A row's version: updated_at, which MariaDB sets to NOW(6) on every UPDATE that changes the row
 * (ON UPDATE CURRENT_TIMESTAMP(6); the provider never writes it). A new or re-created row has a new
 * one too. Reading it costs a tenth of reading the rows, or of hashing them in the database.
 */
const VERSION = 'updated_at';

/**
 * Rows come by primary key: the clustered index order is free, where ORDER BY host (a secondary
 * index) cost 0.4-0.6 s more at 100,000 tenants. The order served does not matter (maps and sets).
 */
const ORDER = 'ORDER BY id';

/** Ids per `IN (…)` when fetching changed rows. */
const FETCH_BATCH = 1000;

/** Work on a streaming result between yields to the event loop. */
const STREAM_SLICE_MS = 10;

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
   * Generation + active tenants, read in one consistent snapshot. Full rows are handed to onRow as
   * they are parsed (none is kept here: at 100,000 tenants, holding every row object until the last
   * one arrives was the memory peak of a load). With `known` (what the snapshot being served holds),
   * only rows whose version differs are read in full; the (id, version) list is streamed and compared
   * row by row.
   */
  async load<T extends object = never>(known: KnownTenants<T> | undefined, onRow: (row: VersionedRow) => void): Promise<RegistryLoad<T>> {
    return this.use(async (conn) => {
      const readAt = Date.now();
      await conn.query({ sql: 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY', timeout: this.loadTimeoutMs });
      try {
        const [meta] = await conn.query<RowDataPacket[]>({ sql: `SELECT generation FROM ${TABLES.meta} WHERE id = 1`, timeout: this.loadTimeoutMs });
        if (meta.length !== 1) throw new RegistryError('registry is not initialised (no vmoodle_meta row)');
        const generation = parseGeneration(meta[0]!.generation);
        const fullSelect = `SELECT ${TENANT_COLUMNS}, ${VERSION} AS version FROM ${TABLES.tenant} WHERE state = 'active'`;
        let result: RegistryLoad<T> | undefined;
        if (known && known.size > 0) {
          const order: Array<T | string> = [];
          const wanted: string[] = [];
          await this.stream<[unknown, unknown]>(conn, `SELECT id, ${VERSION} FROM ${TABLES.tenant} WHERE state = 'active' ${ORDER}`, [], true, (row) => {
            const id = String(row[0]);
            const kept = known.get(id);
            if (kept !== undefined && kept.version === String(row[1])) order.push(kept);
            else {
              order.push(id);
              wanted.push(id);
            }
          });
          // Past a quarter of the rows, one full scan is cheaper than many IN lists.
          if (wanted.length <= order.length / 4) {
            for (let i = 0; i < wanted.length; i += FETCH_BATCH) {
              await this.stream<VersionedRow>(conn, `${fullSelect} AND id IN (?)`, [wanted.slice(i, i + FETCH_BATCH)], false, onRow);
            }
            result = { generation, rowsRead: wanted.length, order, full: false, readAt };
          }
        }
        if (!result) {
          const order: string[] = [];
          await this.stream<VersionedRow>(conn, `${fullSelect} ${ORDER}`, [], false, (row) => {
            order.push(String(row.id));
            onRow(row);
          });
          result = { generation, rowsRead: order.length, order, full: true, readAt };
        }
        await conn.query('COMMIT');
        return result;
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /**
   * Runs a query and hands each row to onRow as it is parsed. After STREAM_SLICE_MS of work the
   * connection pauses until the next turn of the event loop: the driver otherwise parses all it has
   * buffered in one go (a quarter of a second at 100,000 rows), and the loader thread would not
   * answer the HTTP thread meanwhile (a tenant list, a stop).
   */
  private stream<R>(conn: Connection, sql: string, values: unknown[], rowsAsArray: boolean, onRow: (row: R) => void): Promise<void> {
    // The promise wrapper has no streaming API; its callback-style connection does (not in the typings).
    const core = (conn as unknown as { connection: CallbackConnection }).connection;
    return new Promise((resolve, reject) => {
      let sliceStart = performance.now();
      // A throwing onRow must not throw into the driver's packet handling: keep the error, skip the
      // rest, and reject when the result has been read to its end.
      let failure: { error: unknown } | undefined;
      const query = core.query({ sql, values, rowsAsArray, timeout: this.loadTimeoutMs });
      query.on('result', (row) => {
        if (failure) return;
        try {
          onRow(row as R);
        } catch (error) {
          failure = { error };
        }
        if (performance.now() - sliceStart > STREAM_SLICE_MS) {
          core.pause();
          setImmediate(() => {
            sliceStart = performance.now();
            core.resume();
          });
        }
      });
      query.once('error', reject);
      query.once('end', () => (failure ? reject(failure.error) : resolve()));
    });
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = null;
    if (conn) await conn.end().catch(() => conn.destroy());
  }
}
