// What the CDKTF tests share. modules/ and examples/cdktf-constellation/ are separate npm packages
// (the root stays free of cdktf), so the tests never import them: they run their compiled output
// with node, as a user's app would, and look at the files and databases it produces.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** dist/test/cdktf → the repository root. */
export const REPO = resolve(__dirname, '..', '..', '..');
export const MODULES = join(REPO, 'modules');
export const EXAMPLE = join(REPO, 'examples', 'cdktf-constellation');
export const MODULES_ENTRY = join(MODULES, 'dist', 'src', 'index.js');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Fails with the command to run when a package was not installed and built. */
export function requireBuilt(): void {
  const missing = [
    [join(MODULES, 'node_modules', 'cdktf'), 'npm ci --prefix modules'],
    [MODULES_ENTRY, 'npm run build --prefix modules'],
    [join(EXAMPLE, 'node_modules', '@vmoodle', 'cdktf'), 'npm ci --prefix examples/cdktf-constellation'],
  ].filter(([file]) => !existsSync(file!));
  if (missing.length > 0) throw new Error(`CDKTF packages are not ready; run: ${missing.map(([, cmd]) => cmd).join(' && ')}`);
}

export function run(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export function describeRun(what: string, r: RunResult): string {
  return `${what} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/**
 * A private copy of the example project (sources and nodelist; its cdktf.json `app` compiles it),
 * sharing its node_modules: synth output and the local Terraform state land in the copy, never
 * in the repository.
 */
export function copyExample(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'vmoodle-cdktf-example-')), 'cdktf-constellation');
  cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|dist|cdktf\.out|\.vmoodle-mirror)$/.test(src) && !/\.tfstate/.test(src),
  });
  symlinkSync(join(EXAMPLE, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * Runs a small CommonJS program against the built modules package (`m` is its exports) with
 * outdir set, and returns what it printed. Used for inputs the example app does not cover.
 */
export async function runWithModules(program: string, opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  const file = join(opts.cwd, `program-${process.hrtime.bigint()}.js`);
  writeFileSync(file, `'use strict';\nconst m = require(${JSON.stringify(MODULES_ENTRY)});\n${program}\n`);
  return run(process.execPath, [file], { cwd: opts.cwd, env: opts.env });
}

export interface SynthJson {
  provider?: Record<string, unknown[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  terraform?: { required_providers?: Record<string, { source: string; version?: string }>; backend?: Record<string, unknown> };
}

/** `${vmoodle_tenant.NAME.id}` → NAME. */
export function referencedName(expr: unknown, type: string, attribute: string): string | undefined {
  const m = typeof expr === 'string' ? new RegExp(`^\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.${attribute}\\}$`).exec(expr) : null;
  return m?.[1];
}
