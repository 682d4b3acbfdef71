// Plan-time validation of the names vmoodle puts into SQL, and quoting for the few places where
// placeholders cannot be used (identifiers, CREATE USER ... IDENTIFIED BY, GRANT ... ON db.*).
// Validators return a human-readable problem (naming the rule and a fix) or null when valid, so the
// resource can turn them into attribute diagnostics.

/** Schemas that belong to the server itself; a tenant must never be given one of them. */
const RESERVED_DATABASES = new Set(['mysql', 'information_schema', 'performance_schema', 'sys', 'test']);
/** Built-in accounts a tenant must never take over. */
const RESERVED_USERS = new Set(['root', 'mysql', 'mariadb_sys', 'mysql_sys', 'debian_sys_maint', 'healthcheck']);

export const MAX_DATABASE_NAME = 64;
/** MySQL's user-name limit (MariaDB allows 80); we use the smaller so tenants can move between both. */
export const MAX_USER_NAME = 32;
/** MySQL/MariaDB store account hosts in 255 characters. */
export const MAX_USER_HOST = 255;
/**
 * Table prefixes are stricter than Moodle's (which accepts almost anything):
 * - they must end with `_` and contain no other `_`, so prefix and table name split unambiguously
 *   (`mdl_` + `config_plugins` can never be read as `mdl_config_` + `plugins`), which
 *   detectTablePrefix and renameTablePrefix rely on;
 * - at most 10 characters, so prefix + Moodle's longest table names (28) stay far below MySQL's 64
 *   and Moodle's 30-character index names keep their meaningful part.
 */
export const MAX_TABLE_PREFIX = 10;

export function validateDatabaseName(name: string): string | null {
  if (name.length === 0) return 'database name is empty';
  if (name.length > MAX_DATABASE_NAME) return `database name is ${name.length} characters long; MySQL allows at most ${MAX_DATABASE_NAME}`;
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    return `database name "${name}" must start with a lower-case letter and contain only a-z, 0-9 and _ (e.g. "moodle_physics")`;
  }
  if (RESERVED_DATABASES.has(name)) return `database name "${name}" is reserved by the server; choose another`;
  // Default installs of older MySQL/MariaDB grant every account access to test and test\_% databases.
  if (name.startsWith('test_')) return `database name "${name}" starts with "test_", which many servers open to every account; choose another`;
  return null;
}

export function validateUserName(name: string): string | null {
  if (name.length === 0) return 'database user name is empty';
  if (name.length > MAX_USER_NAME) return `database user name is ${name.length} characters long; at most ${MAX_USER_NAME} are allowed (MySQL's limit)`;
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    return `database user name "${name}" must start with a lower-case letter and contain only a-z, 0-9 and _ (e.g. "m_physics")`;
  }
  if (RESERVED_USERS.has(name)) return `database user name "${name}" is a built-in account; choose another`;
  return null;
}

const IPV4_PART = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_RE = new RegExp(`^${IPV4_PART}(?:\\.${IPV4_PART}){3}$`);
// 10.0.%  /  10.0.0.%  : trailing wildcard on a partial IPv4 address.
const IPV4_WILDCARD_RE = new RegExp(`^${IPV4_PART}(?:\\.${IPV4_PART}){0,2}\\.%$`);
const IPV6_RE = /^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}$/i;
// Host-name patterns: labels of letters, digits, '-' and the LIKE wildcards '%' and '_'.
const HOST_PATTERN_RE = /^(?:[a-z0-9%_](?:[a-z0-9%_-]{0,61}[a-z0-9%_])?)(?:\.(?:[a-z0-9%_](?:[a-z0-9%_-]{0,61}[a-z0-9%_])?))*$/i;

/** Account host part: `%`, `localhost`, an IPv4/IPv6 address, `10.0.%`, `10.0.0.0/255.255.255.0`, `%.example.com`. */
export function validateUserHost(host: string): string | null {
  if (host.length === 0) return 'database user host is empty; use "%" for any host or "localhost"';
  if (host.length > MAX_USER_HOST) return `database user host is longer than ${MAX_USER_HOST} characters`;
  if (host === '%' || host === 'localhost') return null;
  if (IPV4_RE.test(host) || IPV4_WILDCARD_RE.test(host) || (host.includes(':') && IPV6_RE.test(host))) return null;
  const mask = /^([^/]+)\/([^/]+)$/.exec(host);
  if (mask) {
    if (IPV4_RE.test(mask[1]) && IPV4_RE.test(mask[2])) return null;
    return `database user host "${host}" looks like address/netmask but both parts must be IPv4 addresses (e.g. 10.0.0.0/255.255.255.0)`;
  }
  if (HOST_PATTERN_RE.test(host)) return null;
  return `database user host "${host}" must be "%", "localhost", an IP address, "10.0.%", "10.0.0.0/255.255.255.0" or a host name pattern like "%.example.com"`;
}

export function validateTablePrefix(prefix: string): string | null {
  if (prefix.length === 0) return 'table prefix is empty; use e.g. "mdl_"';
  if (prefix.length > MAX_TABLE_PREFIX) return `table prefix "${prefix}" is longer than ${MAX_TABLE_PREFIX} characters`;
  if (!/^[a-z][a-z0-9]*_$/.test(prefix)) {
    return `table prefix "${prefix}" must be lower-case letters/digits starting with a letter and ending with a single "_" (e.g. "mdl_", "m2_")`;
  }
  return null;
}

/** Same as validateTablePrefix. */
export const validatePrefix = validateTablePrefix;

/** Passwords travel as SQL literals (CREATE USER needs one) and are stored in the registry (VARCHAR(255)). */
export function validatePassword(password: string): string | null {
  if (password.length === 0) return 'database password is empty';
  if (password.length > 255) return 'database password is longer than 255 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'database password contains control characters';
  return null;
}

/** `name` as a backtick-quoted identifier (backticks doubled). */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new TypeError('identifier contains a NUL character');
  return '`' + name.replace(/`/g, '``') + '`';
}

/** `db`.`table` */
export function qualifiedName(database: string, table: string): string {
  return `${quoteIdent(database)}.${quoteIdent(table)}`;
}

/**
 * A string literal for places that cannot take a placeholder. Same rules as mysql2's
 * connection.escape (sqlstring): backslash escapes, so it assumes the session sql_mode does not
 * contain NO_BACKSLASH_ESCAPES (the server default; our pools never set it).
 */
export function quoteString(value: string): string {
  // eslint-disable-next-line no-control-regex
  return "'" + value.replace(/[\0\b\t\n\r\x1a"'\\]/g, (c) => STRING_ESCAPES[c] ?? c) + "'";
}

const STRING_ESCAPES: Record<string, string> = {
  '\0': '\\0',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
  '"': '\\"',
  "'": "\\'",
  '\\': '\\\\',
};

/** 'user'@'host' for CREATE/ALTER/DROP/RENAME USER and GRANT. */
export function accountName(user: string, host: string): string {
  return `${quoteString(user)}@${quoteString(host)}`;
}

/**
 * A database name as written in `GRANT ... ON <db>.*`: there `_` and `%` are wildcards, so a grant
 * on `moodle_a` would also cover `moodleXa`. Escaping them keeps the grant to exactly one database.
 */
export function grantDatabasePattern(database: string): string {
  return quoteIdent(database.replace(/([\\_%])/g, '\\$1'));
}
