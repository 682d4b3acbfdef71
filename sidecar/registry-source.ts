// The sidecar's read side of the registry: one connection, a cheap generation poll, and a snapshot
// load inside one consistent-read transaction (generation and rows from the same instant).
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
  rows: RegistryTenantRow[];
  /** When the consistent read began (ms epoch): the snapshot is known current as of then. */
  readAt: number;
}

const TENANT_COLUMNS =
  'id, host, enabled, name, shortname, wwwroot, server, dbtype, dbhost, dbport, dbsocket, dbname, dbuser, dbpass, prefix, dataroot, config';

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

  /** Generation + active tenants, read in one consistent snapshot. */
  async load(): Promise<RegistryLoad> {
    return this.use(async (conn) => {
      const readAt = Date.now();
      await conn.query({ sql: 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY', timeout: this.loadTimeoutMs });
      try {
        const [meta] = await conn.query<RowDataPacket[]>({
          sql: `SELECT generation FROM ${TABLES.meta} WHERE id = 1`,
          timeout: this.loadTimeoutMs,
        });
        if (meta.length !== 1) throw new RegistryError('registry is not initialised (no vmoodle_meta row)');
        const generation = parseGeneration(meta[0]!.generation);
        const [rows] = await conn.query<RowDataPacket[]>({
          sql: `SELECT ${TENANT_COLUMNS} FROM ${TABLES.tenant} WHERE state = 'active' ORDER BY host`,
          timeout: this.loadTimeoutMs,
        });
        await conn.query('COMMIT');
        return { generation, rows: rows as unknown as RegistryTenantRow[], readAt };
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
