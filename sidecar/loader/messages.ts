// What the HTTP thread and the loader thread say to each other. The loader owns everything that
// allocates per tenant (registry reads, validation, answers, the PHP map and the state file); the
// HTTP thread only ever receives finished answer tables, counters and log lines.
import type { AnswerTableBuffers } from '../answer-table';
import type { RegistryDsn } from '../dsn';

export type SnapshotSource = 'registry' | 'state-file';

export interface SnapshotMeta {
  generation: number;
  source: SnapshotSource;
  /** When the registry last confirmed this content (ms epoch): the read time, or the state file's. */
  readAt: number;
}

/** The loader's settings, passed as workerData. */
export interface LoaderSettings {
  registry: RegistryDsn;
  pollIntervalMs: number;
  stateFile: string;
  phpMap: string;
  /**
   * Whether to fall back to the state file when the registry is unreachable at start. False when the
   * loader is restarted while a snapshot is being served: the file is at best that same snapshot.
   */
  restoreStateFile: boolean;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Counters the loader moves; sent as increments so a restarted loader does not reset them. */
export interface LoaderCounters {
  polls: number;
  pollFailures: number;
  reloads: number;
  reloadFailures: number;
  mapWriteFailures: number;
  stateWriteFailures: number;
}

export type LoaderEvent =
  | {
      type: 'snapshot';
      meta: SnapshotMeta;
      tenants: number;
      /** Numbers the base tables the loader has sent; an overlay applies to the base of this number. */
      baseId: number;
      /** A new base table, or null: keep the base being served (which must be number baseId). */
      base: AnswerTableBuffers | null;
      /** What differs from the base: changed and new answers, removals. */
      overlay: AnswerTableBuffers;
      /** Registry state as of this snapshot: sent together, so no request sees the one without the other. */
      registryUp: boolean;
      verifiedAt: number;
    }
  /** The registry answered (up, confirming the snapshot as of verifiedAt when given) or did not. */
  | { type: 'registry'; up: boolean; verifiedAt?: number }
  | { type: 'log'; level: LogLevel; msg: string; fields?: Record<string, unknown> }
  | { type: 'metrics'; add?: Partial<LoaderCounters>; invalidRows?: number; reloadSeconds?: number }
  | { type: 'tenant-list'; requestId: number; generation: number; body: ArrayBuffer }
  | { type: 'tenant-list'; requestId: number; generation: null; body: null }
  | { type: 'stopped' };

export type LoaderCommand =
  | { type: 'tenant-list'; requestId: number }
  /**
   * Tables the HTTP thread no longer serves, transferred to the loader thread (which lets them go):
   * the HTTP thread's memory drops at once instead of at its next garbage collection.
   */
  | { type: 'recycle'; tables: AnswerTableBuffers[] }
  /** The HTTP thread does not have the base an overlay was for: send a whole snapshot. */
  | { type: 'resync' }
  | { type: 'stop' };

/** The few pino-style calls the loader's code makes; in the loader thread they become messages. */
export interface LoaderLog {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}
