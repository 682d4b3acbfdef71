// Puts the bounds of provider/mysql/bounds.ts on mysql2 pools and connections.
//
// mysql2 has a per-query `timeout` but no connection-wide default, and a query that times out only
// has its promise rejected: the connection keeps waiting for that answer, so every later query on it
// (a pooled connection handed to the next caller, a ROLLBACK in a catch block) queues behind it with
// no timer running, for good. So the bound is installed where every path ends, the core
// connection's query(): the promise API, pool.query() and the SQL loader's streaming batches all go
// through it. A connection whose query got no answer is destroyed as if the network had failed:
// mysql2 then fails the commands queued behind it and the pool forgets it.
//
// Prepared statements (execute()) are not bounded; the provider does not use them.
import { EventEmitter } from 'node:events';
import type { Connection, Pool } from 'mysql2/promise';
import { classifyTimeout, clientWaitSeconds, sessionLimitsSql, statementKeywords, DatabaseTimeoutError, type DatabaseBounds, type ServerRef } from './bounds';

type ResultCallback = (err: unknown, ...results: unknown[]) => void;

/** mysql2's query command (lib/commands/query.js), as far as it is used here. */
interface QueryCommand extends EventEmitter {
  sql?: unknown;
  timeout?: number;
  onResult?: ResultCallback | null;
  start(...args: unknown[]): unknown;
}

/** mysql2's callback-style connection (lib/base/connection.js), as far as it is used here. */
interface CoreConnection extends EventEmitter {
  config: unknown;
  stream: { destroy(err?: Error): void };
  query(...args: unknown[]): QueryCommand;
}

interface CoreConnectionClass {
  createQuery(sql: unknown, values: unknown, cb: unknown, config: unknown): QueryCommand;
}

interface CorePool extends EventEmitter {
  getConnection(cb: (err: unknown, conn?: CoreConnection) => void): void;
}

export interface Binding {
  readonly server: ServerRef;
  readonly bounds: DatabaseBounds;
}

const bound = new WeakSet<CoreConnection>();
/** Connections given up on, with the timeout that did it: later commands on them fail with it too. */
const abandoned = new WeakMap<CoreConnection, DatabaseTimeoutError>();

function isCommand(x: unknown): x is QueryCommand {
  return x instanceof EventEmitter && typeof (x as Partial<QueryCommand>).start === 'function';
}

function ignore(): void {
  /* see bindCore */
}

function coreOf(conn: Connection): CoreConnection {
  return (conn as unknown as { connection: CoreConnection }).connection;
}

function abandon(core: CoreConnection, err: DatabaseTimeoutError): void {
  if (abandoned.has(core)) return;
  abandoned.set(core, err);
  core.stream.destroy(err);
}

/** Gives the command its timeout and makes its errors typed; an unanswered one abandons the connection. */
function arm(core: CoreConnection, cmd: QueryCommand, b: Binding): void {
  cmd.timeout ??= clientWaitSeconds(b.bounds) * 1000;
  const deliver = cmd.onResult;
  if (typeof deliver !== 'function') {
    // Event-style (streamed) queries: the provider has none, but one must not keep a dead connection.
    cmd.once('error', (err: unknown) => {
      const typed = classifyTimeout(err, b.server, b.bounds, statementKeywords(cmd.sql));
      if (typed?.unresponsive) abandon(core, typed);
    });
    return;
  }
  // A timed-out command is answered twice: by its timer, then by the abandoned connection.
  let settled = false;
  cmd.onResult = (err, ...results) => {
    if (settled) return;
    settled = true;
    if (!err) {
      deliver(err, ...results);
      return;
    }
    const typed = classifyTimeout(err, b.server, b.bounds, statementKeywords(cmd.sql)) ?? abandoned.get(core);
    if (typed?.unresponsive) abandon(core, typed);
    deliver(typed ?? err);
  };
}

function bindCore(core: CoreConnection, b: Binding): void {
  if (bound.has(core)) return;
  bound.add(core);
  // Failures reach the commands through their callbacks. Without a listener, the 'error' event an
  // abandoned (or idle, dropped) connection emits would be thrown and end the provider process.
  core.on('error', ignore);
  const query = core.query;
  const createQuery = (core.constructor as unknown as CoreConnectionClass).createQuery;
  core.query = function boundQuery(this: CoreConnection, sql: unknown, values?: unknown, cb?: unknown): QueryCommand {
    // The same normalisation mysql2's own query() does, done first so the timeout is set before the
    // command can start (its timer starts when the command is sent).
    const cmd = isCommand(sql) ? sql : createQuery(sql, values, cb, this.config);
    arm(this, cmd, b);
    return query.call(this, cmd);
  };
}

/**
 * Bounds every connection the pool makes: session limits are set before a connection's first use
 * (the 'connection' event fires before the caller gets it, and commands run in order), and
 * connecting errors come back typed.
 */
export function bindPool(pool: Pool, b: Binding): Pool {
  const core = pool.pool as unknown as CorePool;
  core.on('connection', (conn: CoreConnection) => {
    bindCore(conn, b);
    // A failure other than a timeout (which reaches the caller's own command) leaves only the
    // session limits unset; the provider's own bound still holds.
    conn.query(sessionLimitsSql(b.bounds), ignore);
  });
  const getConnection = core.getConnection;
  core.getConnection = function boundGetConnection(this: CorePool, cb: (err: unknown, conn?: CoreConnection) => void): void {
    getConnection.call(this, (err, conn) => (err ? cb(classifyTimeout(err, b.server, b.bounds, 'connect') ?? err) : cb(null, conn)));
  };
  return pool;
}

/** Opens a single connection with the same bounds as the pools. */
export async function openBound(open: () => Promise<Connection>, b: Binding): Promise<Connection> {
  let conn: Connection;
  try {
    conn = await open();
  } catch (err) {
    throw classifyTimeout(err, b.server, b.bounds, 'connect') ?? err;
  }
  bindCore(coreOf(conn), b);
  try {
    await conn.query(sessionLimitsSql(b.bounds));
  } catch (err) {
    if (err instanceof DatabaseTimeoutError) {
      conn.destroy();
      throw err;
    }
    // As for pools: only the session limits are missing.
  }
  return conn;
}
