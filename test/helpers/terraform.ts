// Runs the real terraform CLI the way a user would: the provider installed into a filesystem
// mirror by `vmoodle provider install --dir`, a generated TF_CLI_CONFIG_FILE pointing at it, and
// `terraform init` offline.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installProvider, cliConfigFor } from '../../cli/provider-install';

export interface TfResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Workspace {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Writes main.tf (and any other files) into the working folder. */
  write(files: Record<string, string>): void;
  tf(args: string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<TfResult>;
  /** Like tf() but throws with the output when terraform fails. */
  ok(args: string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<TfResult>;
  /** Starts terraform and returns its child process (for kill -9 tests). */
  start(args: string[]): ReturnType<typeof spawn>;
}

export const PROVIDER_BLOCK = `terraform {
  required_providers {
    vmoodle = { source = "vmoodle/vmoodle", version = "~> 0.1" }
  }
}
provider "vmoodle" {}
`;

let sharedMirror: string | undefined;
function mirror(): string {
  if (!sharedMirror) {
    sharedMirror = mkdtempSync(join(tmpdir(), 'vmoodle-mirror-'));
    installProvider({ dir: sharedMirror });
  }
  return sharedMirror;
}

export function createWorkspace(providerEnv: NodeJS.ProcessEnv): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'vmoodle-tf-'));
  const cliConfig = join(dir, '.terraformrc');
  writeFileSync(cliConfig, cliConfigFor(mirror()));
  mkdirSync(join(dir, 'work'));
  const work = join(dir, 'work');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    ...providerEnv,
  };
  const start = (args: string[], extra?: NodeJS.ProcessEnv): ReturnType<typeof spawn> =>
    spawn('terraform', [...args], { cwd: work, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tf = (args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<TfResult> =>
    new Promise((resolve) => {
      const child = start(args, opts.env);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
  return {
    dir: work,
    env,
    write(files) {
      for (const [name, content] of Object.entries(files)) writeFileSync(join(work, name), content);
    },
    tf,
    async ok(args, opts) {
      const r = await tf(args, opts);
      if (r.code !== 0) throw new Error(`terraform ${args.join(' ')} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
      return r;
    },
    start: (args) => start(args),
  };
}

/**
 * `terraform <command...> -no-color [-input=false] <arguments>`: options must precede positional
 * arguments, and `state` takes a subcommand. Output is stdout and stderr together.
 */
export async function runTf(ws: Workspace, args: string[]): Promise<{ code: number | null; out: string }> {
  const words = args[0] === 'state' ? 2 : 1;
  const flags = ['init', 'plan', 'apply', 'import', 'destroy'].includes(args[0]!) ? ['-no-color', '-input=false'] : ['-no-color'];
  const r = await ws.tf([...args.slice(0, words), ...flags, ...args.slice(words)]);
  return { code: r.code, out: r.stdout + r.stderr };
}

/** `terraform apply -auto-approve` that must succeed; returns its output. */
export async function applyOk(ws: Workspace): Promise<string> {
  const r = await runTf(ws, ['apply', '-auto-approve']);
  assert.equal(r.code, 0, r.out);
  return r.out;
}

/** `terraform plan -detailed-exitcode` must find nothing to change. */
export async function assertEmptyPlan(ws: Workspace): Promise<void> {
  const plan = await runTf(ws, ['plan', '-detailed-exitcode']);
  assert.equal(plan.code, 0, plan.out);
}
