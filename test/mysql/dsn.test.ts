import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, formatDsn, parseDsn, redactDsn } from '../../provider/mysql/dsn';
import {
  grantDatabasePattern,
  quoteIdent,
  quoteString,
  validateDatabaseName,
  validatePassword,
  validateTablePrefix,
  validateUserHost,
  validateUserName,
} from '../../provider/mysql/identifiers';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('parseDsn', () => {
  it('parses a full DSN', () => {
    assert.deepEqual(parseDsn('mysql://admin:p%40ss@DB1.Example.com:3307/vmoodle_registry?socket=/run/mysqld/mysqld.sock&moodle_host=db1.internal', 'registry'), {
      host: 'db1.example.com',
      port: 3307,
      socket: '/run/mysqld/mysqld.sock',
      user: 'admin',
      password: 'p@ss',
      database: 'vmoodle_registry',
      moodleHost: 'db1.internal',
    });
  });

  it('applies defaults and accepts mariadb:// and IPv6', () => {
    assert.deepEqual(parseDsn('mariadb://root:x@localhost', 'f'), { host: 'localhost', port: 3306, user: 'root', password: 'x', moodleHost: 'localhost' });
    assert.deepEqual(parseDsn('mysql://u:p@[::1]:3310/', 'f'), { host: '::1', port: 3310, user: 'u', password: 'p', moodleHost: '::1' });
    assert.equal(parseDsn('mysql://u@/db?socket=/tmp/s.sock', 'f').host, 'localhost');
    assert.equal(parseDsn('mysql://u@h', 'f').password, '');
  });

  it('tolerates unencoded special characters in the password', () => {
    assert.equal(parseDsn('mysql://u:a@b:c/d?e@host/db', 'f').password, 'a@b:c/d?e');
  });

  it('errors name the field and never contain the password', () => {
    const secret = 'Sup3rS3cret';
    const cases = [
      `postgres://u:${secret}@h/db`,
      `mysql://u:${secret}@h:99999/db`,
      `mysql://u:${secret}@h/db/extra`,
      `mysql://u:${secret}@h/db?ssl=1`,
      `mysql://u:${secret}%zz@h/db`,
      `mysql://:${secret}@h/db`,
      `mysql://u:${secret}@/db`,
      `mysql://u:${secret}@h/db?socket=relative.sock`,
      `u:${secret}@h/db`,
      `mysql://u:${secret}@bad host/db`,
    ];
    for (const dsn of cases) {
      const err = configError(() => parseDsn(dsn, 'servers.default'));
      assert.equal(err.field, 'servers.default');
      assert.match(err.message, /^servers\.default: /);
      assert.ok(!err.message.includes(secret), `password in: ${err.message}`);
    }
    assert.match(configError(() => parseDsn('mysql://u:p@h/db?ssl=1', 'f')).message, /unknown option "ssl"; supported options: socket, moodle_host/);
    assert.match(configError(() => parseDsn('', 'f')).message, /is empty/);
  });

  it('redacts and round-trips', () => {
    assert.equal(redactDsn('mysql://u:secret@h:3306/db?socket=/s'), 'mysql://u:***@h:3306/db?socket=/s');
    assert.equal(redactDsn('mysql://u@h/db'), 'mysql://u@h/db');
    assert.equal(redactDsn('mysql://u:a@b@h/db'), 'mysql://u:***@h/db');
    assert.ok(!redactDsn('u:secret@h').includes('secret'));
    const s = parseDsn('mysql://u:p%2Fw@h:3307/db?moodle_host=x.internal', 'f');
    assert.deepEqual(parseDsn(formatDsn(s), 'f'), s);
  });
});

describe('identifier validation and quoting', () => {
  it('database names', () => {
    assert.equal(validateDatabaseName('moodle_physics'), null);
    assert.equal(validateDatabaseName('a'.repeat(64)), null);
    assert.match(String(validateDatabaseName('a'.repeat(65))), /at most 64/);
    for (const bad of ['', '1abc', 'Moodle', 'a-b', 'a b', 'mysql', 'test_x', 'a`b']) assert.notEqual(validateDatabaseName(bad), null, bad);
  });

  it('user names', () => {
    assert.equal(validateUserName('m_physics'), null);
    assert.equal(validateUserName('a'.repeat(32)), null);
    assert.match(String(validateUserName('a'.repeat(33))), /at most 32/);
    for (const bad of ['', 'root', 'M', "a'b", '9a']) assert.notEqual(validateUserName(bad), null, bad);
  });

  it('user hosts', () => {
    for (const ok of ['%', 'localhost', '10.0.0.5', '10.0.%', '10.0.0.0/255.255.255.0', '::1', 'fe80::1', '%.example.com', 'web_1.internal', 'WEB1']) {
      assert.equal(validateUserHost(ok), null, ok);
    }
    for (const bad of ['', "x' OR 1", 'a b', '10.0.0.0/24', 'a..b', '-a']) assert.notEqual(validateUserHost(bad), null, bad);
  });

  it('table prefixes', () => {
    for (const ok of ['mdl_', 'm2_', 'abcdefghi_']) assert.equal(validateTablePrefix(ok), null, ok);
    for (const bad of ['', 'mdl', 'my_mdl_', 'Mdl_', '2m_', 'abcdefghij_', '_']) assert.notEqual(validateTablePrefix(bad), null, bad);
  });

  it('passwords', () => {
    assert.equal(validatePassword("a'b\\c"), null);
    assert.notEqual(validatePassword(''), null);
    assert.notEqual(validatePassword('a\nb'), null);
  });

  it('quoting', () => {
    assert.equal(quoteIdent('a`b'), '`a``b`');
    assert.equal(quoteString("it's a \\ test\n"), "'it\\'s a \\\\ test\\n'");
    assert.equal(grantDatabasePattern('m_a%b'), '`m\\_a\\%b`');
  });
});
