// The database bounds on real connections (a private MariaDB, a fault proxy in front of it): the
// session limits every connection gets, each kind of timeout as a typed error, and what mysql2 does
// not do by itself: a connection whose query got no answer is given up, so nothing queues behind it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, type Connection } from 'mysql2/promise';
import { withPrivateMariaDb, type MariaDbServer } from '../helpers/mariadb';
import { FaultProxy } from '../hardening/fault-proxy';
import { parseDsn, type ServerSettings } from '../../provider/mysql/dsn';
import { ServerPools } from '../../provider/mysql/pools';
import { DatabaseTimeoutError, statementKeywords, clientWaitSeconds, type DatabaseBounds } from '../../provider/mysql/bounds';
import { Diagnostics } from '../../provider/framework/diagnostics';
import { vmoodleProvider, type VmoodleContext } from '../../provider/provider';
import * as admin from '../../provider/mysql/admin';

const BOUNDS: DatabaseBounds = { statementSeconds: 1, connectSeconds: 2 };

let server: MariaDbServer;
let stop: () => Promise<void>;
let proxy: FaultProxy;
let direct: ServerSettings;
let proxied: ServerSettings;
let other: Connection;

function pools(tuning: { connectionLimit?: number } = {}): ServerPools {
  return new ServerPools({ default: proxied }, { registry: { ...direct, database: 'mysql' }, bounds: BOUNDS, tuning });
}

/** Rejects with what `p` rejected with, and how long that took. */
async function failure(p: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  try {
    await p;
  } catch (err) {
    return { err, ms: Date.now() - started };
  }
  assert.fail('expected a failure');
}

before(async () => {
  ({ server, stop } = await withPrivateMariaDb());
  proxy = await FaultProxy.start(server.port);
  direct = parseDsn(server.adminDsn, 'test');
  proxied = { ...direct, host: '127.0.0.1', port: proxy.port };
  delete proxied.socket;
  other = await createConnection({ host: '127.0.0.1', port: server.port, user: server.adminUser, password: server.adminPassword });
  other.on('error', () => undefined);
});

after(async () => {
  await other?.end().catch(() => undefined);
  await proxy?.close();
  await stop?.();
});

describe('session limits', () => {
  it('every pooled and single connection gets them before its first statement', async () => {
    const p = pools();
    try {
      const expected = [{ l: 1, i: 1, s: 2 }];
      const [pooled] = await p.get('default').query('SELECT @@lock_wait_timeout AS l, @@innodb_lock_wait_timeout AS i, @@max_statement_time AS s');
      assert.deepEqual(pooled, expected);
      const [registry] = await p.registry().query('SELECT @@lock_wait_timeout AS l, @@innodb_lock_wait_timeout AS i, @@max_statement_time AS s');
      assert.deepEqual(registry, expected);
      const single = await p.connect('default', { multipleStatements: true });
      try {
        const [both] = await single.query('SELECT @@lock_wait_timeout AS l, @@innodb_lock_wait_timeout AS i, @@max_statement_time AS s; SELECT 1 AS one');
        assert.deepEqual((both as unknown[])[0], expected);
      } finally {
        await single.end();
      }
    } finally {
      await p.closeAll();
    }
  });

  it('a lock wait ends with a typed error from the server, and the connection stays usable', async () => {
    const p = pools({ connectionLimit: 1 });
    const pool = p.get('default');
    try {
      await admin.createDatabase(pool, 'bounds_locked');
      await other.query('CREATE TABLE bounds_locked.t (id INT PRIMARY KEY)');
      await other.query('START TRANSACTION');
      await other.query('SELECT * FROM bounds_locked.t');
      const { err, ms } = await failure(admin.dropDatabase(pool, 'bounds_locked'));
      await other.query('COMMIT');
      assert.ok(err instanceof DatabaseTimeoutError, String(err));
      assert.equal(err.kind, 'lock-wait');
      assert.equal(err.errno, 1205);
      assert.equal(err.message, 'DROP DATABASE bounds_locked: database server "default" gave up waiting for a lock held by another session: timed out after 1 s');
      assert.equal(err.summary, 'Lock wait timed out on database server "default"');
      assert.match(err.hint, /SHOW PROCESSLIST/);
      assert.ok(ms < 3000, `${ms} ms`);
      // Nothing was dropped, and the same (only) connection works on.
      assert.equal(await admin.databaseExists(pool, 'bounds_locked'), true);
      assert.equal(await admin.dropDatabase(pool, 'bounds_locked'), true);
    } finally {
      await p.closeAll();
    }
  });

  it('a long statement is stopped by the server', async () => {
    const p = pools();
    try {
      const { err, ms } = await failure(p.get('default').query('SELECT SLEEP(10)'));
      assert.ok(err instanceof DatabaseTimeoutError, String(err));
      assert.equal(err.kind, 'statement');
      assert.equal(err.message, 'SELECT SLEEP: database server "default" stopped the statement: timed out after 2 s');
      assert.ok(ms < 4000, `${ms} ms`);
    } finally {
      await p.closeAll();
    }
  });
});

describe('a server that does not answer', () => {
  it('a pooled connection that stalls is given up after the bound and dropped, so the next call does not queue behind it', async () => {
    const p = pools({ connectionLimit: 1 });
    const pool = p.get('default');
    try {
      await pool.query('SELECT 1');
      proxy.setMode({ kind: 'stall' });
      const secret = 'n0t-in-any-message';
      const { err, ms } = await failure(admin.createUser(pool, 'bounds_user', '%', secret));
      proxy.setMode({ kind: 'pass' });
      assert.ok(err instanceof DatabaseTimeoutError, String(err));
      assert.equal(err.kind, 'no-answer');
      assert.equal(err.unresponsive, true);
      assert.match(err.message, new RegExp(`did not answer: timed out after ${clientWaitSeconds(BOUNDS)} s`));
      assert.ok(!JSON.stringify({ m: err.message, h: err.hint, s: err.stack }).includes(secret));
      assert.ok(ms >= clientWaitSeconds(BOUNDS) * 1000 - 100 && ms < clientWaitSeconds(BOUNDS) * 1000 + 2000, `${ms} ms`);
      // With one connection allowed, this would wait for good if the stalled one were still held.
      const [rows] = await pool.query('SELECT 2 AS n');
      assert.deepEqual(rows, [{ n: 2 }]);
    } finally {
      proxy.setMode({ kind: 'pass' });
      await p.closeAll();
    }
  });

  it('a single connection that stalls fails every later statement at once, with the same error', async () => {
    const p = pools();
    const conn = await p.connect('default');
    try {
      proxy.setMode({ kind: 'stall' });
      const first = await failure(conn.query('SELECT 1'));
      const second = await failure(conn.query('ROLLBACK'));
      proxy.setMode({ kind: 'pass' });
      assert.ok(first.err instanceof DatabaseTimeoutError && first.err.kind === 'no-answer', String(first.err));
      assert.equal(second.err, first.err);
      assert.ok(second.ms < 500, `${second.ms} ms`);
    } finally {
      proxy.setMode({ kind: 'pass' });
      await conn.end().catch(() => undefined);
      await p.closeAll();
    }
  });

  it('connecting to a server that accepts and never answers gives up after connect_timeout_seconds', async () => {
    const p = pools();
    try {
      proxy.setMode({ kind: 'stall' });
      const pooled = await failure(p.get('default').query('SELECT 1'));
      const single = await failure(p.connect('default'));
      proxy.setMode({ kind: 'pass' });
      for (const { err, ms } of [pooled, single]) {
        assert.ok(err instanceof DatabaseTimeoutError && err.kind === 'connect', String(err));
        assert.match(err.message, /could not connect to database server "default": timed out after 2 s/);
        assert.match(err.hint, /connect_timeout_seconds/);
        assert.ok(ms < 4000, `${ms} ms`);
      }
    } finally {
      proxy.setMode({ kind: 'pass' });
      await p.closeAll();
    }
  });
});

describe('statementKeywords', () => {
  it('keeps the leading upper-case keywords only, never names or secrets', () => {
    assert.equal(statementKeywords("CREATE USER 'x'@'%' IDENTIFIED BY 'hunter2'"), 'CREATE USER');
    assert.equal(statementKeywords('  DROP DATABASE IF EXISTS `moodle_x`'), 'DROP DATABASE');
    assert.equal(statementKeywords('SELECT value FROM mdl_config'), 'SELECT');
    assert.equal(statementKeywords('select GET_LOCK(?, ?)'), 'SELECT GET_LOCK');
    assert.equal(statementKeywords("ALTER USER 'x'@'%' IDENTIFIED BY 's3cret'"), 'ALTER USER');
    assert.equal(statementKeywords(undefined), 'a statement');
  });
});

describe('provider block', () => {
  const dsns = { registry: 'mysql://u:p@db1:3306/vmoodle_registry', servers: { default: 'mysql://u:p@db1:3306/' } };

  async function configure(extra: Record<string, number>, env: Record<string, string> = {}): Promise<{ diags: Diagnostics; ctx: VmoodleContext | undefined }> {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const diags = new Diagnostics();
    try {
      const ctx = await vmoodleProvider.configure({ ...dsns, ...extra }, { diags, terraformVersion: '1.11.4' });
      await ctx?.pools.closeAll();
      return { diags, ctx };
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    }
  }

  it('takes the bounds from the block, then the environment, then the defaults', async () => {
    assert.deepEqual((await configure({})).ctx?.pools.bounds, { statementSeconds: 300, connectSeconds: 10 });
    assert.deepEqual((await configure({ statement_timeout_seconds: 30, connect_timeout_seconds: 4 })).ctx?.pools.bounds, { statementSeconds: 30, connectSeconds: 4 });
    const env = { VMOODLE_STATEMENT_TIMEOUT_SECONDS: '45', VMOODLE_CONNECT_TIMEOUT_SECONDS: '6' };
    assert.deepEqual((await configure({}, env)).ctx?.pools.bounds, { statementSeconds: 45, connectSeconds: 6 });
    assert.deepEqual((await configure({ statement_timeout_seconds: 20 }, env)).ctx?.pools.bounds, { statementSeconds: 20, connectSeconds: 6 });
  });

  it('refuses values that are not whole seconds in range', async () => {
    for (const bad of [0, -1, 1.5, 86_401]) {
      const { diags, ctx } = await configure({ statement_timeout_seconds: bad });
      assert.equal(ctx, undefined);
      assert.equal(diags.items[0]?.summary, 'Invalid statement_timeout_seconds');
    }
    const { diags } = await configure({}, { VMOODLE_CONNECT_TIMEOUT_SECONDS: 'soon' });
    assert.match(diags.items[0]?.detail ?? '', /VMOODLE_CONNECT_TIMEOUT_SECONDS \(for connect_timeout_seconds\) must be a whole number/);
  });
});
