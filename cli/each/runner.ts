// Runs one command per site, N at a time, each with VMOODLE_HOST set (what sidecar/php/vmoodle.php
// reads on the CLI) and its own time limit. Output goes straight to a log file per site (no pipes
// to drain, nothing held in memory); logs of sites that succeeded are removed afterwards unless
// asked otherwise. Each child leads its own process group, so a timeout or Ctrl-C stops whatever
// the command started too (php forks, shell pipelines), not just the first process.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { SiteTarget } from './targets';

/** Grace between SIGTERM and SIGKILL after a timeout or an interrupt. */
const KILL_GRACE_MS = 5_000;

export type SiteStatus = 'ok' | 'failed' | 'timeout' | 'error' | 'cancelled';

export interface SiteResult {
  host: string;
  id: string;
  status: SiteStatus;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Log file, kept for every site that did not succeed (and for all with keepLogs). */
  log: string | null;
  /** Why the command could not run at all (status 'error'). */
  error?: string;
}

export interface RunOptions {
  command: readonly string[];
  cwd?: string;
  concurrency: number;
  timeoutMs?: number;
  logDir: string;
  keepLogs: boolean;
  /** Environment of every child (before VMOODLE_HOST and friends are added). */
  env: NodeJS.ProcessEnv;
}

export interface RunObserver {
  started(target: SiteTarget): void;
  finished(result: SiteResult): void;
}

const SECRET_VARIABLES = new Set(['VMOODLE_REGISTRY', 'VMOODLE_SIDECAR_REGISTRY', 'VMOODLE_SIDECAR_TOKEN', 'VMOODLE_LEGACY_MASTER']);

/** Variables never handed to the commands: registry and server DSNs carry admin passwords. */
export function childEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (SECRET_VARIABLES.has(k) || k.startsWith('VMOODLE_SERVER_')) continue;
    out[k] = v;
  }
  return out;
}

/** A file name for a site's log: keys are [a-z0-9.-] plus "/" before a subpath. */
export function logFileName(key: string): string {
  return `${key.replace(/[^a-z0-9._-]/gi, '_')}.log`;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

export class EachRun {
  private readonly running = new Set<ChildProcess>();
  private cancelled = false;

  constructor(
    private readonly opts: RunOptions,
    private readonly observer: RunObserver,
  ) {}

  /** Stops launching sites and terminates the running ones (Ctrl-C). */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const child of this.running) {
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), KILL_GRACE_MS).unref();
    }
  }

  async run(targets: readonly SiteTarget[]): Promise<SiteResult[]> {
    const results: SiteResult[] = new Array(targets.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < targets.length) {
        const i = next++;
        const t = targets[i]!;
        if (this.cancelled) {
          results[i] = { host: t.key, id: t.id, status: 'cancelled', exitCode: null, signal: null, durationMs: 0, log: null };
        } else {
          this.observer.started(t);
          results[i] = await this.runOne(t);
        }
        this.observer.finished(results[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.opts.concurrency, targets.length)) }, worker));
    return results;
  }

  private runOne(t: SiteTarget): Promise<SiteResult> {
    const log = join(this.opts.logDir, logFileName(t.key));
    const started = Date.now();
    const fd = openSync(log, 'w', 0o600);
    const [cmd, ...args] = this.opts.command;
    return new Promise<SiteResult>((resolve) => {
      let timedOut = false;
      let spawnError: string | undefined;
      const child = spawn(cmd!, args, {
        cwd: this.opts.cwd,
        env: { ...this.opts.env, VMOODLE_HOST: t.key, VMOODLE_TENANT_ID: t.id, VMOODLE_WWWROOT: t.wwwroot },
        stdio: ['ignore', fd, fd],
        detached: true,
      });
      this.running.add(child);
      const timers: NodeJS.Timeout[] = [];
      if (this.opts.timeoutMs !== undefined) {
        timers.push(
          setTimeout(() => {
            timedOut = true;
            killGroup(child, 'SIGTERM');
            timers.push(setTimeout(() => killGroup(child, 'SIGKILL'), KILL_GRACE_MS));
          }, this.opts.timeoutMs),
        );
      }
      child.on('error', (err) => {
        spawnError = err.message;
      });
      child.on('close', (code, signal) => {
        for (const timer of timers) clearTimeout(timer);
        this.running.delete(child);
        closeSync(fd);
        const status: SiteStatus =
          spawnError !== undefined ? 'error' : timedOut ? 'timeout' : code === 0 ? 'ok' : this.cancelled ? 'cancelled' : 'failed';
        let kept: string | null = log;
        if (status === 'ok' && !this.opts.keepLogs) {
          unlinkSync(log);
          kept = null;
        }
        const result: SiteResult = {
          host: t.key,
          id: t.id,
          status,
          exitCode: spawnError !== undefined ? null : code,
          signal,
          durationMs: Date.now() - started,
          log: kept,
        };
        if (spawnError !== undefined) result.error = spawnError;
        resolve(result);
      });
    });
  }
}
