// Helpers for the operations CLI tests: run the real `vmoodle` executable (dist/cli/main.js in a
// child process), and probes of what a command left behind (table checksums, folder trees).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';

export const REPO = join(__dirname, '..', '..', '..');
export const CLI_MAIN = join(REPO, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `vmoodle ARGS` with only PATH plus `env` in its environment. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** CHECKSUM TABLE of every base table of a database, by table name. */
export async function tableChecksums(admin: Connection, database: string): Promise<Map<string, string>> {
  const [tables] = await admin.query("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1", [database]);
  const out = new Map<string, string>();
  for (const { t } of tables as Array<{ t: string }>) {
    const [rows] = await admin.query(`CHECKSUM TABLE \`${database}\`.\`${t}\``);
    out.set(t, String((rows as Array<{ Checksum: unknown }>)[0]!.Checksum));
  }
  return out;
}

export interface TreeEntry {
  type: 'file' | 'dir' | 'link';
  mode: number;
  size: number;
  sha256?: string;
  target?: string;
}

/** Every entry under root (relative paths), skipping the given top-level names. */
export function tree(root: string, skipTop: readonly string[] = []): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(rel ? join(root, rel) : root).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (!rel && skipTop.includes(name)) continue;
      const abs = join(root, r);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out.set(r, { type: 'link', mode: 0, size: 0, target: readlinkSync(abs) });
      else if (st.isDirectory()) {
        out.set(r, { type: 'dir', mode: st.mode & 0o7777, size: 0 });
        walk(r);
      } else out.set(r, { type: 'file', mode: st.mode & 0o7777, size: st.size, sha256: createHash('sha256').update(readFileSync(abs)).digest('hex') });
    }
  };
  walk('');
  return out;
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
