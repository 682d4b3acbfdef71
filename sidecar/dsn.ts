// Registry DSN: mysql://user:pass@host:port/db, or mysql://user:pass@localhost/db?socket=/path.
// Errors never repeat the DSN: it holds a password.
import type { ConnectionOptions } from 'mysql2';

export class DsnError extends Error {
  override name = 'DsnError';
}

export interface RegistryDsn {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  socketPath?: string;
}

export function parseRegistryDsn(dsn: string): RegistryDsn {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new DsnError('registry DSN is not a URL (expected mysql://user:pass@host:port/db or ...?socket=/path)');
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new DsnError('registry DSN must start with mysql:// or mariadb://');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw new DsnError('registry DSN must name the database: mysql://user:pass@host/db');
  const user = decodeURIComponent(url.username);
  if (!user) throw new DsnError('registry DSN must name a user');
  const socket = url.searchParams.get('socket');
  const port = url.port ? Number(url.port) : 3306;
  const out: RegistryDsn = {
    host: url.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port,
    user,
    password: decodeURIComponent(url.password),
    database,
  };
  if (socket) out.socketPath = socket;
  return out;
}

/** mysql2 options for a read-only registry reader. */
export function connectionOptions(dsn: RegistryDsn, connectTimeoutMs: number): ConnectionOptions {
  const base: ConnectionOptions = {
    user: dsn.user,
    password: dsn.password,
    database: dsn.database,
    connectTimeout: connectTimeoutMs,
    charset: 'utf8mb4_unicode_ci',
    // generation is BIGINT UNSIGNED: take it as a string, convert with a range check.
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    multipleStatements: false,
  };
  return dsn.socketPath ? { ...base, socketPath: dsn.socketPath } : { ...base, host: dsn.host, port: dsn.port };
}

/** The DSN for logs: no password. */
export function describeDsn(dsn: RegistryDsn): string {
  const where = dsn.socketPath ? `socket ${dsn.socketPath}` : `${dsn.host}:${dsn.port}`;
  return `${dsn.user}@${where}/${dsn.database}`;
}
