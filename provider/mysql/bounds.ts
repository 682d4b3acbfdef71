// How long any database call of the provider may take, and the error it gets when one takes longer.
// A server that accepts connections but never answers (a stalled proxy, a hung host) and a statement
// queued behind a lock (MariaDB waits up to a year for a metadata lock by default: a DROP DATABASE
// behind an open transaction of a Moodle web node) would otherwise hang `terraform apply` for good.
//
// Three layers, from the one that fails most cleanly to the backstop:
//   1. lock waits (metadata, InnoDB row and named locks) give up after `statementSeconds`;
//   2. the server stops any statement a second later (MariaDB's max_statement_time), so a statement
//      blocked on a lock is reported as a lock wait and the connection stays usable in both cases;
//   3. the provider stops waiting for an answer a few seconds after that and drops the connection:
//      only a server that does not answer at all gets this far.
import { SqlError } from './sql-error';

export interface DatabaseBounds {
  /** Longest a statement may run, lock waits included (provider attribute statement_timeout_seconds). */
  statementSeconds: number;
  /** Longest connecting and logging in may take (provider attribute connect_timeout_seconds). */
  connectSeconds: number;
}

export const DEFAULT_BOUNDS: Readonly<DatabaseBounds> = { statementSeconds: 300, connectSeconds: 10 };

/** Both settings are whole seconds in this range (MariaDB's lock_wait_timeout takes whole seconds). */
export const BOUND_RANGE = { min: 1, max: 86_400 } as const;

// Long enough for an answer the server sent at its own limit to arrive, short enough not to matter.
const CLIENT_GRACE_SECONDS = 5;

export function lockWaitSeconds(b: DatabaseBounds): number {
  return b.statementSeconds;
}

export function serverStatementSeconds(b: DatabaseBounds): number {
  return b.statementSeconds + 1;
}

export function clientWaitSeconds(b: DatabaseBounds): number {
  return b.statementSeconds + CLIENT_GRACE_SECONDS;
}

/**
 * Session settings every connection gets before its first statement. max_statement_time is
 * MariaDB's (10.1+); the executable comment keeps the statement valid on MySQL, where the
 * provider's own bound (layer 3) then covers long statements.
 */
export function sessionLimitsSql(b: DatabaseBounds): string {
  const lock = lockWaitSeconds(b);
  return `SET SESSION lock_wait_timeout = ${lock}, innodb_lock_wait_timeout = ${lock} /*M!100108 , max_statement_time = ${serverStatementSeconds(b)} */`;
}

/** Which configured server a call went to, as the user named it. Never carries credentials. */
export type ServerRef = { readonly kind: 'server'; readonly name: string } | { readonly kind: 'registry' };

export function describeServer(ref: ServerRef): string {
  return ref.kind === 'registry' ? 'the registry database server' : `database server "${ref.name}"`;
}

export type TimeoutKind = 'connect' | 'no-answer' | 'statement' | 'lock-wait';

const ER_LOCK_WAIT_TIMEOUT = 1205;
const ER_STATEMENT_TIMEOUT = 1969;

/**
 * A database call that hit its bound. It is an SqlError, so code that sanitises or inspects database
 * errors keeps working; `summary` and `hint` make the Terraform diagnostic (framework/diagnostics.ts).
 */
export class DatabaseTimeoutError extends SqlError {
  override name = 'DatabaseTimeoutError';

  constructor(
    readonly server: ServerRef,
    readonly kind: TimeoutKind,
    /** How long was waited, as the user can relate it to the provider settings. */
    readonly seconds: number,
    operation: string,
  ) {
    super(operation, timeoutMessage(server, kind, seconds), CODES[kind].code, CODES[kind].errno, undefined);
  }

  /** The same timeout, described by what the caller was doing (e.g. `DROP DATABASE moodle_physics`). */
  during(operation: string): DatabaseTimeoutError {
    return new DatabaseTimeoutError(this.server, this.kind, this.seconds, operation);
  }

  /** True when the server itself is not answering, so further calls to it would only wait as long. */
  get unresponsive(): boolean {
    return this.kind === 'connect' || this.kind === 'no-answer';
  }

  get summary(): string {
    const s = describeServer(this.server);
    switch (this.kind) {
      case 'connect':
        return `Could not connect to ${s} in time`;
      case 'no-answer':
        return `${capitalise(s)} did not answer in time`;
      case 'statement':
        return `Statement timed out on ${s}`;
      case 'lock-wait':
        return `Lock wait timed out on ${s}`;
    }
  }

  get hint(): string {
    const s = describeServer(this.server);
    switch (this.kind) {
      case 'connect':
        return `Check that ${s} is up and reachable from where terraform runs, then run terraform apply again. If it is only slow to accept connections, raise connect_timeout_seconds in the provider block.`;
      case 'no-answer':
        return `Check that ${s} answers: it, or a proxy or the network in front of it, may be stalled or overloaded. Then run terraform apply again. If this work legitimately takes longer, raise statement_timeout_seconds in the provider block.`;
      case 'statement':
        return `The server stopped a statement that ran longer than statement_timeout_seconds. Check what keeps ${s} busy, or raise statement_timeout_seconds in the provider block for work this large, then run terraform apply again.`;
      case 'lock-wait':
        return `Another session holds a lock this statement needs, e.g. an open transaction of a Moodle web node, a backup or a long query. Find it (SHOW PROCESSLIST, information_schema.INNODB_TRX), let it finish or end it, then run terraform apply again; or raise statement_timeout_seconds in the provider block to wait longer.`;
    }
  }
}

const CODES: Record<TimeoutKind, { code: string; errno: number | undefined }> = {
  connect: { code: 'ETIMEDOUT', errno: undefined },
  'no-answer': { code: 'PROTOCOL_SEQUENCE_TIMEOUT', errno: undefined },
  statement: { code: 'ER_STATEMENT_TIMEOUT', errno: ER_STATEMENT_TIMEOUT },
  'lock-wait': { code: 'ER_LOCK_WAIT_TIMEOUT', errno: ER_LOCK_WAIT_TIMEOUT },
};

function timeoutMessage(server: ServerRef, kind: TimeoutKind, seconds: number): string {
  const s = describeServer(server);
  switch (kind) {
    case 'connect':
      return `could not connect to ${s}: timed out after ${seconds} s`;
    case 'no-answer':
      return `${s} did not answer: timed out after ${seconds} s`;
    case 'statement':
      return `${s} stopped the statement: timed out after ${seconds} s`;
    case 'lock-wait':
      return `${s} gave up waiting for a lock held by another session: timed out after ${seconds} s`;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The statement's leading keywords (`DROP DATABASE`, `SELECT GET_LOCK`), to say what timed out when
 * the caller did not. Only upper-case words are kept: this code base writes keywords in upper case
 * and names in lower case, and the rest of the text (which may hold a password) is never looked at.
 */
export function statementKeywords(sql: unknown): string {
  if (typeof sql !== 'string') return 'a statement';
  const m = /^\s*([A-Za-z]+)(?:\s+([A-Z][A-Z_]*)\b)?/.exec(sql);
  if (!m) return 'a statement';
  return m[2] ? `${m[1]!.toUpperCase()} ${m[2]}` : m[1]!.toUpperCase();
}

interface DriverError {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
}

/** Turns a mysql2 error that means "a bound was hit" into a DatabaseTimeoutError; anything else: undefined. */
export function classifyTimeout(err: unknown, server: ServerRef, b: DatabaseBounds, operation: string): DatabaseTimeoutError | undefined {
  if (err instanceof DatabaseTimeoutError) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as DriverError;
  if (e.errno === ER_LOCK_WAIT_TIMEOUT) return new DatabaseTimeoutError(server, 'lock-wait', lockWaitSeconds(b), operation);
  if (e.errno === ER_STATEMENT_TIMEOUT) return new DatabaseTimeoutError(server, 'statement', serverStatementSeconds(b), operation);
  if (e.code === 'PROTOCOL_SEQUENCE_TIMEOUT') return new DatabaseTimeoutError(server, 'no-answer', clientWaitSeconds(b), operation);
  if (e.code === 'ETIMEDOUT') return new DatabaseTimeoutError(server, 'connect', b.connectSeconds, operation);
  return undefined;
}
