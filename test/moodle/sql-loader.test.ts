import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RowDataPacket } from 'mysql2/promise';
import { moodleFixturePath, withPrivateMariaDb, type MariaDbServer } from '../helpers/mariadb';
import { parseDsn } from '../../provider/mysql/dsn';
import { ServerPools, type Pool } from '../../provider/mysql/pools';
import { createDatabase, listTables } from '../../provider/mysql/admin';
import {
  detectTablePrefix,
  loadSqlDump,
  loadSqlFile,
  renameTablePrefix,
  splitSql,
  SqlLoadError,
  SqlSplitter,
  type SqlStatement,
} from '../../provider/moodle/sql-loader';

const sqls = (text: string): string[] => splitSql(text).map((s) => s.sql);

describe('statement splitter', () => {
  it('splits on semicolons outside quotes', () => {
    assert.deepEqual(sqls("SELECT 'a;b'; SELECT \"c;d\";SELECT `e;f`"), ["SELECT 'a;b'", 'SELECT "c;d"', 'SELECT `e;f`']);
  });

  it('handles backslash and doubled-quote escapes', () => {
    assert.deepEqual(sqls("INSERT INTO t VALUES ('it\\'s; ok', 'x''; y', \"q\\\"; r\", 'back\\\\');SELECT 2"), [
      "INSERT INTO t VALUES ('it\\'s; ok', 'x''; y', \"q\\\"; r\", 'back\\\\')",
      'SELECT 2',
    ]);
    assert.deepEqual(sqls('SELECT `a``;b` FROM t; SELECT 3'), ['SELECT `a``;b` FROM t', 'SELECT 3']);
  });

  it('drops comments but keeps comment markers inside strings', () => {
    const text = [
      '-- a comment; with a semicolon',
      '# hash comment;',
      'SELECT 1 /* inline ; comment */ + 1; -- trailing',
      "SELECT '-- not a comment', '/* nor this */', '# nor this';",
      'SELECT 5--1;', // `--` without a following space is arithmetic
      'SELECT 1/*x*/2;',
    ].join('\n');
    assert.deepEqual(sqls(text), [
      'SELECT 1   + 1',
      "SELECT '-- not a comment', '/* nor this */', '# nor this'",
      'SELECT 5--1',
      'SELECT 1 2',
    ]);
  });

  it('keeps executable comments and hints; a delimiter inside one does not split', () => {
    const text = "/*!40101 SET @OLD=@@SQL_MODE */;\n/*M!100100 SET x=1; SET y=2 */;\nSELECT /*+ MAX_EXECUTION_TIME(1000) */ 1;\n/*!50003 CREATE*/ /*!50017 DEFINER=`a`@`%`*/ /*!50003 TRIGGER t */;";
    assert.deepEqual(sqls(text), [
      '/*!40101 SET @OLD=@@SQL_MODE */',
      '/*M!100100 SET x=1; SET y=2 */',
      'SELECT /*+ MAX_EXECUTION_TIME(1000) */ 1',
      '/*!50003 CREATE*/ /*!50017 DEFINER=`a`@`%`*/ /*!50003 TRIGGER t */',
    ]);
  });

  it('supports DELIMITER lines', () => {
    const text = [
      'SELECT 1;',
      'DELIMITER $$',
      'CREATE PROCEDURE p() BEGIN SELECT 1; SELECT \'$$\'; END$$',
      'delimiter ;;',
      'CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1; END ;;',
      'DELIMITER ;',
      'SELECT 2;',
      'SELECT "DELIMITER x"',
    ].join('\n');
    const out = splitSql(text);
    assert.deepEqual(
      out.map((s) => [s.sql, s.delimiter]),
      [
        ['SELECT 1', ';'],
        ["CREATE PROCEDURE p() BEGIN SELECT 1; SELECT '$$'; END", '$$'],
        ['CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1; END', ';;'],
        ['SELECT 2', ';'],
        ['SELECT "DELIMITER x"', ';'],
      ],
    );
    assert.deepEqual(out.map((s) => s.number), [1, 2, 3, 4, 5]);
  });

  it('a statement does not need a final delimiter; empty statements are skipped', () => {
    assert.deepEqual(sqls(';;\n SELECT 1;;; SELECT 2 \n'), ['SELECT 1', 'SELECT 2']);
  });

  it('rejects unterminated strings and comments', () => {
    assert.throws(() => splitSql("SELECT 'abc"), SqlLoadError);
    assert.throws(() => splitSql('SELECT 1 /* abc'), SqlLoadError);
    assert.throws(() => splitSql('/*!40101 SET x=1'), SqlLoadError);
  });

  it('gives the same statements whatever the chunk boundaries', () => {
    const fixture = readFileSync(moodleFixturePath(), 'utf8');
    const tricky =
      "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 'a;b'; END//\nDELIMITER ;\n" +
      "SELECT 'x\\'y''z' -- c\n; # h\n/*!1 SELECT 1 */; SELECT /* c */ 2; SELECT 3--1\n;";
    for (const text of [tricky, fixture]) {
      const whole = splitSql(text);
      for (const size of [1, 2, 3, 7, 64, 1000, 4096]) {
        const s = new SqlSplitter();
        const got: SqlStatement[] = [];
        for (let i = 0; i < text.length; i += size) got.push(...s.push(text.slice(i, i + size)));
        got.push(...s.end());
        assert.deepEqual(got, whole, `chunk size ${size}`);
      }
    }
  });
});

let server: MariaDbServer;
let stop: () => Promise<void>;
let pools: ServerPools;
let pool: Pool;
let tmp: string;

async function count(db: string, table: string): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${db}\`.\`${table}\``);
  return Number(rows[0].n);
}

async function assertFixtureLoaded(db: string, prefix = 'mdl_'): Promise<void> {
  assert.equal((await listTables(pool, db)).length, 37);
  assert.equal(await count(db, `${prefix}config`), 48);
  assert.equal(await count(db, `${prefix}mnet_rpc`), 15);
  assert.equal(await count(db, `${prefix}mnet_remote_service2rpc`), 16);
  assert.equal(await count(db, `${prefix}role`), 8);
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT value FROM \`${db}\`.${prefix}config WHERE name = 'noreplyaddress'`);
  assert.equal(rows[0].value, 'noreply@moodle.example.test');
}

before(async () => {
  ({ server, stop } = await withPrivateMariaDb());
  pools = new ServerPools({ default: parseDsn(server.adminDsn, 'test') });
  pool = pools.get('default');
  tmp = mkdtempSync(join(tmpdir(), 'vmoodle-loader-'));
});

after(async () => {
  await pools?.closeAll();
  await stop?.();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('loading dumps', () => {
  it('loads the Moodle fixture (plain)', async () => {
    await createDatabase(pool, 'tpl_plain');
    const conn = await pools.openLoaderConnection('default');
    try {
      const res = await loadSqlFile(conn, 'tpl_plain', moodleFixturePath());
      assert.equal(res.gzip, false);
      assert.ok(res.statements > 100, `statements: ${res.statements}`);
      assert.equal(res.batches, 1); // 58 KiB fits one batch
    } finally {
      await conn.end();
    }
    await assertFixtureLoaded('tpl_plain');
  });

  it('loads it gzipped, in many small batches, via loadSqlDump', async () => {
    const gz = join(tmp, 'site.sql.gz');
    writeFileSync(gz, gzipSync(readFileSync(moodleFixturePath())));
    await createDatabase(pool, 'tpl_gz');
    const progress: number[] = [];
    const res = await loadSqlDump(pools.multiStatement('default', 'tpl_gz'), gz, { batchBytes: 8 * 1024, onProgress: (p) => progress.push(p.batches) });
    assert.equal(res.gzip, true);
    assert.ok(res.batches > 5, `batches: ${res.batches}`);
    assert.equal(progress.length, res.batches);
    await assertFixtureLoaded('tpl_gz');
  });

  it('names the failing statement, also in the middle of a batch', async () => {
    const file = join(tmp, 'bad.sql');
    writeFileSync(file, "CREATE TABLE a (id INT PRIMARY KEY);\nINSERT INTO a VALUES (1);\n-- comment\nINSERT INTO a VALUES ('not; a number', 'extra column');\nINSERT INTO a VALUES (2);\n");
    await createDatabase(pool, 'bad_load');
    const conn = await pools.openLoaderConnection('default');
    try {
      const err = await loadSqlFile(conn, 'bad_load', file).then(
        () => assert.fail('expected failure'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof SqlLoadError, String(err));
      assert.equal(err.statementNumber, 3);
      assert.equal(err.excerpt, "INSERT INTO a VALUES ('not; a number', 'extra column')");
      assert.match(err.message, /^statement 3 failed: .*Column count/);
      assert.equal(err.code, 'ER_WRONG_VALUE_COUNT_ON_ROW');
    } finally {
      await conn.end();
    }
    assert.equal(await count('bad_load', 'a'), 1);
  });

  it('runs DELIMITER blocks (procedures, triggers)', async () => {
    const file = join(tmp, 'routines.sql');
    writeFileSync(
      file,
      [
        'CREATE TABLE n (v INT);',
        'DELIMITER $$',
        'CREATE TRIGGER n_bi BEFORE INSERT ON n FOR EACH ROW BEGIN SET NEW.v = NEW.v * 10; END$$',
        'CREATE PROCEDURE fill() BEGIN INSERT INTO n VALUES (1); INSERT INTO n VALUES (2); END$$',
        'DELIMITER ;',
        'CALL fill();',
        '/*!40101 SET @x = 1 */;',
      ].join('\n'),
    );
    await createDatabase(pool, 'routines');
    const conn = await pools.openLoaderConnection('default');
    try {
      await loadSqlFile(conn, 'routines', file);
    } finally {
      await conn.end();
    }
    const [rows] = await pool.query<RowDataPacket[]>('SELECT SUM(v) AS s FROM routines.n');
    assert.equal(Number(rows[0].s), 30);
  });

  it('refuses dumps that switch databases', async () => {
    const file = join(tmp, 'use.sql');
    writeFileSync(file, 'CREATE TABLE x (id INT);\n/*!40000 DROP DATABASE IF EXISTS `other`*/;\nUSE `other`;\n');
    await createDatabase(pool, 'use_test');
    const conn = await pools.openLoaderConnection('default');
    try {
      await assert.rejects(loadSqlFile(conn, 'use_test', file), (e: unknown) => e instanceof SqlLoadError && e.statementNumber === 2 && /--databases/.test(e.message));
    } finally {
      await conn.end();
    }
  });

  it('refuses non-UTF-8 data with a hint', async () => {
    const file = join(tmp, 'binary.sql');
    writeFileSync(file, Buffer.concat([Buffer.from("CREATE TABLE b (v BLOB);\nINSERT INTO b VALUES ('"), Buffer.from([0xff, 0xfe, 0x00]), Buffer.from("');\n")]));
    await createDatabase(pool, 'bin_test');
    const conn = await pools.openLoaderConnection('default');
    try {
      await assert.rejects(loadSqlFile(conn, 'bin_test', file), /hex-blob/);
    } finally {
      await conn.end();
    }
  });
});

describe('table prefixes', () => {
  it('detects and renames the prefix', async () => {
    assert.equal(await detectTablePrefix(pool, 'tpl_gz'), 'mdl_');
    assert.equal(await detectTablePrefix(pool, 'routines'), null);
    assert.equal(await renameTablePrefix(pool, 'tpl_gz', 'mdl_', 'mdl_'), 0);
    assert.equal(await renameTablePrefix(pool, 'tpl_gz', 'mdl_', 'm2_'), 37);
    assert.equal(await detectTablePrefix(pool, 'tpl_gz'), 'm2_');
    assert.ok((await listTables(pool, 'tpl_gz')).every((t) => t.startsWith('m2_')));
    await assertFixtureLoaded('tpl_gz', 'm2_');
    await assert.rejects(renameTablePrefix(pool, 'tpl_gz', 'm2_', 'bad-prefix'), SqlLoadError);
  });

  it('refuses a rename onto existing tables, and ambiguous databases', async () => {
    await pool.query('CREATE TABLE tpl_gz.x9_config (id INT)');
    await pool.query('CREATE TABLE tpl_gz.x9_config_plugins (id INT)');
    await assert.rejects(detectTablePrefix(pool, 'tpl_gz'), /more than one Moodle site/);
    await pool.query('CREATE TABLE tpl_gz.x8_config (id INT)');
    await assert.rejects(renameTablePrefix(pool, 'tpl_gz', 'x9_', 'x8_'), /exists/);
  });
});
