// Loads a SQL dump of a Moodle site (a tenant template) into a database, streaming: the file is read
// in chunks (gunzipped when it starts with the gzip magic bytes), split into statements the way the
// mysql client does, and sent in multi-statement batches of at most ~4 MiB so that a dump of several
// hundred MiB neither sits in memory nor costs one round trip per statement.
// Session state set by the dump (SET NAMES, SET FOREIGN_KEY_CHECKS = 0, user variables) carries over
// between batches because one connection is used throughout.
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { RowDataPacket } from 'mysql2/promise';
import { execute, queryRows, sanitizeSqlError, SqlError } from '../mysql/admin';
import { DatabaseTimeoutError } from '../mysql/bounds';
import { quoteIdent, validateTablePrefix } from '../mysql/identifiers';
import type { Connection, Queryable } from '../mysql/pools';

export const DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;
const ERROR_EXCERPT = 200;

export class SqlLoadError extends Error {
  override name = 'SqlLoadError';
  constructor(
    message: string,
    /** 1-based number of the failing statement in the dump, when known. */
    readonly statementNumber?: number,
    /** First 200 characters of that statement. */
    readonly excerpt?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface SqlStatement {
  /** Statement text without its delimiter; comments removed except executable ones (`/*! ... *\/`). */
  sql: string;
  /** The delimiter that ended it (`;` unless a DELIMITER line changed it). */
  delimiter: string;
  /** 1-based position in the input. */
  number: number;
}

type State = 'normal' | 'single' | 'double' | 'backtick' | 'lineComment' | 'blockComment' | 'hintComment';

/**
 * Incremental statement splitter. Feed text with push(), finish with end(). Handles:
 * '...' "..." `...` (backslash escapes in the first two, doubled quotes in all three); `-- ` and `#`
 * line comments; `/* *\/` comments (dropped), MySQL/MariaDB executable comments `/*!NNNNN ... *\/`,
 * `/*M!NNNNN ... *\/` and optimizer hints `/*+ ... *\/` (kept, and a delimiter inside an executable
 * comment does not end the statement); `DELIMITER xx` lines at the start of a statement.
 */
export class SqlSplitter {
  private delimiter = ';';
  private state: State = 'normal';
  private inExecutableComment = false;
  private carry = '';
  private parts: string[] = [];
  /** True once the current statement has a non-blank character (DELIMITER is only valid before that). */
  private started = false;
  private atLineStart = true;
  private count = 0;
  private out: SqlStatement[] = [];

  push(text: string): SqlStatement[] {
    this.scan(this.carry + text, false);
    return this.drain();
  }

  /** Flushes the last statement (a trailing delimiter is optional) and checks nothing is left open. */
  end(): SqlStatement[] {
    this.scan(this.carry, true);
    if (this.state === 'single' || this.state === 'double' || this.state === 'backtick') {
      throw new SqlLoadError(`unterminated ${this.state}-quoted string at end of input (statement ${this.count + 1})`, this.count + 1, this.excerpt());
    }
    if (this.state === 'blockComment' || this.state === 'hintComment' || this.inExecutableComment) {
      throw new SqlLoadError(`unterminated /* comment at end of input (statement ${this.count + 1})`, this.count + 1, this.excerpt());
    }
    this.emit();
    return this.drain();
  }

  get statementCount(): number {
    return this.count;
  }

  private drain(): SqlStatement[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private excerpt(): string {
    return this.parts.join('').trim().slice(0, ERROR_EXCERPT);
  }

  private keep(text: string): void {
    if (text.length === 0) return;
    this.parts.push(text);
    if (!this.started && /\S/.test(text)) this.started = true;
  }

  private emit(): void {
    const sql = this.parts.join('').trim();
    this.parts = [];
    this.started = false;
    if (sql.length === 0) return;
    this.count++;
    this.out.push({ sql, delimiter: this.delimiter, number: this.count });
  }

  /**
   * Scans buf; whatever needs more look-ahead than buf has (and !final) is left in this.carry.
   * `runStart..i` is the pending stretch of statement text not yet copied into parts.
   */
  private scan(buf: string, final: boolean): void {
    this.carry = '';
    const len = buf.length;
    let i = 0;
    let runStart = 0;
    const stop = (at: number): void => {
      this.keep(buf.slice(runStart, at));
      this.carry = buf.slice(at);
    };

    while (i < len) {
      switch (this.state) {
        case 'normal': {
          if (this.atLineStart && !this.started) {
            this.keep(buf.slice(runStart, i));
            runStart = i;
          }
          if (this.atLineStart && !this.started) {
            // A DELIMITER command must be alone on its line, before any text of a statement.
            const nl = buf.indexOf('\n', i);
            const head = buf.slice(i, i + 64).replace(/^[ \t]+/, '');
            const complete = nl >= 0 || final || head.length >= 10;
            if (!complete && 'delimiter '.startsWith(head.toLowerCase())) return stop(i);
            if (nl < 0 && !final && /^delimiter[ \t]/i.test(head)) return stop(i);
            const lineEnd = nl < 0 ? len : nl;
            const m = /^delimiter[ \t]/i.test(head) ? /^[ \t]*delimiter[ \t]+(\S+)[ \t\r]*$/i.exec(buf.slice(i, lineEnd)) : null;
            if (m) {
              this.keep(buf.slice(runStart, i));
              this.parts = [];
              this.started = false;
              this.delimiter = m[1];
              i = nl < 0 ? len : nl + 1;
              runStart = i;
              this.atLineStart = true;
              continue;
            }
          }
          this.atLineStart = false;
          const j = this.nextSpecial(buf, i);
          if (j < 0) {
            i = len;
            break;
          }
          const c = buf[j];
          // The delimiter first: it may start with a character that is special below (`//`, `;;`).
          if (!this.inExecutableComment && buf.startsWith(this.delimiter[0], j)) {
            if (j + this.delimiter.length > len && !final && this.delimiter.startsWith(buf.slice(j))) return stop(j);
            if (buf.startsWith(this.delimiter, j)) {
              this.keep(buf.slice(runStart, j));
              this.emit();
              i = j + this.delimiter.length;
              runStart = i;
              continue;
            }
          }
          if (c === "'" || c === '"' || c === '`') {
            this.state = c === "'" ? 'single' : c === '"' ? 'double' : 'backtick';
            i = j + 1;
          } else if (c === '\n') {
            i = j + 1;
            this.atLineStart = true;
          } else if (c === '#') {
            this.keep(buf.slice(runStart, j));
            this.state = 'lineComment';
            i = j + 1;
            runStart = i;
          } else if (c === '-') {
            // `--` starts a comment only when followed by whitespace/control (else it is `1--1`).
            if (j + 2 >= len && !final) return stop(j);
            const next = buf[j + 1];
            const after = buf.charCodeAt(j + 2);
            if (next === '-' && (j + 2 >= len || after <= 32)) {
              this.keep(buf.slice(runStart, j));
              this.state = 'lineComment';
              i = j + 2;
              runStart = i;
            } else i = j + 1;
          } else if (c === '/') {
            if (j + 3 >= len && !final) return stop(j);
            if (buf[j + 1] !== '*') {
              i = j + 1;
            } else if (buf[j + 2] === '!' || (buf[j + 2] === 'M' && buf[j + 3] === '!')) {
              this.inExecutableComment = true;
              this.started = true;
              i = j + (buf[j + 2] === '!' ? 3 : 4);
            } else if (buf[j + 2] === '+') {
              this.state = 'hintComment';
              i = j + 3;
            } else {
              // Plain comment: dropped, replaced by a space so `a/**/b` does not become `ab`.
              this.keep(buf.slice(runStart, j) + ' ');
              this.state = 'blockComment';
              i = j + 2;
              runStart = i;
            }
          } else if (c === '*') {
            if (!this.inExecutableComment) i = j + 1;
            else if (j + 1 >= len && !final) return stop(j);
            else if (buf[j + 1] === '/') {
              this.inExecutableComment = false;
              i = j + 2;
            } else i = j + 1;
          } else {
            i = j + 1; // delimiter's first character that did not start the delimiter
          }
          break;
        }
        case 'single':
        case 'double':
        case 'backtick': {
          const quote = this.state === 'single' ? "'" : this.state === 'double' ? '"' : '`';
          const j = this.state === 'backtick' ? buf.indexOf('`', i) : indexOfEither(buf, quote, '\\', i);
          if (j < 0) {
            i = len;
            break;
          }
          if (j + 1 >= len && !final) return stop(j);
          if (buf[j] === '\\') {
            i = j + 2;
          } else if (buf[j + 1] === quote) {
            i = j + 2; // doubled quote
          } else {
            this.state = 'normal';
            i = j + 1;
          }
          break;
        }
        case 'lineComment': {
          const nl = buf.indexOf('\n', i);
          if (nl < 0) {
            i = len;
            runStart = len;
            break;
          }
          this.state = 'normal';
          i = nl; // the newline itself is statement text and marks a line start
          runStart = nl;
          break;
        }
        case 'blockComment':
        case 'hintComment': {
          const j = buf.indexOf('*/', i);
          const keepText = this.state === 'hintComment';
          if (j < 0) {
            // Keep a trailing '*' for the next chunk: it may be the start of '*/'.
            const cut = !final && buf.endsWith('*') ? len - 1 : len;
            if (keepText) {
              this.keep(buf.slice(runStart, cut));
            }
            runStart = cut;
            this.carry = buf.slice(cut);
            return;
          }
          this.state = 'normal';
          i = j + 2;
          if (!keepText) runStart = i;
          break;
        }
      }
    }
    if (this.state === 'lineComment' || this.state === 'blockComment') runStart = Math.max(runStart, len);
    this.keep(buf.slice(runStart, len));
  }

  private specialRe: RegExp | undefined;
  private specialFor = '';

  /** Next character in normal state that could change state or end the statement. */
  private nextSpecial(buf: string, from: number): number {
    if (!this.specialRe || this.specialFor !== this.delimiter) {
      const d = this.delimiter[0].replace(/[\\^\]\-[]/g, '\\$&');
      this.specialRe = new RegExp(`['"\`#\\-/*\\n${d}]`, 'g');
      this.specialFor = this.delimiter;
    }
    this.specialRe.lastIndex = from;
    const m = this.specialRe.exec(buf);
    return m ? m.index : -1;
  }
}

function indexOfEither(buf: string, a: string, b: string, from: number): number {
  const x = buf.indexOf(a, from);
  const y = buf.indexOf(b, from);
  if (x < 0) return y;
  if (y < 0) return x;
  return Math.min(x, y);
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    if (i + n >= buf.length) return n === 0 ? -1 : i; // truncated at the end of this chunk
    for (let k = 1; k <= n; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/** Splits a whole string (tests, small scripts). */
export function splitSql(text: string): SqlStatement[] {
  const s = new SqlSplitter();
  return [...s.push(text), ...s.end()];
}

// ---------------------------------------------------------------------------------------------
// Loading

export interface LoadOptions {
  /** Upper bound of one multi-statement query, in bytes (default 4 MiB; servers default to max_allowed_packet ≥ 16 MiB). */
  batchBytes?: number;
  /**
   * Allow USE / CREATE DATABASE / DROP DATABASE in the dump. Off by default: a dump made with
   * `mysqldump --databases` would otherwise switch away from the target and write elsewhere.
   */
  allowDatabaseStatements?: boolean;
  /** Called after each batch. */
  onProgress?: (p: LoadProgress) => void;
}

export interface LoadProgress {
  statements: number;
  batches: number;
  /** Bytes read from the file (compressed size for .sql.gz). */
  bytesRead: number;
}

export interface LoadResult extends LoadProgress {
  gzip: boolean;
}

const DATABASE_STATEMENT_RE = /^(?:\/\*M?!\d*\s*)?(?:USE\s|(?:CREATE|DROP|ALTER)\s+(?:DATABASE|SCHEMA)\b)/i;

/** True when the file starts with the gzip magic bytes 1f 8b. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

interface CoreQuery {
  on(event: 'fields', listener: () => void): CoreQuery;
}
interface CoreConnection {
  query(sql: string, cb: (err: unknown) => void): CoreQuery;
}

/**
 * Runs a multi-statement batch and, when it fails, says which statement of the batch failed. mysql2
 * emits 'fields' once per finished result (OK packet or result set header) on the callback-style
 * connection that the promise wrapper holds in `.connection`.
 */
function runBatch(conn: Connection, sql: string): Promise<void> {
  const core = (conn as unknown as { connection?: CoreConnection }).connection;
  if (!core || typeof core.query !== 'function') {
    return conn.query(sql).then(
      () => undefined,
      (err: unknown) => Promise.reject(Object.assign(sanitizeSqlError(err, 'load'), { completed: -1 })),
    );
  }
  return new Promise((resolve, reject) => {
    let completed = 0;
    const q = core.query(sql, (err) => {
      if (err) reject(Object.assign(sanitizeSqlError(err, 'load'), { completed }));
      else resolve();
    });
    q.on('fields', () => {
      completed++;
    });
  });
}

/**
 * Loads a dump into `database` over `conn`, which must have been opened with multipleStatements
 * (openLoaderConnection). Runs `USE database` first. Statements are executed in order; on failure
 * the error names the statement number and its first 200 characters. Not transactional: DDL in the
 * dump auto-commits, so a failed load leaves a partial database (drop and retry).
 */
export async function loadSqlFile(conn: Connection, database: string, path: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const gzip = await isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: 1024 * 1024 });
  const input: Readable = gzip ? file.pipe(createGunzip()) : file;
  if (gzip) file.on('error', (err) => input.destroy(err));
  try {
    // file.bytesRead counts compressed bytes for .sql.gz: what the operator sees on disk.
    const progress = await loadSqlStream(conn, database, input, opts, () => file.bytesRead);
    return { ...progress, bytesRead: file.bytesRead, gzip };
  } finally {
    input.destroy();
    file.destroy();
  }
}

export interface LoadDumpOptions extends LoadOptions {
  /** Target database; default: the database the connection was opened on. */
  database?: string;
}

/**
 * Convenience form of loadSqlFile. Given a connection it leaves it open; given a promise of one
 * (e.g. `pools.multiStatement(server, db)`) it owns that connection and closes it afterwards.
 */
export async function loadSqlDump(conn: Connection | Promise<Connection>, path: string, opts: LoadDumpOptions = {}): Promise<LoadResult> {
  const owned = conn instanceof Promise;
  const c = await conn;
  try {
    const database = opts.database ?? c.config.database;
    if (!database) throw new SqlLoadError('loadSqlDump needs a target database: open the connection on it or pass options.database');
    return await loadSqlFile(c, database, path, opts);
  } finally {
    if (owned) await c.end().catch(() => undefined);
  }
}

/** Like loadSqlFile, from any stream of (uncompressed) dump bytes. */
export async function loadSqlStream(
  conn: Connection,
  database: string,
  input: AsyncIterable<Buffer | string>,
  opts: LoadOptions = {},
  bytesReadFn?: () => number,
): Promise<LoadProgress> {
  const maxBytes = opts.batchBytes ?? DEFAULT_BATCH_BYTES;
  await execute(conn, `USE ${database}`, `USE ${quoteIdent(database)}`);

  const splitter = new SqlSplitter();
  // fatal: a dump with raw binary (not --hex-blob) would otherwise be silently corrupted by U+FFFD.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let batch: SqlStatement[] = [];
  let batchSize = 0;
  let batches = 0;
  let statements = 0;
  let bytesRead = 0;

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    batchSize = 0;
    try {
      await runBatch(conn, current.map((s) => s.sql).join(';\n'));
    } catch (err) {
      const completed = (err as { completed?: number }).completed ?? -1;
      const failing = completed >= 0 && completed < current.length ? current[completed] : undefined;
      // A bound hit is about the server, not the dump: it stays typed (and no dump text is quoted).
      if (err instanceof DatabaseTimeoutError) {
        throw err.during(failing ? `load statement ${failing.number}` : `load statements ${current[0].number}-${current[current.length - 1].number}`);
      }
      const detail = err instanceof SqlError ? err.message.replace(/^load: /, '') : String(err);
      if (failing) {
        throw new SqlLoadError(
          `statement ${failing.number} failed: ${detail}\n  ${failing.sql.slice(0, ERROR_EXCERPT)}`,
          failing.number,
          failing.sql.slice(0, ERROR_EXCERPT),
          err instanceof SqlError ? err.code : undefined,
        );
      }
      throw new SqlLoadError(
        `one of statements ${current[0].number}-${current[current.length - 1].number} failed: ${detail}\n  ${current[0].sql.slice(0, ERROR_EXCERPT)}`,
        current[0].number,
        current[0].sql.slice(0, ERROR_EXCERPT),
        err instanceof SqlError ? err.code : undefined,
      );
    }
    batches++;
    opts.onProgress?.({ statements, batches, bytesRead: bytesReadFn ? bytesReadFn() : bytesRead });
  };

  const add = async (st: SqlStatement): Promise<void> => {
    if (!opts.allowDatabaseStatements && DATABASE_STATEMENT_RE.test(st.sql)) {
      throw new SqlLoadError(
        `statement ${st.number} changes or switches databases, which a template must not do; ` +
          `dump the site without --databases / --all-databases (or remove USE / CREATE DATABASE lines)\n  ${st.sql.slice(0, ERROR_EXCERPT)}`,
        st.number,
        st.sql.slice(0, ERROR_EXCERPT),
      );
    }
    statements++;
    const size = Buffer.byteLength(st.sql) + 2;
    // Statements written under a custom DELIMITER (procedures, triggers) go alone, as the mysql client sends them.
    const alone = st.delimiter !== ';' || size >= maxBytes;
    if (alone || batchSize + size > maxBytes) await flush();
    batch.push(st);
    batchSize += size;
    if (alone) await flush();
  };

  let chunkStart = 0;
  let lastChunk: Buffer | undefined;
  try {
    for await (const chunk of input) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunkStart = bytesRead;
      lastChunk = bytes;
      bytesRead += bytes.length;
      for (const st of splitter.push(decoder.decode(bytes, { stream: true }))) await add(st);
    }
    for (const st of splitter.push(decoder.decode())) await add(st);
    for (const st of splitter.end()) await add(st);
    await flush();
  } catch (err) {
    if (err instanceof TypeError && /encod|decod/i.test(err.message)) {
      const at = lastChunk ? chunkStart + Math.max(0, firstInvalidUtf8(lastChunk)) : bytesRead;
      throw new SqlLoadError(
        `the dump is not valid UTF-8 (at byte ${at} of the uncompressed dump, ${splitter.statementCount > 0 ? `after statement ${splitter.statementCount}` : 'in the first statements'}); ` +
          'it probably holds raw binary data: dump it again with mysqldump --hex-blob',
        splitter.statementCount + 1,
      );
    }
    if (err instanceof SqlLoadError || err instanceof SqlError) throw err;
    if (err instanceof Error && /incorrect header check|unexpected end of file/i.test(err.message)) {
      throw new SqlLoadError(`the gzip data is damaged: ${err.message}`);
    }
    throw err;
  }
  return { statements, batches, bytesRead };
}

// ---------------------------------------------------------------------------------------------
// Table prefixes

export class AmbiguousPrefixError extends Error {
  override name = 'AmbiguousPrefixError';
  constructor(
    readonly database: string,
    readonly prefixes: string[],
  ) {
    super(`database ${database} holds more than one Moodle site (table prefixes ${prefixes.map((p) => `"${p}"`).join(', ')}); set the prefix explicitly`);
  }
}

/**
 * The Moodle table prefix used in `database`: the prefix P for which both P + "config" and
 * P + "config_plugins" exist. Null when there is no Moodle site; AmbiguousPrefixError when several.
 */
export async function detectTablePrefix(conn: Queryable, database: string): Promise<string | null> {
  const rows = await queryRows<RowDataPacket>(
    conn,
    `detect table prefix in ${database}`,
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
    [database],
  );
  const names = new Set(rows.map((r) => String(r.name)));
  const found = [...names]
    .filter((n) => n.endsWith('config'))
    .map((n) => n.slice(0, -'config'.length))
    .filter((p) => names.has(p + 'config_plugins'))
    .sort();
  if (found.length === 0) return null;
  if (found.length > 1) throw new AmbiguousPrefixError(database, found);
  return found[0];
}

/**
 * Renames every base table starting with `from` to start with `to`, in one RENAME TABLE statement
 * (atomic: all or nothing). Returns the number of tables renamed; 0 when from === to.
 */
export async function renameTablePrefix(conn: Queryable, database: string, from: string, to: string): Promise<number> {
  if (from === to) return 0;
  const problem = validateTablePrefix(to);
  if (problem) throw new SqlLoadError(problem);
  if (from.length === 0) throw new SqlLoadError('the current table prefix is empty; refusing to rename every table of the database');
  const rows = await queryRows<RowDataPacket>(
    conn,
    `list tables of ${database}`,
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
    [database],
  );
  const names = new Set(rows.map((r) => String(r.name)));
  const pairs = [...names].filter((n) => n.startsWith(from)).sort().map((n) => [n, to + n.slice(from.length)] as const);
  if (pairs.length === 0) return 0;
  const clash = pairs.find(([, target]) => names.has(target));
  if (clash) throw new SqlLoadError(`cannot rename ${clash[0]} to ${clash[1]} in ${database}: a table with that name exists`);
  const db = quoteIdent(database);
  const sql = 'RENAME TABLE ' + pairs.map(([a, b]) => `${db}.${quoteIdent(a)} TO ${db}.${quoteIdent(b)}`).join(', ');
  await execute(conn, `rename table prefix ${from} -> ${to} in ${database}`, sql);
  return pairs.length;
}
