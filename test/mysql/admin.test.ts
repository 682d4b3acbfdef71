import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import type { RowDataPacket } from 'mysql2/promise';
import { withPrivateMariaDb, type MariaDbServer } from '../helpers/mariadb';
import { parseDsn, type ServerSettings } from '../../provider/mysql/dsn';
import { openConnection, ServerPools, type Pool } from '../../provider/mysql/pools';
import * as admin from '../../provider/mysql/admin';

let server: MariaDbServer;
let stop: () => Promise<void>;
let pools: ServerPools;
let pool: Pool;
let adminSettings: ServerSettings;

function asUser(user: string, password: string): ServerSettings {
  return { ...adminSettings, user, password };
}

function assertNoSecret(err: unknown, secret: string): void {
  assert.ok(err instanceof Error);
  for (const text of [err.message, String(err.stack), inspect(err, { depth: 5 }), JSON.stringify(err)]) {
    assert.ok(!text.includes(secret), `secret leaked into: ${text}`);
  }
  assert.equal((err as { sql?: unknown }).sql, undefined);
  assert.equal((err as { cause?: unknown }).cause, undefined);
}

before(async () => {
  ({ server, stop } = await withPrivateMariaDb());
  adminSettings = parseDsn(server.adminDsn, 'test');
  pools = new ServerPools({ default: adminSettings });
  pool = pools.get('default');
});

after(async () => {
  await pools?.closeAll();
  await stop?.();
});

describe('databases, users and grants', () => {
  it('creates a database with utf8mb4_unicode_ci, idempotently', async () => {
    assert.equal(await admin.databaseExists(pool, 'm_alpha'), false);
    assert.equal(await admin.createDatabase(pool, 'm_alpha'), true);
    assert.equal(await admin.createDatabase(pool, 'm_alpha'), false);
    assert.deepEqual(await admin.databaseInfo(pool, 'm_alpha'), { name: 'm_alpha', charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' });
    assert.deepEqual(await admin.listTables(pool, 'm_alpha'), []);
  });

  it('gives the tenant user its database and nothing else', async () => {
    const pw = "s3cr'et\\pa\"ss;word";
    assert.equal(await admin.createUser(pool, 'm_alpha', '%', pw), true);
    await admin.grantDatabase(pool, 'm_alpha', '%', 'm_alpha');
    await admin.grantDatabase(pool, 'm_alpha', '%', 'm_alpha'); // idempotent
    // A neighbour whose name the unescaped pattern m_alpha would match (`_` is a wildcard in GRANT).
    await admin.createDatabase(pool, 'mxalpha');
    await admin.createDatabase(pool, 'm_beta');
    await pool.query('CREATE TABLE m_beta.secret (id INT PRIMARY KEY)');

    const check = await admin.verifyGrants(pool, 'm_alpha', '%', 'm_alpha');
    assert.deepEqual(check.problems, []);
    assert.ok(check.ok);
    for (const g of check.grants) assert.ok(!/PASSWORD\s+'/i.test(g.text), `password hash in ${g.text}`);

    const conn = await openConnection(asUser('m_alpha', pw), 'm_alpha');
    try {
      await conn.query('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))');
      await conn.query("INSERT INTO t VALUES (1, 'x')");
      const [rows] = await conn.query<RowDataPacket[]>('SELECT v FROM t');
      assert.equal(rows[0].v, 'x');
      const [dbs] = await conn.query<RowDataPacket[]>('SHOW DATABASES');
      const names = dbs.map((r) => String(Object.values(r)[0])).sort();
      assert.deepEqual(names, ['information_schema', 'm_alpha']);
      await assert.rejects(conn.query('CREATE DATABASE m_other'), /denied/i);
      await assert.rejects(conn.query('SELECT * FROM m_beta.secret'), /denied/i);
      await assert.rejects(conn.query('CREATE TABLE mxalpha.t (id INT)'), /denied/i);
      await assert.rejects(conn.query('USE m_beta'), /denied/i);
    } finally {
      await conn.end();
    }
  });

  it('createUser on an existing account resets its password', async () => {
    assert.equal(await admin.createUser(pool, 'm_alpha', '%', 'second-pass'), false);
    const conn = await openConnection(asUser('m_alpha', 'second-pass'), 'm_alpha');
    await conn.end();
    await admin.setUserPassword(pool, 'm_alpha', '%', 'third-pass');
    const c3 = await openConnection(asUser('m_alpha', 'third-pass'), 'm_alpha');
    await c3.end();
  });

  it('reports grants that are wider than expected', async () => {
    await admin.createUser(pool, 'm_wide', '%', 'wide-pass');
    await pool.query("GRANT SELECT ON *.* TO 'm_wide'@'%'");
    await pool.query("GRANT ALL PRIVILEGES ON `m\\_beta`.* TO 'm_wide'@'%'");
    await pool.query("GRANT SELECT ON `m_%`.* TO 'm_wide'@'%'");
    const check = await admin.verifyGrants(pool, 'm_wide', '%', 'm_beta');
    assert.equal(check.ok, false);
    assert.ok(check.problems.some((p) => p.includes('global privileges SELECT')), check.problems.join('\n'));
    assert.ok(check.problems.some((p) => p.includes('wildcard')), check.problems.join('\n'));
    assert.equal(check.grants.filter((g) => g.level === 'database').length, 2);

    await admin.revokeAll(pool, 'm_wide', '%');
    await admin.grantDatabase(pool, 'm_wide', '%', 'm_beta');
    assert.deepEqual((await admin.verifyGrants(pool, 'm_wide', '%', 'm_beta')).problems, []);
    assert.deepEqual(admin.checkGrants(null, 'x').problems, ['the account does not exist']);
    assert.equal(await admin.showGrants(pool, 'nobody_here', '%'), null);
  });

  it('renames a user keeping password and grants, idempotently', async () => {
    await admin.createUser(pool, 'm_old', '%', 'rename-pass');
    await admin.grantDatabase(pool, 'm_old', '%', 'm_alpha');
    assert.equal(await admin.renameUser(pool, 'm_old', '%', 'm_new', '%'), true);
    assert.equal(await admin.renameUser(pool, 'm_old', '%', 'm_new', '%'), false);
    assert.equal(await admin.userExists(pool, 'm_old', '%'), false);
    assert.ok((await admin.verifyGrants(pool, 'm_new', '%', 'm_alpha')).ok);
    const conn = await openConnection(asUser('m_new', 'rename-pass'), 'm_alpha');
    await conn.end();
    await assert.rejects(admin.renameUser(pool, 'm_ghost', '%', 'm_ghost2', '%'), /does not exist/);
  });

  it('drops idempotently', async () => {
    assert.equal(await admin.dropUser(pool, 'm_new', '%'), true);
    assert.equal(await admin.dropUser(pool, 'm_new', '%'), false);
    assert.equal(await admin.dropDatabase(pool, 'mxalpha'), true);
    assert.equal(await admin.dropDatabase(pool, 'mxalpha'), false);
    assert.equal(await admin.databaseExists(pool, 'mxalpha'), false);
  });

  it('lists tables', async () => {
    assert.deepEqual(await admin.listTables(pool, 'm_alpha'), ['t']);
  });

  it('refuses invalid names before sending SQL', async () => {
    await assert.rejects(admin.createDatabase(pool, 'Bad-Name'), admin.InvalidNameError);
    await assert.rejects(admin.createUser(pool, 'root', '%', 'x'), admin.InvalidNameError);
    await assert.rejects(admin.grantDatabase(pool, 'm_alpha', "x' OR 1", 'm_alpha'), admin.InvalidNameError);
  });
});

describe('secrets in errors', () => {
  const secret = 'Tr0ub4dor&3-n3v3r-l0gg3d';

  it('ALTER USER on a missing account: no password in the error', async () => {
    const err = await admin.setUserPassword(pool, 'm_missing', '%', secret).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof admin.SqlError);
    assert.equal(err.code, 'ER_CANNOT_USER');
    assert.match(err.message, /m_missing/);
    assertNoSecret(err, secret);
  });

  it('CREATE USER without privilege: no password in the error', async () => {
    // Can read mysql.user (so the existence check passes) but may not create accounts.
    await admin.createUser(pool, 'm_peek', '%', 'peek-pass');
    await pool.query("GRANT SELECT ON mysql.* TO 'm_peek'@'%'");
    const conn = await openConnection(asUser('m_peek', 'peek-pass'));
    try {
      const err = await admin.createUser(conn, 'm_sneaky', '%', secret).then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof admin.SqlError);
      assert.match(err.message, /^CREATE USER 'm_sneaky'@'%'/);
      assert.match(String(err.code), /DENIED/);
      assertNoSecret(err, secret);
    } finally {
      await conn.end();
    }
  });

  it('parse errors quoting the statement are withheld', () => {
    const fake = Object.assign(new Error('x'), {
      code: 'ER_PARSE_ERROR',
      errno: 1064,
      sqlState: '42000',
      sqlMessage: `You have an error in your SQL syntax; check the manual near '${secret}' at line 1`,
      sql: `CREATE USER 'a'@'%' IDENTIFIED BY '${secret}'`,
    });
    const err = admin.sanitizeSqlError(fake, "CREATE USER 'a'@'%'", [secret]);
    assertNoSecret(err, secret);
    assert.match(err.message, /statement withheld/);
    assert.equal(err.code, 'ER_PARSE_ERROR');
    const escaped = admin.sanitizeSqlError({ sqlMessage: "bad value it\\'s" }, 'op', ["it's"]);
    assert.ok(!escaped.message.includes("it\\'s"));
  });
});

describe('grant line parsing', () => {
  it('parses MariaDB and MySQL forms', () => {
    const g1 = admin.parseGrantLine("GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'");
    assert.equal(g1.level, 'global');
    assert.deepEqual(g1.privileges, ['USAGE']);
    assert.ok(!g1.text.includes('2470C0'));
    const g2 = admin.parseGrantLine('GRANT ALL PRIVILEGES ON `m\\_a`.* TO `u`@`%` WITH GRANT OPTION');
    assert.equal(g2.level, 'database');
    assert.equal(g2.databasePattern, 'm\\_a');
    assert.equal(g2.database, 'm_a');
    assert.equal(g2.wildcard, false);
    assert.equal(g2.withGrantOption, true);
    const g3 = admin.parseGrantLine('GRANT SELECT (a, b), INSERT ON `db`.`t` TO `u`@`%`');
    assert.equal(g3.level, 'table');
    assert.deepEqual(g3.privileges, ['SELECT (A, B)', 'INSERT']);
    assert.equal(g3.table, 't');
    assert.equal(admin.parseGrantLine('GRANT `role1` TO `u`@`%`').level, 'role');
    assert.equal(admin.parseGrantLine("GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION").level, 'proxy');
    assert.equal(admin.parseGrantLine('GRANT SELECT ON `m_a`.* TO `u`@`%`').wildcard, true);
  });
});
