// The HTTP thread's side of the loader thread: starts it, installs each snapshot it sends (a new
// overlay, sometimes a new base table) by swapping one reference, passes its log lines to the
// sidecar's logger and its counters to the metrics, asks it for the tenant list, and restarts it
// (serving the current snapshot meanwhile) should it ever die.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { Snapshot } from '../snapshot';
import { AnswerTable, type AnswerTableBuffers } from '../answer-table';
import type { ServingState } from '../serving-state';
import type { Metrics } from '../metrics';
import type { TenantListSource } from '../routes/deps';
import type { LoaderCommand, LoaderEvent, LoaderSettings } from './messages';

export class LoaderUnavailableError extends Error {
  override name = 'LoaderUnavailableError';
}

export interface SnapshotLoaderOptions {
  settings: Omit<LoaderSettings, 'restoreStateFile'>;
  state: ServingState;
  metrics: Metrics;
  log: FastifyBaseLogger;
  /** How long the tenant list may take to render (default 30 s). */
  tenantListTimeoutMs?: number;
}

const WORKER_ENTRY = join(__dirname, 'worker.js');
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;

interface PendingList {
  resolve: (v: { generation: number; body: Buffer } | null) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class SnapshotLoader implements TenantListSource {
  private worker: Worker | null = null;
  private stopping = false;
  private restartRequested = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private nextRequestId = 1;
  private readonly pending = new Map<number, PendingList>();
  private stopped: (() => void) | null = null;
  /** The snapshot installed last, with the number of its base table. */
  private served: { snapshot: Snapshot; baseId: number } | null = null;

  constructor(private readonly o: SnapshotLoaderOptions) {}

  start(): void {
    const worker = new Worker(WORKER_ENTRY, {
      workerData: { ...this.o.settings, restoreStateFile: this.o.state.snapshot === null } satisfies LoaderSettings,
      // The loader's garbage is short-lived (rows, rendered chunks): a small young generation
      // collects it as often as needed instead of growing to V8's default of up to 48 MB.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    this.worker = worker;
    worker.on('message', (event: LoaderEvent) => this.onEvent(event));
    worker.on('error', (err) => {
      this.o.log.error({ err: { name: err.name, message: err.message } }, 'snapshot loader failed');
    });
    worker.on('exit', (code) => this.onExit(worker, code));
  }

  /** Stops polling, closes the registry connection and ends the thread (bounded: terminated after 2 s). */
  stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => void worker.terminate(), 2000);
      this.stopped = () => {
        clearTimeout(timer);
        resolve();
      };
      worker.postMessage({ type: 'stop' } satisfies LoaderCommand);
    });
  }

  /**
   * Starts the loader thread afresh (SIGHUP): a new registry connection and a full read. Lookups go
   * on from the snapshot being served meanwhile.
   */
  restart(): void {
    const worker = this.worker;
    if (this.stopping || worker === null) return;
    this.restartRequested = true;
    void worker.terminate();
  }

  tenantList(): Promise<{ generation: number; body: Buffer } | null> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new LoaderUnavailableError('the snapshot loader is restarting'));
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new LoaderUnavailableError('the snapshot loader did not answer in time'));
      }, this.o.tenantListTimeoutMs ?? 30_000);
      this.pending.set(requestId, { resolve, reject, timer });
      worker.postMessage({ type: 'tenant-list', requestId } satisfies LoaderCommand);
    });
  }

  private onEvent(event: LoaderEvent): void {
    const { state, metrics, log } = this.o;
    switch (event.type) {
      case 'snapshot': {
        const previous = this.served;
        const baseKept = event.base === null;
        if (baseKept && (previous === null || previous.baseId !== event.baseId)) {
          // An overlay for a base this thread does not hold: never serve it; ask for everything.
          log.error({ baseId: event.baseId, servingBaseId: previous?.baseId ?? null }, 'snapshot loader sent an overlay for another base; resynchronising');
          this.recycle([event.overlay]);
          this.worker?.postMessage({ type: 'resync' } satisfies LoaderCommand);
          return;
        }
        const base = event.base === null ? previous!.snapshot.base : new AnswerTable(event.base);
        const snapshot = new Snapshot(event.meta, event.tenants, base, new AnswerTable(event.overlay));
        // The registry state first, so no request sees the new snapshot flagged stale.
        state.registryUp = event.registryUp;
        state.install(snapshot, event.verifiedAt);
        this.served = { snapshot, baseId: event.baseId };
        this.restarts = 0;
        // Requests are answered synchronously and their bodies are copies, so what was just replaced
        // is no longer read: its memory goes now rather than at some later garbage collection.
        if (previous) this.recycle(baseKept ? [previous.snapshot.overlay.release()] : [previous.snapshot.overlay.release(), previous.snapshot.base.release()]);
        return;
      }
      case 'registry':
        state.registryUp = event.up;
        if (event.verifiedAt !== undefined) state.confirm(event.verifiedAt);
        return;
      case 'log':
        log[event.level](event.fields ?? {}, event.msg);
        return;
      case 'metrics':
        metrics.addLoaderCounts(event.add ?? {});
        if (event.invalidRows !== undefined) metrics.invalidRows = event.invalidRows;
        if (event.reloadSeconds !== undefined) metrics.observeReload(event.reloadSeconds);
        return;
      case 'tenant-list': {
        const p = this.pending.get(event.requestId);
        if (!p) return;
        this.pending.delete(event.requestId);
        clearTimeout(p.timer);
        p.resolve(event.body === null ? null : { generation: event.generation, body: Buffer.from(event.body) });
        return;
      }
      case 'stopped':
        this.stopped?.();
        return;
    }
  }

  private recycle(tables: AnswerTableBuffers[]): void {
    const worker = this.worker;
    // Without a loader to take them, the buffers are simply left to the garbage collector.
    if (worker) worker.postMessage({ type: 'recycle', tables } satisfies LoaderCommand, tables.flatMap((t) => [t.slots, t.entries, t.data]));
  }

  private onExit(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new LoaderUnavailableError('the snapshot loader stopped'));
      this.pending.delete(id);
    }
    if (this.stopping) {
      this.stopped?.();
      return;
    }
    if (this.restartRequested) {
      this.restartRequested = false;
      this.o.log.info({}, 'snapshot loader restarted on request');
      this.start();
      return;
    }
    // Whatever the cause, lookups go on from the snapshot in memory; the registry state is unknown.
    this.o.state.registryUp = false;
    const delay = Math.min(RESTART_MIN_MS * 2 ** this.restarts, RESTART_MAX_MS);
    this.restarts++;
    this.o.log.error({ code, restartInMs: delay }, 'snapshot loader stopped unexpectedly; restarting it');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) this.start();
    }, delay);
    this.restartTimer.unref();
  }
}
