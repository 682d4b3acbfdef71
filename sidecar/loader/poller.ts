// Keeps the snapshot in step with the registry, in the loader thread: polls the generation (one
// primary-key row), reloads only when it changed (reading only the rows whose version changed),
// keeps the last good snapshot when the registry is unreachable (backing off), and at start falls
// back to the state file. What it produces goes to a PollerSink: the HTTP thread and the files.
import type { KnownTenants, RegistryLoad, VersionedRow } from './registry-source';
import { buildTenantSet, type TenantSet, type TenantSlot } from './tenant-set';
import { tenantFromRegistryRow, InvalidTenantError, type TenantRecord } from '../tenant-record';
import { loadStateFile, StateFileError } from '../state-file';
import type { LoaderCounters, LoaderLog } from './messages';

/** What the poller needs from the registry (RegistrySource, or a stand-in). */
export interface RegistryReader {
  readGeneration(): Promise<number>;
  /** `known`: what the snapshot being served holds per tenant id, so only changed rows need reading. */
  load<T extends object = never>(known: KnownTenants<T> | undefined, onRow: (row: VersionedRow) => void): Promise<RegistryLoad<T>>;
}

/** Where the poller's results go. */
export interface PollerSink {
  /** A new snapshot to serve, known current as of `verifiedAt` when it came from the registry. */
  publish(set: TenantSet, registryUp: boolean, verifiedAt: number): Promise<void>;
  /** The registry answered (confirming the snapshot served as of `verifiedAt` when given), or did not. */
  registry(up: boolean, verifiedAt?: number): void;
  count(counter: keyof LoaderCounters): void;
  reloaded(seconds: number, invalidRows: number): void;
}

export interface PollerOptions {
  reader: RegistryReader;
  sink: PollerSink;
  log: LoaderLog;
  intervalMs: number;
  /** Ceiling of the backoff while the registry is unreachable (default max(interval, 15 s)). */
  maxBackoffMs?: number;
  stateFilePath: string;
  /** Whether to fall back to the state file when the registry is unreachable at start. */
  restoreStateFile: boolean;
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
  private registryUp = false;
  /** The snapshot last published. */
  private current: TenantSet | null = null;
  private readonly maxBackoffMs: number;

  constructor(private readonly o: PollerOptions) {
    this.maxBackoffMs = o.maxBackoffMs ?? Math.max(o.intervalMs, 15_000);
  }

  /** Whether the last registry read succeeded. */
  get registryIsUp(): boolean {
    return this.registryUp;
  }

  /** The snapshot last published (the tenant list is rendered from it). */
  get published(): TenantSet | null {
    return this.current;
  }

  /** First load: the registry, else the state file. Resolves once one was tried; then polls. */
  async start(): Promise<void> {
    try {
      await this.reloadFromRegistry();
    } catch (err) {
      this.markDown(err, 'at boot');
      if (this.o.restoreStateFile) await this.restoreStateFile();
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
      this.o.sink.count('polls');
      const checkedAt = Date.now();
      const generation = await this.o.reader.readGeneration();
      const snap = this.current;
      if (!snap || snap.meta.source !== 'registry' || snap.generation !== generation) {
        this.markUp();
        await this.reloadFromRegistry();
      } else {
        this.markUp(checkedAt);
      }
    } catch (err) {
      this.o.sink.count('pollFailures');
      this.markDown(err, 'on poll');
    }
    this.schedule();
  }

  /** The registry answered; with `confirmedAt`, it also still has the generation being served. */
  private markUp(confirmedAt?: number): void {
    if (!this.registryUp && this.failures > 0) {
      this.o.log.info({ failures: this.failures }, 'registry reachable again');
    }
    this.failures = 0;
    // Tell the HTTP thread only what changes its answers: up/down, and the confirmation time.
    if (!this.registryUp || confirmedAt !== undefined) this.o.sink.registry(true, confirmedAt);
    this.registryUp = true;
  }

  private markDown(err: unknown, when: string): void {
    this.failures++;
    const wasUp = this.registryUp;
    this.registryUp = false;
    if (wasUp) this.o.sink.registry(false);
    if (wasUp || this.failures === 1 || this.failures % 10 === 0) {
      const snap = this.current;
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
    // Tenants of the snapshot served that came from the registry: unchanged rows are taken over.
    const previous = this.current;
    // Rows are validated as they arrive (the reader streams them).
    const fresh = new Map<string, TenantSlot>();
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
    let load: RegistryLoad<TenantSlot>;
    try {
      load = await this.o.reader.load<TenantSlot>(previous?.meta.source === 'registry' ? previous.slots() : undefined, onRow);
    } catch (err) {
      this.o.sink.count('reloadFailures');
      throw err;
    }
    const readMs = Number(process.hrtime.bigint() - started) / 1e6;
    this.failures = 0;
    this.registryUp = true;
    if (invalid > INVALID_ROWS_LOGGED) this.o.log.error({ invalid }, `${invalid} registry rows skipped in total`);
    // Unchanged tenants come as the slot itself (taken over as is); changed ones by id. An invalid
    // row has no fresh record and is left out.
    const items: TenantSlot[] = [];
    for (const o of load.order) {
      const item = typeof o === 'string' ? fresh.get(o) : o;
      if (item) items.push(item);
    }
    const set = buildTenantSet({ generation: load.generation, source: 'registry', readAt: load.readAt }, items);
    this.current = set;
    const publishing = this.o.sink.publish(set, true, load.readAt);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.o.sink.reloaded(seconds, invalid);
    this.o.log.info(
      { generation: set.generation, tenants: set.size, read: load.rowsRead, invalid, readMs: Math.round(readMs), ms: Math.round(seconds * 1000) },
      'snapshot loaded from registry',
    );
    await publishing;
  }

  private async restoreStateFile(): Promise<void> {
    try {
      const saved = await loadStateFile(this.o.stateFilePath);
      if (!saved) {
        this.o.log.warn({ path: this.o.stateFilePath }, 'no state file: not ready until the registry is reachable');
        return;
      }
      const records: TenantRecord[] = saved.tenants;
      const set = buildTenantSet({ generation: saved.generation, source: 'state-file', readAt: saved.readAt }, records);
      this.current = set;
      const publishing = this.o.sink.publish(set, false, saved.readAt);
      this.o.log.warn(
        { generation: set.generation, tenants: set.size, loadedAt: new Date(saved.readAt).toISOString() },
        'serving the snapshot restored from the state file until the registry is reachable',
      );
      await publishing;
    } catch (err) {
      if (!(err instanceof StateFileError)) throw err;
      this.o.log.error({ path: err.path }, `${err.message}; not ready until the registry is reachable`);
    }
  }
}
