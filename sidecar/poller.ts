// Keeps the served snapshot in step with the registry: polls the generation (one primary-key row),
// reloads the whole snapshot only when it changed, keeps serving the last good snapshot when the
// registry is unreachable (backing off), and at boot falls back to the state file.
import type { FastifyBaseLogger } from 'fastify';
import { buildSnapshot, type Snapshot, type SnapshotItem, type SnapshotSlot } from './snapshot';
import type { ServingState } from './serving-state';
import type { Metrics } from './metrics';
import type { KnownTenants, RegistryLoad, VersionedRow } from './registry-source';
import { forEachSliced } from './slices';
import { tenantFromRegistryRow, InvalidTenantError, type TenantRecord } from './tenant-record';
import { loadStateFile, StateFileError } from './state-file';

/** What the poller needs from the registry (RegistrySource, or a stand-in). */
export interface RegistryReader {
  readGeneration(): Promise<number>;
  /** `known`: what the snapshot being served holds per tenant id, so only changed rows need reading. */
  load<T extends object = never>(known: KnownTenants<T> | undefined, onRow: (row: VersionedRow) => void): Promise<RegistryLoad<T>>;
}

export interface PollerOptions {
  reader: RegistryReader;
  state: ServingState;
  metrics: Metrics;
  log: FastifyBaseLogger;
  intervalMs: number;
  /** Ceiling of the backoff while the registry is unreachable (default max(interval, 15 s)). */
  maxBackoffMs?: number;
  stateFilePath: string;
  /** Called after a snapshot is installed (write the PHP map, and the state file when from the registry). */
  onInstalled: (snapshot: Snapshot) => Promise<void>;
}

/** Log at most this many invalid rows one by one per reload, then a summary. */
const INVALID_ROWS_LOGGED = 20;


function errorSummary(err: unknown): { code?: string; message: string } {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? { code, message: err.message } : { message: err.message };
  }
  return { message: String(err) };
}

export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private failures = 0;
  private readonly maxBackoffMs: number;

  constructor(private readonly o: PollerOptions) {
    this.maxBackoffMs = o.maxBackoffMs ?? Math.max(o.intervalMs, 15_000);
  }

  /** First load: the registry, else the state file. Resolves once one was tried; then polls. */
  async start(): Promise<void> {
    try {
      await this.reloadFromRegistry();
    } catch (err) {
      this.markDown(err, 'at boot');
      await this.restoreStateFile();
    }
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    let delay = this.o.intervalMs;
    if (this.failures > 0) {
      const backoff = Math.min(this.o.intervalMs * 2 ** Math.min(this.failures - 1, 20), this.maxBackoffMs);
      delay = backoff * (0.8 + Math.random() * 0.4); // jitter: many web nodes must not retry in step
    }
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    try {
      this.o.metrics.polls++;
      const checkedAt = Date.now();
      const generation = await this.o.reader.readGeneration();
      this.markUp();
      const snap = this.o.state.snapshot;
      if (!snap || snap.meta.source !== 'registry' || snap.generation !== generation) {
        await this.reloadFromRegistry();
      } else {
        this.o.state.confirm(checkedAt);
      }
    } catch (err) {
      this.o.metrics.pollFailures++;
      this.markDown(err, 'on poll');
    }
    this.schedule();
  }

  private markUp(): void {
    if (!this.o.state.registryUp && this.failures > 0) {
      this.o.log.info({ failures: this.failures }, 'registry reachable again');
    }
    this.failures = 0;
    this.o.state.registryUp = true;
  }

  private markDown(err: unknown, when: string): void {
    this.failures++;
    const wasUp = this.o.state.registryUp;
    this.o.state.registryUp = false;
    if (wasUp || this.failures === 1 || this.failures % 10 === 0) {
      const snap = this.o.state.snapshot;
      this.o.log.warn(
        { err: errorSummary(err), failures: this.failures, servingGeneration: snap ? snap.generation : null },
        snap
          ? `registry unreachable ${when}: serving generation ${snap.generation} from memory`
          : `registry unreachable ${when}: no snapshot to serve yet`,
      );
    }
  }

  private async reloadFromRegistry(): Promise<void> {
    const started = process.hrtime.bigint();
    // Tenants of the snapshot being served that came from the registry: unchanged rows are taken over.
    const previous = this.o.state.snapshot;
    // Rows are validated as they arrive (the reader streams them, yielding to the event loop).
    const fresh = new Map<string, { record: TenantRecord; version: string }>();
    let invalid = 0;
    const onRow = (row: VersionedRow): void => {
      try {
        fresh.set(String(row.id), { record: tenantFromRegistryRow(row), version: String(row.version) });
      } catch (err) {
        if (!(err instanceof InvalidTenantError)) throw err;
        invalid++;
        // The message names the tenant id and the field, never the value (it may be a password).
        if (invalid <= INVALID_ROWS_LOGGED) this.o.log.error({ tenant: err.tenantId, field: err.field }, `registry row skipped: ${err.message}`);
      }
    };
    let load: RegistryLoad<SnapshotSlot>;
    try {
      load = await this.o.reader.load<SnapshotSlot>(previous?.meta.source === 'registry' ? previous.slots() : undefined, onRow);
    } catch (err) {
      this.o.metrics.reloadFailures++;
      throw err;
    }
    const readMs = Number(process.hrtime.bigint() - started) / 1e6;
    // Mark the registry up before the swap, so no request sees the new snapshot flagged stale.
    this.markUp();
    if (invalid > INVALID_ROWS_LOGGED) this.o.log.error(`${invalid} registry rows skipped in total`);
    this.o.metrics.invalidRows = invalid;
    // Unchanged tenants come as the served slot itself (taken over as is); changed ones by id. An
    // invalid row has no fresh record and is left out.
    const items: SnapshotItem[] = [];
    await forEachSliced(load.order, (o) => {
      const item = typeof o === 'string' ? fresh.get(o) : o;
      if (item) items.push(item);
    });
    const snapshot = await buildSnapshot({ generation: load.generation, source: 'registry', readAt: load.readAt }, items);
    this.o.state.install(snapshot, load.readAt);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.o.metrics.reloads++;
    this.o.metrics.observeReload(seconds);
    this.o.log.info(
      { generation: snapshot.generation, tenants: snapshot.size, read: load.rowsRead, invalid, readMs: Math.round(readMs), ms: Math.round(seconds * 1000) },
      'snapshot loaded from registry',
    );
    await this.o.onInstalled(snapshot);
  }

  private async restoreStateFile(): Promise<void> {
    try {
      const saved = await loadStateFile(this.o.stateFilePath);
      if (!saved) {
        this.o.log.warn({ path: this.o.stateFilePath }, 'no state file: not ready until the registry is reachable');
        return;
      }
      const snapshot = await buildSnapshot({ generation: saved.generation, source: 'state-file', readAt: saved.readAt }, saved.tenants);
      this.o.state.install(snapshot, saved.readAt);
      this.o.log.warn(
        { generation: snapshot.generation, tenants: snapshot.size, loadedAt: new Date(saved.readAt).toISOString() },
        'serving the snapshot restored from the state file until the registry is reachable',
      );
      await this.o.onInstalled(snapshot);
    } catch (err) {
      if (!(err instanceof StateFileError)) throw err;
      this.o.log.error({ path: err.path }, `${err.message}; not ready until the registry is reachable`);
    }
  }
}
