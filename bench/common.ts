// Small pieces every bench shares: child processes stopped by pid, polling with a deadline, one-shot
// HTTP requests, a seeded sampler, the 100k-row registry fixture, and /proc readings.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from 'undici';
import { createConnection } from 'mysql2/promise';
import type { MariaDbServer } from '../lib/mariadb-server';
import { MIGRATIONS, SCHEMA_VERSION } from '../registry/schema';

export const log = (s: string): void => void process.stdout.write(s + '\n');

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

export function startProc(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', ...env } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(t);
      }
    },
  };
}

export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function httpGet(target: { socketPath: string } | { origin: string }, path: string): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> {
  const client = 'socketPath' in target ? new Client('http://localhost', { socketPath: target.socketPath }) : new Client(target.origin);
  try {
    const res = await client.request({ method: 'GET', path });
    return { status: res.statusCode, text: await res.body.text(), headers: res.headers };
  } finally {
    await client.close();
  }
}

export const hostOf = (i: number): string => `site${i}.example.org`;

/** Random indexes below n with a fixed seed (mulberry32), so every run asks the same questions. */
export function sampler(seed: number, n: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) | 0;
  };
}

export interface RegistryFixture {
  roUser: string;
  roPass: string;
  database: string;
}

/** A migrated registry with `tenants` active rows (site<i>.example.org) and a read-only user for sidecars. */
export async function createRegistry(server: MariaDbServer, tenants: number, database = 'vmoodle_registry'): Promise<RegistryFixture> {
  const admin = await createConnection({ host: '127.0.0.1', port: server.port, user: server.adminUser, password: server.adminPassword });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.query(`USE ${database}`);
    for (const step of MIGRATIONS) for (const sql of step) await admin.query(sql);
    await admin.query('UPDATE vmoodle_meta SET schema_version = ? WHERE id = 1', [SCHEMA_VERSION]);
    // One read-only user per registry database: CREATE USER IF NOT EXISTS would keep an older password.
    const roUser = `ro_${database}`;
    const roPass = 'ro-' + Math.random().toString(36).slice(2);
    for (const h of ['%', 'localhost']) {
      await admin.query(`CREATE USER IF NOT EXISTS '${roUser}'@'${h}' IDENTIFIED BY '${roPass}'`);
      await admin.query(`GRANT SELECT ON ${database}.* TO '${roUser}'@'${h}'`);
    }
    await admin.beginTransaction();
    const BATCH = 1000;
    for (let start = 0; start < tenants; start += BATCH) {
      const rows: unknown[][] = [];
      for (let i = start; i < Math.min(tenants, start + BATCH); i++) {
        rows.push([
          `site${i}`, hostOf(i), 'active', 1, `Site ${i}`, `s${i}`, `https://${hostOf(i)}`, 'default', 'mariadb',
          '127.0.0.1', 3306, `moodle_site${i}`, `u_site${i}`, `pw-site${i}-${'x'.repeat(20)}`, 'mdl_', `/srv/moodledata/site${i}`,
          JSON.stringify({ theme: 'boost', lang: 'en' }),
        ]);
      }
      await admin.query(
        `INSERT INTO vmoodle_tenant (id, host, state, enabled, name, shortname, wwwroot, server, dbtype, dbhost, dbport, dbname, dbuser, dbpass, prefix, dataroot, config) VALUES ?`,
        [rows],
      );
    }
    await admin.query('UPDATE vmoodle_meta SET generation = generation + 1 WHERE id = 1');
    await admin.commit();
    return { roUser, roPass, database };
  } finally {
    await admin.end();
  }
}

export function median(values: ReadonlyArray<number | null>): number | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process in µs (Linux /proc), or null elsewhere. */
export function processCpuUs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 is index 0: utime and stime are fields 14 and 15.
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Resident set size now and its peak (VmHWM), in MB, from /proc; null elsewhere. */
export function processMemoryMb(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function hrMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
