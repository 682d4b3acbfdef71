// Database server DSNs from the provider block / environment:
//   mysql://user:password@host:port/database?socket=/run/mysqld/mysqld.sock&moodle_host=db1.internal
// (`mariadb://` is accepted as a synonym). Parsed by hand rather than with WHATWG URL because URL
// keeps host case for non-special schemes, rejects `user@/db?socket=` and, worst, puts the whole
// input (password included) on its TypeError as `input`.

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    /** The provider attribute or environment variable the bad value came from. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface ServerSettings {
  host: string;
  port: number;
  /** Unix socket path; when set, mysql2 connects through it and ignores host/port. */
  socket?: string;
  user: string;
  password: string;
  database?: string;
  /** What Moodle web nodes should use as $CFG->dbhost (may differ from how the provider reaches the server). */
  moodleHost: string;
}

export const DEFAULT_PORT = 3306;
const SCHEMES = ['mysql', 'mariadb'];
const QUERY_KEYS = ['socket', 'moodle_host'] as const;
const EXAMPLE = 'mysql://user:password@host:3306/database';

// A hostname, IPv4 address or bracketed IPv6 address (the brackets are stripped).
const HOSTNAME_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252}[A-Za-z0-9_])?$/;
const IPV6_RE = /^\[([0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?)\]$/;

function decode(part: string, field: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    // Never echo the raw part: for the password it is the secret itself.
    throw new ConfigError(field, `the ${what} contains a '%' that is not a valid percent-escape; write '%' as %25`);
  }
}

/**
 * Parses a server DSN. Special characters in the password (`@ : / ? # %`) may be percent-encoded;
 * unencoded `@ : / ?` are tolerated because the user info ends at the last `@`.
 * Errors never include the password.
 */
export function parseDsn(dsn: string, field: string): ServerSettings {
  const trimmed = dsn.trim();
  if (trimmed === '') throw new ConfigError(field, `is empty; expected a DSN like ${EXAMPLE}`);
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(trimmed);
  if (!schemeMatch) {
    throw new ConfigError(field, `is not a DSN; expected ${EXAMPLE} (${redactDsn(trimmed)})`);
  }
  const scheme = schemeMatch[1].toLowerCase();
  if (!SCHEMES.includes(scheme)) {
    throw new ConfigError(field, `scheme "${scheme}://" is not supported; use mysql:// or mariadb://`);
  }
  const rest = trimmed.slice(schemeMatch[0].length);
  const at = rest.lastIndexOf('@');
  if (at < 0) throw new ConfigError(field, `has no user; expected ${EXAMPLE}`);
  const userInfo = rest.slice(0, at);
  const afterUser = rest.slice(at + 1);

  const colon = userInfo.indexOf(':');
  const user = decode(colon < 0 ? userInfo : userInfo.slice(0, colon), field, 'user name');
  const password = colon < 0 ? '' : decode(userInfo.slice(colon + 1), field, 'password');
  if (user === '') throw new ConfigError(field, `has an empty user name; expected ${EXAMPLE}`);

  const q = afterUser.indexOf('?');
  const location = q < 0 ? afterUser : afterUser.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : afterUser.slice(q + 1));
  for (const key of query.keys()) {
    if (!(QUERY_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(field, `unknown option "${key}"; supported options: ${QUERY_KEYS.join(', ')}`);
    }
  }

  const slash = location.indexOf('/');
  const hostPort = slash < 0 ? location : location.slice(0, slash);
  const path = slash < 0 ? '' : location.slice(slash + 1);
  if (path.includes('/')) {
    throw new ConfigError(field, `path "/${path}" must be a single database name, e.g. ${EXAMPLE}`);
  }
  const database = path === '' ? undefined : decode(path, field, 'database name');

  let hostPart = hostPort;
  let portText = '';
  const v6 = /^(\[[^\]]*\])(?::(.*))?$/.exec(hostPort);
  if (v6) {
    hostPart = v6[1];
    portText = v6[2] ?? '';
  } else {
    const c = hostPort.lastIndexOf(':');
    if (c >= 0) {
      hostPart = hostPort.slice(0, c);
      portText = hostPort.slice(c + 1);
    }
  }

  const socket = query.get('socket') ?? undefined;
  if (socket !== undefined && !socket.startsWith('/')) {
    throw new ConfigError(field, `socket must be an absolute path (got "${socket}")`);
  }

  let host: string;
  if (hostPart === '') {
    if (socket === undefined) throw new ConfigError(field, `has no host; expected ${EXAMPLE} or ?socket=/path/to/mysqld.sock`);
    host = 'localhost';
  } else {
    const six = IPV6_RE.exec(hostPart);
    if (six) host = six[1];
    else if (HOSTNAME_RE.test(hostPart)) host = hostPart.toLowerCase();
    else throw new ConfigError(field, `host "${hostPart}" is not a valid host name or IP address (write IPv6 as [::1])`);
  }

  let port = DEFAULT_PORT;
  if (portText !== '') {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new ConfigError(field, `port "${portText}" must be a number from 1 to 65535`);
    }
    port = Number(portText);
  }

  const moodleHostParam = query.get('moodle_host');
  if (moodleHostParam !== null && !HOSTNAME_RE.test(moodleHostParam) && !/^[0-9A-Fa-f:.]+$/.test(moodleHostParam)) {
    throw new ConfigError(field, `moodle_host "${moodleHostParam}" is not a valid host name or IP address`);
  }
  const moodleHost = moodleHostParam ?? host;

  const settings: ServerSettings = { host, port, user, password, moodleHost };
  if (socket !== undefined) settings.socket = socket;
  if (database !== undefined) settings.database = database;
  return settings;
}

/** The DSN with its password replaced by `***`, for logs and messages. */
export function redactDsn(dsn: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(.*)$/s.exec(dsn.trim());
  if (!m) return dsn.includes('@') || dsn.includes(':') ? '[redacted: not a mysql:// DSN]' : dsn;
  const rest = m[2];
  const at = rest.lastIndexOf('@');
  if (at < 0) return dsn.trim();
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(':');
  if (colon < 0) return dsn.trim();
  return `${m[1]}${userInfo.slice(0, colon)}:***@${rest.slice(at + 1)}`;
}

/** Rebuilds a DSN (password percent-encoded) from settings, e.g. to hand a server to a child process. */
export function formatDsn(s: ServerSettings): string {
  const host = s.host.includes(':') ? `[${s.host}]` : s.host;
  const params = new URLSearchParams();
  if (s.socket !== undefined) params.set('socket', s.socket);
  if (s.moodleHost !== s.host) params.set('moodle_host', s.moodleHost);
  const qs = params.toString();
  return (
    `mysql://${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}@${host}:${s.port}/` +
    `${s.database !== undefined ? encodeURIComponent(s.database) : ''}${qs ? '?' + qs : ''}`
  );
}
