// Connection pools for the database servers named in the provider block, plus the registry.
// Terraform sends up to 10 RPCs at once to one provider process, so the pools are shared by all of
// them and created on first use. mysql2 is required lazily: `terraform validate` and schema RPCs
// start the provider without touching any database, and loading mysql2 costs start-up time.
// Everything ServerPools hands out is bounded (provider/mysql/bounds.ts): no call waits for good.
import type { Connection, ConnectionOptions, Pool, PoolOptions } from 'mysql2/promise';
import { ConfigError, type ServerSettings } from './dsn';
import { DEFAULT_BOUNDS, type DatabaseBounds, type ServerRef } from './bounds';
import { bindPool, openBound } from './bounded';

export type { Connection, Pool } from 'mysql2/promise';

/** Anything with mysql2's promise `query` (a pool, a pool connection or a plain connection). */
export type Queryable = Pick<Connection, 'query'>;

type Mysql2 = typeof import('mysql2/promise');
let mysql2: Mysql2 | undefined;

function loadMysql2(): Mysql2 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  mysql2 ??= require('mysql2/promise') as Mysql2;
  return mysql2;
}

export class UnknownServerError extends Error {
  override name = 'UnknownServerError';
  constructor(
    readonly server: string,
    readonly known: readonly string[],
  ) {
    super(
      `database server "${server}" is not configured in the provider block; configured servers: ` +
        (known.length ? known.map((k) => `"${k}"`).join(', ') : '(none)'),
    );
  }
}

export class PoolsClosedError extends Error {
  override name = 'PoolsClosedError';
  constructor() {
    super('database pools were already closed (provider is stopping)');
  }
}

export interface PoolTuning {
  /** Per pool. Terraform's default parallelism is 10. */
  connectionLimit?: number;
  /** Overrides bounds.connectSeconds. */
  connectTimeoutMs?: number;
}

/**
 * mysql2 options shared by pools and single connections. utf8mb4_unicode_ci is Moodle's collation;
 * dateStrings keeps TIMESTAMPs exact (no time-zone shifts); supportBigNumbers stops BIGINT ids above
 * 2^53 from being silently rounded (they come back as strings instead).
 */
export function connectionOptions(s: ServerSettings, overrides: Partial<ConnectionOptions> = {}): ConnectionOptions {
  const base: ConnectionOptions = {
    user: s.user,
    password: s.password,
    charset: 'UTF8MB4_UNICODE_CI',
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: true,
    multipleStatements: false,
    connectTimeout: 10_000,
    enableKeepAlive: true,
  };
  if (s.socket !== undefined) base.socketPath = s.socket;
  else {
    base.host = s.host;
    base.port = s.port;
  }
  if (s.database !== undefined) base.database = s.database;
  return { ...base, ...overrides };
}

export interface ServerPoolsOptions {
  /** Settings of the registry database (its DSN must name a database). */
  registry?: ServerSettings;
  /** Attribute name used in errors about the registry settings. */
  registryField?: string;
  tuning?: PoolTuning;
  /** How long any call may take. Default: DEFAULT_BOUNDS. */
  bounds?: DatabaseBounds;
}

/** Who a single connection logs in as, when not as the server's admin user (e.g. the tenant's own user). */
export interface Login {
  user: string;
  password: string;
}

export interface ConnectOptions {
  database?: string;
  as?: Login;
  /** Only for the SQL loader, which sends trusted dump text (see openLoaderConnection). */
  multipleStatements?: boolean;
}

const REGISTRY: ServerRef = { kind: 'registry' };

export class ServerPools {
  private readonly servers: Map<string, ServerSettings>;
  private readonly pools = new Map<string, Pool>();
  private registryPool: Pool | undefined;
  private lockPool: Pool | undefined;
  private closed = false;
  readonly bounds: DatabaseBounds;

  constructor(
    servers: ReadonlyMap<string, ServerSettings> | Readonly<Record<string, ServerSettings>>,
    private readonly options: ServerPoolsOptions = {},
  ) {
    this.servers = servers instanceof Map ? new Map(servers) : new Map(Object.entries(servers));
    this.bounds = options.bounds ?? DEFAULT_BOUNDS;
  }

  names(): string[] {
    return [...this.servers.keys()].sort();
  }

  has(name: string): boolean {
    return this.servers.has(name);
  }

  /** Settings of a named server (e.g. for moodleHost, or to open a connection as another user). */
  settings(name: string): ServerSettings {
    const s = this.servers.get(name);
    if (!s) throw new UnknownServerError(name, this.names());
    return s;
  }

  /** The shared pool of a named server; created on first use. */
  get(name: string): Pool {
    if (this.closed) throw new PoolsClosedError();
    let pool = this.pools.get(name);
    if (!pool) {
      pool = this.createPool(this.settings(name), { kind: 'server', name });
      this.pools.set(name, pool);
    }
    return pool;
  }

  /** The shared pool of the registry database. */
  registry(): Pool {
    if (this.closed) throw new PoolsClosedError();
    if (!this.registryPool) {
      const field = this.options.registryField ?? 'registry';
      const s = this.options.registry;
      if (!s) throw new ConfigError(field, 'the registry database is not configured; set its DSN, e.g. mysql://user:password@host:3306/vmoodle_registry');
      if (s.database === undefined) throw new ConfigError(field, 'the registry DSN must name a database, e.g. mysql://user:password@host:3306/vmoodle_registry');
      this.registryPool = this.createPool(s, REGISTRY);
    }
    return this.registryPool;
  }

  /**
   * Connections to the registry server for session-bound named locks (provider/tenant/lock.ts), kept
   * apart from the registry pool so that lock holders never starve their own registry writes, and
   * reused so that -parallelism=30 creates do not open and authenticate 30 connections each round.
   */
  locks(): Pool {
    if (this.closed) throw new PoolsClosedError();
    if (!this.lockPool) {
      const s = this.options.registry;
      if (!s) throw new ConfigError(this.options.registryField ?? 'registry', 'the registry database is not configured');
      this.lockPool = this.createPool(s, REGISTRY, { connectionLimit: 64, maxIdle: 32 });
    }
    return this.lockPool;
  }

  /** A dedicated multi-statement connection to a named server, for the SQL loader. Caller must end() it. */
  openLoaderConnection(name: string, database?: string): Promise<Connection> {
    return this.connect(name, { database, multipleStatements: true });
  }

  /**
   * A connection of its own to a named server, bounded like the pools, for session-bound work that
   * should not hold a pooled connection (a transaction as the tenant's user, a template load).
   * Caller must end() it.
   */
  async connect(name: string, opts: ConnectOptions = {}): Promise<Connection> {
    if (this.closed) throw new PoolsClosedError();
    const base = this.settings(name);
    const settings = opts.as ? { ...base, user: opts.as.user, password: opts.as.password } : base;
    return this.openSingle(settings, { kind: 'server', name }, opts);
  }

  /** A connection of its own to the registry server (e.g. for a named lock). Caller must end() it. */
  async connectRegistry(): Promise<Connection> {
    if (this.closed) throw new PoolsClosedError();
    const s = this.options.registry;
    if (!s) throw new ConfigError(this.options.registryField ?? 'registry', 'the registry database is not configured');
    return this.openSingle(s, REGISTRY, {});
  }

  /** Same as openLoaderConnection (name kept for callers that think of it as "the multi-statement connection"). */
  multiStatement(name: string, database?: string): Promise<Connection> {
    return this.openLoaderConnection(name, database);
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    const all = [...this.pools.values()];
    if (this.registryPool) all.push(this.registryPool);
    if (this.lockPool) all.push(this.lockPool);
    this.pools.clear();
    this.registryPool = undefined;
    this.lockPool = undefined;
    await Promise.allSettled(all.map((p) => p.end()));
  }

  private connectTimeoutMs(): number {
    return this.options.tuning?.connectTimeoutMs ?? this.bounds.connectSeconds * 1000;
  }

  private openSingle(settings: ServerSettings, server: ServerRef, opts: ConnectOptions): Promise<Connection> {
    const overrides: Partial<ConnectionOptions> = { connectTimeout: this.connectTimeoutMs() };
    if (opts.database !== undefined) overrides.database = opts.database;
    if (opts.multipleStatements) overrides.multipleStatements = true;
    return openBound(() => loadMysql2().createConnection(connectionOptions(settings, overrides)), { server, bounds: this.bounds });
  }

  private createPool(s: ServerSettings, server: ServerRef, size: { connectionLimit?: number; maxIdle?: number } = {}): Pool {
    const tuning = this.options.tuning ?? {};
    const opts: PoolOptions = {
      ...connectionOptions(s),
      connectionLimit: size.connectionLimit ?? tuning.connectionLimit ?? 10,
      maxIdle: size.maxIdle ?? 2,
      idleTimeout: 60_000,
      waitForConnections: true,
      queueLimit: 0,
      connectTimeout: this.connectTimeoutMs(),
      // The session limits are set once per connection and must survive its release.
      resetOnRelease: false,
    };
    return bindPool(loadMysql2().createPool(opts), { server, bounds: this.bounds });
  }
}

/**
 * A single connection with multipleStatements enabled, for loading SQL dumps in batches. Kept apart
 * from the pools on purpose: multi-statement queries turn any injected `;` into a new statement, so
 * only the loader (which sends trusted dump text) gets one. Connect it as the tenant's own user when
 * possible, so a hostile dump cannot reach beyond the tenant's database.
 */
export async function openLoaderConnection(settings: ServerSettings, database?: string): Promise<Connection> {
  const overrides: Partial<ConnectionOptions> = { multipleStatements: true };
  if (database !== undefined) overrides.database = database;
  return loadMysql2().createConnection(connectionOptions(settings, overrides));
}

/** A plain single connection (e.g. the sidecar's registry reader, or tests). */
export async function openConnection(settings: ServerSettings, database?: string): Promise<Connection> {
  const overrides: Partial<ConnectionOptions> = {};
  if (database !== undefined) overrides.database = database;
  return loadMysql2().createConnection(connectionOptions(settings, overrides));
}

/**
 * Runs fn on one connection: the pool's next free one (released afterwards) or the connection itself.
 * Needed for anything session-bound: transactions, GET_LOCK, user variables.
 */
export async function withConnection<T>(source: Pool | Connection, fn: (conn: Connection) => Promise<T>): Promise<T> {
  if (isPool(source)) {
    const conn = await source.getConnection();
    try {
      return await fn(conn);
    } finally {
      conn.release();
    }
  }
  return fn(source);
}

export function isPool(source: Pool | Connection): source is Pool {
  return typeof (source as Partial<Pool>).getConnection === 'function';
}
