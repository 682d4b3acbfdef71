// A consistent SQL dump of one tenant database, streamed through mysql2 (no mysqldump binary).
// Consistency is mysqldump --single-transaction's: one REPEATABLE READ transaction started WITH
// CONSISTENT SNAPSHOT before the first table is read, so every InnoDB table is dumped as of the
// same instant however long the dump takes and whatever writers do meanwhile. Rows are streamed
// (the connection is paused while the output is busy), so a large table never sits in memory.
//
// The output is a plain SQL script that provider/moodle/sql-loader.ts (vmoodle_tenant.template)
// and the mysql client both load: no USE / CREATE DATABASE, DROP TABLE IF EXISTS before each
// CREATE TABLE, multi-row INSERTs of about 1 MiB, binary values as hex so the text is UTF-8.
import type { Readable } from 'node:stream';
import type { RowDataPacket } from 'mysql2/promise';
import { execute, queryRows } from '../../provider/mysql/admin';
import { qualifiedName, quoteIdent } from '../../provider/mysql/identifiers';
import type { Connection } from '../../provider/mysql/pools';
import { readLocalWwwroot } from '../../provider/moodle/wwwroot';
import { ByteBuilder, columnKind, type ColumnKind } from './sql-literals';

const INSERT_BYTES = 1024 * 1024;
const GENERATED_RE = /\b(?:VIRTUAL|STORED|PERSISTENT) GENERATED\b/i;

export interface DumpOutput {
  write(data: Buffer | string): Promise<void>;
}

export interface MoodleInfo {
  version: string | null;
  release: string | null;
  branch: string | null;
  /** wwwroot of the site's own mnet_host row: what a loader rewrites (null when absent). */
  wwwroot: string | null;
}

export interface DumpProgress {
  table: string;
  tablesDone: number;
  tables: number;
  rowsDone: number;
  /** information_schema's estimate (exact for MyISAM, approximate for InnoDB). */
  rowsEstimate: number;
}

export interface DumpResult {
  tables: Record<string, number>;
  rows: number;
  moodle: MoodleInfo;
  /** Tables whose engine has no transactions (MyISAM, Aria...): not covered by the snapshot's consistency. */
  nonTransactional: string[];
  /** Views and other non-table objects that were not dumped. */
  skipped: string[];
}

interface TableInfo {
  name: string;
  engine: string | null;
  rowsEstimate: number;
  columns: { name: string; kind: ColumnKind }[];
}

interface CoreQuery {
  stream(options: { highWaterMark: number }): Readable;
}
interface CoreConnection {
  query(options: { sql: string; rowsAsArray: boolean; typeCast: (field: { buffer(): Buffer | null }) => Buffer | null }): CoreQuery;
}

/** The callback-style connection under mysql2's promise wrapper: the only one that can stream rows. */
function coreOf(conn: Connection): CoreConnection {
  const core = (conn as unknown as { connection?: CoreConnection }).connection;
  if (!core || typeof core.query !== 'function') throw new Error('this mysql2 connection cannot stream rows');
  return core;
}

async function listTables(conn: Connection, database: string): Promise<{ tables: TableInfo[]; skipped: string[] }> {
  const tables = await queryRows(
    conn,
    `list tables of ${database}`,
    'SELECT TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine, TABLE_ROWS AS est FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [database],
  );
  const columns = await queryRows(
    conn,
    `list columns of ${database}`,
    'SELECT TABLE_NAME AS tbl, COLUMN_NAME AS col, DATA_TYPE AS dtype, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION',
    [database],
  );
  const byTable = new Map<string, TableInfo['columns']>();
  for (const c of columns) {
    // Generated columns are computed by the server on load; inserting into them is an error.
    if (GENERATED_RE.test(String(c.extra ?? ''))) continue;
    const list = byTable.get(String(c.tbl)) ?? [];
    list.push({ name: String(c.col), kind: columnKind(String(c.dtype)) });
    byTable.set(String(c.tbl), list);
  }
  const out: TableInfo[] = [];
  const skipped: string[] = [];
  for (const t of tables) {
    const name = String(t.name);
    if (String(t.type) !== 'BASE TABLE') {
      skipped.push(name);
      continue;
    }
    out.push({ name, engine: t.engine === null ? null : String(t.engine), rowsEstimate: Number(t.est ?? 0), columns: byTable.get(name) ?? [] });
  }
  return { tables: out, skipped };
}

async function readMoodleInfo(conn: Connection, database: string, prefix: string, tableNames: Set<string>): Promise<MoodleInfo> {
  const info: MoodleInfo = { version: null, release: null, branch: null, wwwroot: null };
  if (!tableNames.has(prefix + 'config')) return info;
  const rows = await queryRows(
    conn,
    `read the Moodle version of ${database}`,
    `SELECT name, value FROM ${qualifiedName(database, prefix + 'config')} WHERE name IN ('version', 'release', 'branch')`,
  );
  for (const r of rows as RowDataPacket[]) {
    const v = String(r.value);
    if (r.name === 'version') info.version = v;
    else if (r.name === 'release') info.release = v;
    else if (r.name === 'branch') info.branch = v;
  }
  if (tableNames.has(prefix + 'mnet_host')) info.wwwroot = await readLocalWwwroot(conn, database, prefix);
  return info;
}

function header(database: string, prefix: string): string {
  return [
    `-- vmoodle snapshot of database ${database} (table prefix ${prefix}), ${new Date().toISOString()}`,
    '-- One consistent transaction; load with vmoodle restore, as a vmoodle_tenant template, or with the mysql client.',
    'SET NAMES utf8mb4;',
    'SET @vmoodle_sql_mode = @@SESSION.sql_mode, @vmoodle_time_zone = @@SESSION.time_zone, @vmoodle_fk = @@SESSION.foreign_key_checks, @vmoodle_uc = @@SESSION.unique_checks;',
    // NO_AUTO_VALUE_ON_ZERO keeps rows whose id is 0; no strict mode: the rows were valid on the source.
    "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO', SESSION time_zone = '+00:00', SESSION foreign_key_checks = 0, SESSION unique_checks = 0;",
    '',
  ].join('\n');
}

const FOOTER = [
  '',
  'SET SESSION sql_mode = @vmoodle_sql_mode, SESSION time_zone = @vmoodle_time_zone, SESSION foreign_key_checks = @vmoodle_fk, SESSION unique_checks = @vmoodle_uc;',
  '-- end of vmoodle snapshot',
  '',
].join('\n');

async function dumpTable(conn: Connection, database: string, table: TableInfo, out: DumpOutput, onRow: () => void): Promise<number> {
  const create = await queryRows(conn, `read the definition of ${table.name}`, `SHOW CREATE TABLE ${qualifiedName(database, table.name)}`);
  const ddl = String(create[0]?.['Create Table'] ?? '');
  if (!ddl) throw new Error(`SHOW CREATE TABLE ${table.name} returned no definition`);
  await out.write(`\nDROP TABLE IF EXISTS ${quoteIdent(table.name)};\n${ddl};\n`);
  if (table.columns.length === 0) return 0;

  const columnList = table.columns.map((c) => quoteIdent(c.name)).join(', ');
  const prefix = Buffer.from(`INSERT INTO ${quoteIdent(table.name)} (${columnList}) VALUES\n`, 'utf8');
  const kinds = table.columns.map((c) => c.kind);
  const stream = coreOf(conn)
    .query({
      sql: `SELECT ${columnList} FROM ${qualifiedName(database, table.name)}`,
      rowsAsArray: true,
      // Raw bytes of every value: literal() decides how each is written, nothing is reinterpreted.
      typeCast: (field) => field.buffer(),
    })
    .stream({ highWaterMark: 512 });

  // One INSERT statement of about INSERT_BYTES at a time, built in place.
  const sql = new ByteBuilder(INSERT_BYTES + 64 * 1024);
  let rows = 0;
  let inStatement = false;
  const flush = async (): Promise<void> => {
    if (!inStatement) return;
    sql.ascii(';\n');
    await out.write(sql.take());
    inStatement = false;
  };
  for await (const row of stream as AsyncIterable<(Buffer | null)[]>) {
    if (sql.length >= INSERT_BYTES) await flush();
    if (inStatement) sql.ascii(',\n(');
    else {
      sql.bytes(prefix);
      sql.ascii('(');
      inStatement = true;
    }
    for (let i = 0; i < row.length; i++) {
      if (i > 0) sql.ascii(',');
      sql.literal(row[i]!, kinds[i]!);
    }
    sql.ascii(')');
    rows++;
    onRow();
  }
  await flush();
  return rows;
}

/**
 * Dumps every base table of `database` to `out` in one consistent read. `conn` must be a plain
 * connection of its own (the transaction and session settings live on it); it is left open.
 */
export async function dumpDatabase(
  conn: Connection,
  database: string,
  prefix: string,
  out: DumpOutput,
  onProgress: (p: DumpProgress) => void = () => undefined,
): Promise<DumpResult> {
  // TIMESTAMP values are printed in the session time zone; UTC on both sides makes them exact.
  await execute(conn, 'set the dump session time zone', "SET SESSION time_zone = '+00:00'");
  await execute(conn, 'set the isolation level', 'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await execute(conn, 'start the consistent snapshot', 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  try {
    const { tables, skipped } = await listTables(conn, database);
    const moodle = await readMoodleInfo(conn, database, prefix, new Set(tables.map((t) => t.name)));
    const rowsEstimate = tables.reduce((n, t) => n + t.rowsEstimate, 0);
    const result: DumpResult = {
      tables: {},
      rows: 0,
      moodle,
      nonTransactional: tables.filter((t) => t.engine !== null && !/^innodb$/i.test(t.engine)).map((t) => t.name),
      skipped,
    };
    await out.write(header(database, prefix));
    let tablesDone = 0;
    for (const table of tables) {
      const report = (): void => onProgress({ table: table.name, tablesDone, tables: tables.length, rowsDone: result.rows, rowsEstimate });
      report();
      const n = await dumpTable(conn, database, table, out, () => {
        result.rows++;
        if ((result.rows & 1023) === 0) report();
      });
      result.tables[table.name] = n;
      tablesDone++;
    }
    onProgress({ table: '', tablesDone, tables: tables.length, rowsDone: result.rows, rowsEstimate });
    await out.write(FOOTER);
    await execute(conn, 'end the snapshot', 'COMMIT');
    return result;
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
