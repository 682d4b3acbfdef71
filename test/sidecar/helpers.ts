// Test helpers for the sidecar: a registry created with the real DDL (registry/schema.ts) in a
// private MariaDB, tenants written the way the provider writes them (rows + generation bump in one
// transaction), and the real sidecar process.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'undici';
import { createConnection, type Connection } from 'mysql2/promise';
import { MIGRATIONS, SCHEMA_VERSION } from '../../registry/schema';
import type { MariaDbServer } from '../helpers/mariadb';

export const REPO = join(__dirname, '..', '..', '..');
export const SIDECAR_MAIN = join(REPO, 'dist', 'sidecar', 'main.js');
export const PHP_INCLUDE = join(REPO, 'sidecar', 'php', 'vmoodle.php');

export interface TenantInput {
  id: string;
  host: string;
  enabled?: boolean;
  name?: string;
  wwwroot?: string;
  dbhost?: string;
  dbport?: number | null;
  dbsocket?: string | null;
  dbname?: string;
  dbuser?: string;
  dbpass?: string;
  prefix?: string;
  dataroot?: string;
  dbtype?: string;
  config?: Record<string, unknown>;
  state?: string;
}

export interface Registry {
  database: string;
  admin: Connection;
  /** DSN of a SELECT-only user, as a sidecar should get. */
  readOnlyDsn: string;
}

export async function createRegistry(server: MariaDbServer, database = 'vmoodle_registry'): Promise<Registry> {
  const admin = await createConnection({
    host: '127.0.0.1',
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    multipleStatements: false,
  });
  await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.query(`USE \`${database}\``);
  for (const step of MIGRATIONS) for (const sql of step) await admin.query(sql);
  await admin.query('UPDATE vmoodle_meta SET schema_version = ? WHERE id = 1', [SCHEMA_VERSION]);
  const roPass = 'ro-' + Math.random().toString(36).slice(2);
  for (const h of ['%', 'localhost']) {
    await admin.query(`CREATE USER IF NOT EXISTS 'sidecar_ro'@'${h}' IDENTIFIED BY '${roPass}'`);
    await admin.query(`GRANT SELECT ON \`${database}\`.* TO 'sidecar_ro'@'${h}'`);
  }
  return { database, admin, readOnlyDsn: `mysql://sidecar_ro:${roPass}@127.0.0.1:${server.port}/${database}` };
}

export function tenantRow(t: TenantInput): Record<string, unknown> {
  const [host, sub] = t.host.split('/');
  return {
    id: t.id,
    host: t.host,
    state: t.state ?? 'active',
    enabled: t.enabled === false ? 0 : 1,
    name: t.name ?? `Site ${t.id}`,
    shortname: t.id.slice(0, 100),
    wwwroot: t.wwwroot ?? `https://${host}${sub ? '/' + sub : ''}`,
    server: 'default',
    dbtype: t.dbtype ?? 'mariadb',
    dbhost: t.dbhost ?? '127.0.0.1',
    dbport: t.dbport === undefined ? 3306 : t.dbport,
    dbsocket: t.dbsocket ?? null,
    dbname: t.dbname ?? `moodle_${t.id.replace(/[^a-z0-9_]/gi, '_')}`,
    dbuser: t.dbuser ?? `u_${t.id.replace(/[^a-z0-9_]/gi, '_')}`.slice(0, 80),
    dbpass: t.dbpass ?? `pw-${t.id}`,
    prefix: t.prefix ?? 'mdl_',
    dataroot: t.dataroot ?? `/srv/moodledata/${t.id}`,
    config: JSON.stringify(t.config ?? {}),
  };
}

/** Writes tenants (insert or replace) and bumps the generation, in one transaction. */
export async function putTenants(reg: Registry, tenants: TenantInput[]): Promise<void> {
  await reg.admin.beginTransaction();
  try {
    for (const t of tenants) {
      const row = tenantRow(t);
      const cols = Object.keys(row);
      await reg.admin.query(
        `REPLACE INTO vmoodle_tenant (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        cols.map((c) => row[c]),
      );
    }
    await reg.admin.query('UPDATE vmoodle_meta SET generation = generation + 1 WHERE id = 1');
    await reg.admin.commit();
  } catch (err) {
    await reg.admin.rollback();
    throw err;
  }
}

/** Runs SQL and bumps the generation in the same transaction. */
export async function changeRegistry(reg: Registry, sql: string, params: unknown[] = []): Promise<void> {
  await reg.admin.beginTransaction();
  await reg.admin.query(sql, params);
  await reg.admin.query('UPDATE vmoodle_meta SET generation = generation + 1 WHERE id = 1');
  await reg.admin.commit();
}

export interface SidecarProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
  exited(): Promise<number | null>;
}

export function startSidecar(args: string[], env: NodeJS.ProcessEnv = {}): SidecarProcess {
  const child = spawn(process.execPath, [SIDECAR_MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    output: () => out,
    exited: () => exit,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(timer);
      }
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
}

/** One request over a unix socket (or TCP origin) with undici. */
export async function request(
  target: { socketPath: string } | { origin: string },
  path: string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const client =
    'socketPath' in target ? new Client('http://localhost', { socketPath: target.socketPath }) : new Client(target.origin);
  try {
    const res = await client.request({ method: 'GET', path, headers });
    const text = await res.body.text();
    return {
      status: res.statusCode,
      headers: res.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  } finally {
    await client.close();
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

export function resolvePath(host: string, path?: string): string {
  const q = new URLSearchParams({ host });
  if (path !== undefined) q.set('path', path);
  return `/v1/resolve?${q.toString()}`;
}
