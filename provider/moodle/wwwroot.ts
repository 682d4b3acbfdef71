// Domain switch and template adaptation (research/moodle-facts.md section F). The site URL itself
// lives only in config.php (served by the sidecar); what the database holds is: the local mnet_host
// row, config values derived from the host (no-reply address, cookie domain, chat host) and absolute
// links in content. rewriteWwwroot does what Moodle's admin/tool/replace (db_replace()) does for the
// content, plus those explicit rows, in one transaction.
import { randomInt } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { execute, queryRows } from '../mysql/admin';
import { qualifiedName, quoteIdent } from '../mysql/identifiers';
import { withConnection, type Connection, type Pool, type Queryable } from '../mysql/pools';

export class WwwrootError extends Error {
  override name = 'WwwrootError';
}

/** Tables db_replace() never touches (lib/adminlib.php), by name without prefix. */
export const EXCLUDED_TABLES: readonly string[] = [
  'config',
  'config_plugins',
  'filter_config',
  'sessions',
  'events_queue',
  'repository_instance_config',
  'block_instances',
  'files',
];
const LOG_TABLE_RE = /(^|_)logs?($|_)/;
const TEXT_TYPES = ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext'];
const CHAR_TYPES = new Set(['char', 'varchar']);

export function isExcludedTable(nameWithoutPrefix: string): boolean {
  return EXCLUDED_TABLES.includes(nameWithoutPrefix) || LOG_TABLE_RE.test(nameWithoutPrefix);
}

export function isExcludedColumn(column: string): boolean {
  return /hash$/i.test(column);
}

/** `https://host[:port][/path]` without a trailing slash; throws on anything else. */
export function normaliseWwwroot(root: string, what = 'wwwroot'): string {
  const trimmed = root.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i.test(trimmed)) {
    throw new WwwrootError(`${what} "${root}" must be an absolute http(s) URL without query or fragment, e.g. https://moodle.example.edu`);
  }
  return trimmed;
}

/** Host name of a wwwroot (no port), lower-case. */
export function hostOfWwwroot(root: string): string {
  return new URL(root).hostname.toLowerCase();
}

/** The wwwroot of the site's own mnet_host row (id = config.mnet_localhost_id), or null. */
export async function readLocalWwwroot(q: Queryable, database: string, prefix: string): Promise<string | null> {
  const rows = await queryRows<RowDataPacket>(
    q,
    `read the local mnet_host row of ${database}`,
    `SELECT h.wwwroot FROM ${qualifiedName(database, prefix + 'mnet_host')} h ` +
      `JOIN ${qualifiedName(database, prefix + 'config')} c ON c.name = 'mnet_localhost_id' ` +
      'WHERE h.id = CAST(c.value AS UNSIGNED)',
  );
  const v = rows[0]?.wwwroot;
  return typeof v === 'string' && v !== '' ? v : null;
}

export interface TooLongValue {
  table: string;
  column: string;
  /** Rows left unchanged because the rewritten value would not fit the column. */
  rows: number;
}

export interface RewriteResult {
  oldRoot: string;
  newRoot: string;
  /** Rows changed, by full table name (tables with no change are absent). */
  changedRows: Record<string, number>;
  totalRows: number;
  /**
   * Values that would overflow a VARCHAR after the rewrite. Moodle truncates them; we leave them
   * unchanged (a cut URL is worse than an old one) and report them here.
   */
  tooLong: TooLongValue[];
  /** Explicit, host-derived rows that were changed, e.g. "mnet_host local row", "config.noreplyaddress". */
  explicit: string[];
}

interface ColumnInfo {
  table: string;
  column: string;
  dataType: string;
  maxLength: number | null;
}

async function textColumns(q: Queryable, database: string, prefix: string): Promise<Map<string, ColumnInfo[]>> {
  const rows = await queryRows<RowDataPacket>(
    q,
    `list text columns of ${database}`,
    'SELECT c.TABLE_NAME AS tbl, c.COLUMN_NAME AS col, c.DATA_TYPE AS dtype, c.CHARACTER_MAXIMUM_LENGTH AS maxlen ' +
      'FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ' +
      "  ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE' " +
      `WHERE c.TABLE_SCHEMA = ? AND c.DATA_TYPE IN (${TEXT_TYPES.map(() => '?').join(', ')}) ` +
      "  AND c.EXTRA NOT LIKE '%GENERATED%' " +
      'ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION',
    [database, ...TEXT_TYPES],
  );
  const byTable = new Map<string, ColumnInfo[]>();
  for (const r of rows) {
    const table = String(r.tbl);
    const column = String(r.col);
    if (!table.startsWith(prefix)) continue;
    if (isExcludedTable(table.slice(prefix.length)) || isExcludedColumn(column)) continue;
    const list = byTable.get(table) ?? [];
    list.push({ table, column, dataType: String(r.dtype).toLowerCase(), maxLength: r.maxlen === null ? null : Number(r.maxlen) });
    byTable.set(table, list);
  }
  return byTable;
}

/** Replaces oldRoot by newRoot in every eligible text column of one table; returns rows changed. */
async function rewriteTable(conn: Connection, database: string, cols: ColumnInfo[], oldRoot: string, newRoot: string, tooLong: TooLongValue[]): Promise<number> {
  const table = cols[0].table;
  const grows = [...newRoot].length > [...oldRoot].length;
  // VARCHARs whose content could outgrow the column: only rewrite values that still fit.
  const guarded = cols.filter((c) => grows && CHAR_TYPES.has(c.dataType) && c.maxLength !== null);
  if (guarded.length > 0) {
    const sums = guarded.map((c) => {
      const col = quoteIdent(c.column);
      return `SUM(LOCATE(CAST(? AS BINARY), ${col}) > 0 AND CHAR_LENGTH(REPLACE(${col}, ?, ?)) > ${c.maxLength})`;
    });
    const rows = await queryRows<RowDataPacket>(
      conn,
      `check lengths in ${table}`,
      `SELECT ${sums.map((s, i) => `${s} AS c${i}`).join(', ')} FROM ${qualifiedName(database, table)}`,
      guarded.flatMap(() => [oldRoot, oldRoot, newRoot]),
    );
    guarded.forEach((c, i) => {
      const n = Number(rows[0]?.[`c${i}`] ?? 0);
      if (n > 0) tooLong.push({ table, column: c.column, rows: n });
    });
  }
  const sets: string[] = [];
  const setValues: string[] = [];
  for (const c of cols) {
    const col = quoteIdent(c.column);
    if (guarded.includes(c)) {
      sets.push(`${col} = IF(CHAR_LENGTH(REPLACE(${col}, ?, ?)) <= ${c.maxLength}, REPLACE(${col}, ?, ?), ${col})`);
      setValues.push(oldRoot, newRoot, oldRoot, newRoot);
    } else {
      sets.push(`${col} = REPLACE(${col}, ?, ?)`);
      setValues.push(oldRoot, newRoot);
    }
  }
  // REPLACE() is case-sensitive; a binary needle makes the row filter agree with it under _ci collations
  // (CAST rather than the BINARY operator, which MySQL 8.0.27+ deprecates).
  const where = cols.map((c) => `LOCATE(CAST(? AS BINARY), ${quoteIdent(c.column)}) > 0`).join(' OR ');
  const res = await execute(
    conn,
    `rewrite URLs in ${table}`,
    `UPDATE ${qualifiedName(database, table)} SET ${sets.join(', ')} WHERE ${where}`,
    [...setValues, ...cols.map(() => oldRoot)],
  );
  // mysql2 connects with CLIENT_FOUND_ROWS, so affectedRows counts matched rows; changedRows counts real changes.
  return res.changedRows;
}

async function readConfig(conn: Connection, database: string, prefix: string, names: string[]): Promise<Map<string, string>> {
  const rows = await queryRows<RowDataPacket>(
    conn,
    `read config of ${database}`,
    `SELECT name, value FROM ${qualifiedName(database, prefix + 'config')} WHERE name IN (${names.map(() => '?').join(', ')})`,
    names,
  );
  return new Map(rows.map((r) => [String(r.name), String(r.value)]));
}

async function setConfig(conn: Connection, database: string, prefix: string, name: string, value: string): Promise<number> {
  const res = await execute(
    conn,
    `set config ${name} in ${database}`,
    `UPDATE ${qualifiedName(database, prefix + 'config')} SET value = ? WHERE name = ?`,
    [value, name],
  );
  return res.changedRows;
}

/**
 * Moves a site's database from oldRoot to newRoot (both absolute URLs; trailing slashes ignored).
 * In one transaction:
 *  1. every char/text column of every `prefix` table except EXCLUDED_TABLES, log tables and columns
 *     ending in "hash": REPLACE(col, old, new) on the rows that contain old (case-sensitive);
 *  2. the local mnet_host row's wwwroot := newRoot;
 *  3. config.noreplyaddress `x@oldhost` -> `x@newhost`; sessioncookiedomain and chat_serverhost
 *     when equal to the old host -> the new host.
 * Not done here (callers' job): the MNet certificate (it names the old URL), peers' mnet_host rows,
 * HTML blocks' base64 configdata, and the cache purge Moodle does afterwards.
 */
export async function rewriteWwwroot(
  source: Pool | Connection,
  database: string,
  prefix: string,
  oldRoot: string,
  newRoot: string,
): Promise<RewriteResult> {
  const from = normaliseWwwroot(oldRoot, 'old wwwroot');
  const to = normaliseWwwroot(newRoot, 'new wwwroot');
  const result: RewriteResult = { oldRoot: from, newRoot: to, changedRows: {}, totalRows: 0, tooLong: [], explicit: [] };
  const count = (table: string, n: number): void => {
    if (n <= 0) return;
    result.changedRows[table] = (result.changedRows[table] ?? 0) + n;
    result.totalRows += n;
  };
  if (from === to) return result;
  const oldHost = hostOfWwwroot(from);
  const newHost = hostOfWwwroot(to);

  await withConnection(source, async (conn) => {
    await execute(conn, 'begin transaction', 'START TRANSACTION');
    try {
      const byTable = await textColumns(conn, database, prefix);
      for (const cols of byTable.values()) {
        count(cols[0].table, await rewriteTable(conn, database, cols, from, to, result.tooLong));
      }

      // After the generic pass: if `to` extends `from` (https://a.test -> https://a.test/moodle),
      // setting the row first would let REPLACE extend it a second time.
      const mnetHost = prefix + 'mnet_host';
      const local = await execute(
        conn,
        `set the local mnet_host row of ${database}`,
        `UPDATE ${qualifiedName(database, mnetHost)} h JOIN ${qualifiedName(database, prefix + 'config')} c ` +
          "ON c.name = 'mnet_localhost_id' SET h.wwwroot = ? WHERE h.id = CAST(c.value AS UNSIGNED) AND h.wwwroot <> ?",
        [to, to],
      );
      if (local.changedRows > 0) {
        count(mnetHost, local.changedRows);
        result.explicit.push('mnet_host local row');
      }

      if (oldHost !== newHost) {
        const configTable = prefix + 'config';
        const cfg = await readConfig(conn, database, prefix, ['noreplyaddress', 'sessioncookiedomain', 'chat_serverhost']);
        const noreply = cfg.get('noreplyaddress');
        const at = noreply ? noreply.lastIndexOf('@') : -1;
        if (noreply && at > 0 && noreply.slice(at + 1).toLowerCase() === oldHost) {
          count(configTable, await setConfig(conn, database, prefix, 'noreplyaddress', `${noreply.slice(0, at)}@${newHost}`));
          result.explicit.push('config.noreplyaddress');
        }
        for (const name of ['sessioncookiedomain', 'chat_serverhost']) {
          if (cfg.get(name)?.toLowerCase() === oldHost) {
            count(configTable, await setConfig(conn, database, prefix, name, newHost));
            result.explicit.push(`config.${name}`);
          }
        }
      }
      await execute(conn, 'commit', 'COMMIT');
    } catch (err) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
  return result;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 32 random alphanumerics + host, as Moodle's installer makes it (random_string(32) . host). */
export function newSiteIdentifier(host: string): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += ALNUM[randomInt(ALNUM.length)];
  // Moodle uses the bare host of wwwroot: drop any subpath and port.
  return s + host.split('/')[0].replace(/:\d+$/, '').toLowerCase();
}

/**
 * Gives a cloned site its own config.siteidentifier (two sites sharing one would share every MUC
 * cache key). Returns the new identifier. The site's cache folders must be purged afterwards.
 */
export async function resetSiteIdentifier(q: Queryable, database: string, prefix: string, host: string): Promise<string> {
  const id = newSiteIdentifier(host);
  await execute(
    q,
    `reset siteidentifier of ${database}`,
    `INSERT INTO ${qualifiedName(database, prefix + 'config')} (name, value) VALUES ('siteidentifier', ?) ` +
      'ON DUPLICATE KEY UPDATE value = VALUES(value)',
    [id],
  );
  return id;
}
