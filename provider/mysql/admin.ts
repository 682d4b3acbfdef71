// Idempotent administration of one database server: tenant databases, accounts and grants.
// Every operation can be retried after an interrupted apply and converges to the same result.
// Passwords only ever appear in the SQL text of CREATE USER / ALTER USER (which cannot take
// placeholders); any error from those statements is rebuilt without the SQL and with the secret
// masked, because mysql2 errors carry the full statement in `sql` and parse errors quote it.
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import {
  accountName,
  grantDatabasePattern,
  quoteIdent,
  quoteString,
  validateDatabaseName,
  validateUserHost,
  validateUserName,
} from './identifiers';
import type { Queryable } from './pools';
import { SqlError } from './sql-error';
import { DatabaseTimeoutError } from './bounds';

export { SqlError };

export type SqlValue = string | number | bigint | boolean | null;

/** Invalid input caught before any SQL is sent (the plan-time validators should have caught it). */
export class InvalidNameError extends Error {
  override name = 'InvalidNameError';
}

interface MysqlErrorShape {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
}

/**
 * Converts anything thrown by mysql2 into an SqlError that has no `sql`, no `cause` (which would
 * carry the original) and no occurrence of the given secrets.
 */
export function sanitizeSqlError(err: unknown, operation: string, secrets: readonly string[] = []): SqlError {
  // It holds no SQL text, and its kind decides the diagnostic and whether undo is worth trying.
  if (err instanceof DatabaseTimeoutError) return err.during(operation);
  const e: MysqlErrorShape = typeof err === 'object' && err !== null ? (err as MysqlErrorShape) : { message: String(err) };
  let detail = typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : String(err);
  const live = secrets.filter((s) => s.length > 0);
  if (live.length > 0) {
    // Parse errors quote the statement from the failing token on: drop that part entirely.
    detail = detail.replace(/near '[\s\S]*$/, 'near [statement withheld: it contains a secret]');
    for (const secret of live) {
      for (const form of new Set([secret, quoteString(secret).slice(1, -1)])) {
        detail = detail.split(form).join('***');
      }
    }
  }
  return new SqlError(
    operation,
    detail,
    typeof e.code === 'string' ? e.code : undefined,
    typeof e.errno === 'number' ? e.errno : undefined,
    typeof e.sqlState === 'string' ? e.sqlState : undefined,
  );
}

/** SELECT-style query; errors are sanitised. */
export async function queryRows<T extends RowDataPacket = RowDataPacket>(
  q: Queryable,
  operation: string,
  sql: string,
  values: SqlValue[] = [],
  secrets: readonly string[] = [],
): Promise<T[]> {
  try {
    const [rows] = await q.query<T[]>(sql, values);
    return rows;
  } catch (err) {
    throw sanitizeSqlError(err, operation, secrets);
  }
}

/** Statement without a result set; errors are sanitised. */
export async function execute(
  q: Queryable,
  operation: string,
  sql: string,
  values: SqlValue[] = [],
  secrets: readonly string[] = [],
): Promise<ResultSetHeader> {
  try {
    const [result] = await q.query<ResultSetHeader>(sql, values);
    return result;
  } catch (err) {
    throw sanitizeSqlError(err, operation, secrets);
  }
}

function check(problem: string | null): void {
  if (problem !== null) throw new InvalidNameError(problem);
}

function describeAccount(user: string, host: string): string {
  return `'${user}'@'${host}'`;
}

// ---------------------------------------------------------------------------------------------
// Databases

export interface DatabaseOptions {
  charset?: string;
  collation?: string;
}

export interface DatabaseInfo {
  name: string;
  charset: string;
  collation: string;
}

export async function databaseExists(q: Queryable, name: string): Promise<boolean> {
  return (await databaseInfo(q, name)) !== null;
}

/** Character set and collation of a database, or null when it does not exist (drift detection). */
export async function databaseInfo(q: Queryable, name: string): Promise<DatabaseInfo | null> {
  const rows = await queryRows(
    q,
    `read database ${name}`,
    'SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation ' +
      'FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    [name],
  );
  const row = rows[0];
  if (!row) return null;
  return { name: String(row.name), charset: String(row.charset), collation: String(row.collation) };
}

/** Creates the database if missing. Returns true when it was created by this call. */
export async function createDatabase(q: Queryable, name: string, opts: DatabaseOptions = {}): Promise<boolean> {
  check(validateDatabaseName(name));
  const charset = opts.charset ?? 'utf8mb4';
  const collation = opts.collation ?? 'utf8mb4_unicode_ci';
  if (!/^[a-z0-9_]+$/.test(charset) || !/^[a-z0-9_]+$/.test(collation)) {
    throw new InvalidNameError(`charset "${charset}" / collation "${collation}" must be plain names like utf8mb4 / utf8mb4_unicode_ci`);
  }
  if (await databaseExists(q, name)) return false;
  // IF NOT EXISTS still matters: another process may have created it since the check.
  const res = await execute(
    q,
    `CREATE DATABASE ${name}`,
    `CREATE DATABASE IF NOT EXISTS ${quoteIdent(name)} CHARACTER SET ${charset} COLLATE ${collation}`,
  );
  return res.warningStatus === 0;
}

/** Drops the database if present. Returns true when it existed. */
export async function dropDatabase(q: Queryable, name: string): Promise<boolean> {
  check(validateDatabaseName(name));
  const existed = await databaseExists(q, name);
  await execute(q, `DROP DATABASE ${name}`, `DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  return existed;
}

/** Base tables of a database, sorted by name. */
export async function listTables(q: Queryable, database: string): Promise<string[]> {
  const rows = await queryRows(
    q,
    `list tables of ${database}`,
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    [database],
  );
  return rows.map((r) => String(r.name));
}

// ---------------------------------------------------------------------------------------------
// Accounts

export async function userExists(q: Queryable, user: string, host: string): Promise<boolean> {
  const rows = await queryRows(
    q,
    `look up account ${describeAccount(user, host)}`,
    'SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host = ?',
    [user, host],
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

function checkAccount(user: string, host: string): void {
  check(validateUserName(user));
  check(validateUserHost(host));
}

/**
 * Ensures the account exists with this password. When it already exists (a retried apply) its
 * password is reset, so the result is the same either way. Returns true when it was created.
 */
export async function createUser(q: Queryable, user: string, host: string, password: string): Promise<boolean> {
  checkAccount(user, host);
  if (await userExists(q, user, host)) {
    await setUserPassword(q, user, host, password);
    return false;
  }
  await execute(
    q,
    `CREATE USER ${describeAccount(user, host)}`,
    `CREATE USER IF NOT EXISTS ${accountName(user, host)} IDENTIFIED BY ${quoteString(password)}`,
    [],
    [password],
  );
  return true;
}

export async function setUserPassword(q: Queryable, user: string, host: string, password: string): Promise<void> {
  checkAccount(user, host);
  await execute(
    q,
    `ALTER USER ${describeAccount(user, host)} (set password)`,
    `ALTER USER ${accountName(user, host)} IDENTIFIED BY ${quoteString(password)}`,
    [],
    [password],
  );
}

/**
 * Renames an account, keeping its password and grants. Idempotent: if the old account is gone and
 * the new one exists, the rename already happened and nothing is done. Returns true when renamed
 * by this call.
 */
export async function renameUser(q: Queryable, user: string, host: string, newUser: string, newHost: string): Promise<boolean> {
  checkAccount(user, host);
  checkAccount(newUser, newHost);
  if (user === newUser && host === newHost) return false;
  const fromExists = await userExists(q, user, host);
  const toExists = await userExists(q, newUser, newHost);
  const op = `RENAME USER ${describeAccount(user, host)} TO ${describeAccount(newUser, newHost)}`;
  if (!fromExists && toExists) return false;
  if (fromExists && toExists) {
    throw new SqlError(op, `both accounts exist; drop ${describeAccount(newUser, newHost)} first or choose another name`, undefined, undefined, undefined);
  }
  if (!fromExists) {
    throw new SqlError(op, `account ${describeAccount(user, host)} does not exist`, undefined, undefined, undefined);
  }
  await execute(q, op, `RENAME USER ${accountName(user, host)} TO ${accountName(newUser, newHost)}`);
  return true;
}

/** Drops the account if present (with all its grants). Returns true when it existed. */
export async function dropUser(q: Queryable, user: string, host: string): Promise<boolean> {
  checkAccount(user, host);
  const existed = await userExists(q, user, host);
  await execute(q, `DROP USER ${describeAccount(user, host)}`, `DROP USER IF EXISTS ${accountName(user, host)}`);
  return existed;
}

// ---------------------------------------------------------------------------------------------
// Grants

/**
 * ALL PRIVILEGES on exactly one database (wildcards in the name escaped), nothing global and no
 * GRANT OPTION. GRANT is additive and idempotent.
 */
export async function grantDatabase(q: Queryable, user: string, host: string, database: string): Promise<void> {
  checkAccount(user, host);
  check(validateDatabaseName(database));
  await execute(
    q,
    `GRANT ALL PRIVILEGES ON ${database}.* TO ${describeAccount(user, host)}`,
    `GRANT ALL PRIVILEGES ON ${grantDatabasePattern(database)}.* TO ${accountName(user, host)}`,
  );
}

/** Removes every privilege of the account (it keeps USAGE, i.e. the right to log in). */
export async function revokeAll(q: Queryable, user: string, host: string): Promise<void> {
  checkAccount(user, host);
  await execute(
    q,
    `REVOKE ALL PRIVILEGES FROM ${describeAccount(user, host)}`,
    `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${accountName(user, host)}`,
  );
}

export type GrantLevel = 'global' | 'database' | 'table' | 'routine' | 'proxy' | 'role' | 'other';

export interface ParsedGrant {
  level: GrantLevel;
  /** Upper-case privilege names as listed, e.g. ['ALL PRIVILEGES'] or ['SELECT', 'INSERT']. */
  privileges: string[];
  /** Database as written in the grant, unquoted but with its `\_` / `\%` escapes (a LIKE pattern). */
  databasePattern?: string;
  /** databasePattern with escapes removed. */
  database?: string;
  /** True when databasePattern contains an unescaped `_` or `%`, i.e. covers more than one database. */
  wildcard?: boolean;
  table?: string;
  withGrantOption: boolean;
  /** The SHOW GRANTS line with any password hash removed. */
  text: string;
}

export interface GrantCheck {
  ok: boolean;
  /** Human-readable differences from the expected grant set. */
  problems: string[];
  grants: ParsedGrant[];
}

const QUOTED = '`(?:[^`]|``)*`';
const OBJECT_PART = `(?:${QUOTED}|\\*|[^\\s.\`]+)`;
const GRANT_RE = new RegExp(
  `^GRANT\\s+([\\s\\S]+?)\\s+ON\\s+(?:(FUNCTION|PROCEDURE|PACKAGE BODY|PACKAGE)\\s+)?(${OBJECT_PART})\\.(${OBJECT_PART})\\s+TO\\s+([\\s\\S]*)$`,
  'i',
);

function unquote(part: string): string {
  return part.startsWith('`') ? part.slice(1, -1).replace(/``/g, '`') : part;
}

function splitPrivileges(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out.map((p) => p.replace(/\s+/g, ' ').toUpperCase());
}

/** Removes password hashes and authentication strings from a SHOW GRANTS line. */
export function redactGrantLine(line: string): string {
  return line
    .replace(/\s+IDENTIFIED\s+(?:BY|VIA|WITH)\s[\s\S]*?(?=\s+REQUIRE\s|\s+WITH\s|$)/i, '')
    .replace(/\s+PASSWORD\s+'[^']*'/gi, '');
}

export function parseGrantLine(line: string): ParsedGrant {
  const text = redactGrantLine(line.trim());
  const m = GRANT_RE.exec(text);
  if (!m) {
    const proxy = /^GRANT\s+PROXY\s+ON\s/i.test(text);
    const role = /^GRANT\s+[^\s]+\s+TO\s/i.test(text) && !/\sON\s/i.test(text);
    return { level: proxy ? 'proxy' : role ? 'role' : 'other', privileges: [], withGrantOption: /\bWITH\b[\s\S]*\bGRANT OPTION\b/i.test(text), text };
  }
  const [, privList, routineKind, dbPart, tablePart, tail] = m;
  const withGrantOption = /\bWITH\b[\s\S]*\bGRANT OPTION\b/i.test(tail);
  const privileges = splitPrivileges(privList);
  if (routineKind) {
    return { level: 'routine', privileges, databasePattern: unquote(dbPart), database: unquote(dbPart), table: unquote(tablePart), withGrantOption, text };
  }
  if (dbPart === '*' && tablePart === '*') return { level: 'global', privileges, withGrantOption, text };
  const databasePattern = unquote(dbPart);
  const database = databasePattern.replace(/\\([\\_%])/g, '$1');
  const wildcard = /(^|[^\\])(\\\\)*[_%]/.test(databasePattern);
  if (tablePart === '*') return { level: 'database', privileges, databasePattern, database, wildcard, withGrantOption, text };
  return { level: 'table', privileges, databasePattern, database, wildcard: false, table: unquote(tablePart), withGrantOption, text };
}

/** Parsed SHOW GRANTS of the account, or null when the account does not exist. */
export async function showGrants(q: Queryable, user: string, host: string): Promise<ParsedGrant[] | null> {
  if (!(await userExists(q, user, host))) return null;
  const rows = await queryRows(q, `SHOW GRANTS FOR ${describeAccount(user, host)}`, `SHOW GRANTS FOR ${accountName(user, host)}`);
  return rows.map((r) => parseGrantLine(String(Object.values(r)[0])));
}

/**
 * Compares grants with what grantDatabase gives: USAGE globally plus ALL PRIVILEGES on exactly
 * `database`, no GRANT OPTION, nothing else.
 */
export function checkGrants(grants: readonly ParsedGrant[] | null, database: string): GrantCheck {
  if (grants === null) return { ok: false, problems: ['the account does not exist'], grants: [] };
  const problems: string[] = [];
  const expectedPattern = grantDatabasePattern(database).slice(1, -1).replace(/``/g, '`');
  let found = false;
  for (const g of grants) {
    if (g.withGrantOption) problems.push(`has GRANT OPTION: ${g.text}`);
    if (g.level === 'global') {
      if (!(g.privileges.length === 1 && g.privileges[0] === 'USAGE')) problems.push(`has global privileges ${g.privileges.join(', ')}`);
    } else if (g.level === 'database' && g.databasePattern === expectedPattern) {
      if (g.privileges.length === 1 && g.privileges[0] === 'ALL PRIVILEGES') found = true;
      else problems.push(`has ${g.privileges.join(', ')} on ${database} instead of ALL PRIVILEGES`);
    } else if (g.level === 'database' && g.wildcard) {
      problems.push(`has a wildcard grant on database pattern "${g.databasePattern}" (covers more than one database)`);
    } else {
      problems.push(`has an unexpected grant: ${g.text}`);
    }
  }
  if (!found) problems.push(`lacks ALL PRIVILEGES on ${database}`);
  return { ok: problems.length === 0, problems, grants: [...grants] };
}

/** showGrants + checkGrants. */
export async function verifyGrants(q: Queryable, user: string, host: string, database: string): Promise<GrantCheck> {
  return checkGrants(await showGrants(q, user, host), database);
}
