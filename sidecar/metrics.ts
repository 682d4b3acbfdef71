// Prometheus text exposition, by hand: a handful of counters and one histogram do not justify a
// dependency, and the hot path only increments plain numbers.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ServingState } from './serving-state';
import type { LoaderCounters } from './loader/messages';

export type LookupOutcome = 'ok' | 'disabled' | 'unknown' | 'malformed' | 'not_ready';

const RELOAD_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export class Metrics {
  readonly lookups: Record<LookupOutcome, number> = { ok: 0, disabled: 0, unknown: 0, malformed: 0, not_ready: 0 };
  unauthorized = 0;
  polls = 0;
  pollFailures = 0;
  reloads = 0;
  reloadFailures = 0;
  invalidRows = 0;
  mapWriteFailures = 0;
  stateWriteFailures = 0;
  private readonly reloadBuckets = new Array<number>(RELOAD_BUCKETS.length).fill(0);
  private reloadSum = 0;
  private reloadCount = 0;
  private lastReloadSeconds = 0;
  private loopDelay: IntervalHistogram | undefined;

  /**
   * Starts measuring event-loop stalls (what a reload must not cause): exposed as the longest stall
   * and the p99 since the previous scrape, so a scrape after a reload shows what that reload did.
   */
  watchEventLoop(): void {
    this.loopDelay ??= monitorEventLoopDelay({ resolution: 5 });
    this.loopDelay.enable();
  }

  /** Counts reported by the loader thread. */
  addLoaderCounts(add: Partial<LoaderCounters>): void {
    for (const k of Object.keys(add) as Array<keyof LoaderCounters>) this[k] += add[k] ?? 0;
  }

  observeReload(seconds: number): void {
    this.lastReloadSeconds = seconds;
    this.reloadSum += seconds;
    this.reloadCount++;
    for (let i = 0; i < RELOAD_BUCKETS.length; i++) if (seconds <= RELOAD_BUCKETS[i]!) this.reloadBuckets[i]!++;
  }

  render(state: ServingState, now = Date.now()): string {
    const snap = state.snapshot;
    const out: string[] = [];
    const metric = (name: string, type: string, help: string, lines: string[]): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
    };
    metric('vmoodle_sidecar_lookups_total', 'counter', 'Resolve requests by outcome.',
      (Object.keys(this.lookups) as LookupOutcome[]).map((k) => `vmoodle_sidecar_lookups_total{outcome="${k}"} ${this.lookups[k]}`));
    metric('vmoodle_sidecar_unauthorized_total', 'counter', 'Requests refused for a missing or wrong bearer token.',
      [`vmoodle_sidecar_unauthorized_total ${this.unauthorized}`]);
    metric('vmoodle_sidecar_snapshot_loaded', 'gauge', '1 once a snapshot is being served.', [`vmoodle_sidecar_snapshot_loaded ${snap ? 1 : 0}`]);
    metric('vmoodle_sidecar_snapshot_generation', 'gauge', 'Registry generation of the snapshot being served (-1: none).',
      [`vmoodle_sidecar_snapshot_generation ${snap ? snap.generation : -1}`]);
    metric('vmoodle_sidecar_snapshot_tenants', 'gauge', 'Tenants in the snapshot being served.', [`vmoodle_sidecar_snapshot_tenants ${snap ? snap.size : 0}`]);
    metric('vmoodle_sidecar_snapshot_bytes', 'gauge', 'Bytes of the answer tables being served (base and overlay: answers, keys, index).',
      [`vmoodle_sidecar_snapshot_bytes ${snap ? snap.bytes : 0}`]);
    metric('vmoodle_sidecar_snapshot_from_state_file', 'gauge', '1 when the snapshot was restored from the state file and not yet refreshed from the registry.',
      [`vmoodle_sidecar_snapshot_from_state_file ${snap && snap.meta.source === 'state-file' ? 1 : 0}`]);
    metric('vmoodle_sidecar_snapshot_age_seconds', 'gauge', 'Seconds since the registry last confirmed the snapshot being served.',
      [`vmoodle_sidecar_snapshot_age_seconds ${(state.ageSeconds(now) ?? 0).toFixed(3)}`]);
    metric('vmoodle_sidecar_snapshot_stale', 'gauge', '1 while serving a snapshot not known to be current (registry unreachable).',
      [`vmoodle_sidecar_snapshot_stale ${state.stale ? 1 : 0}`]);
    metric('vmoodle_sidecar_registry_up', 'gauge', '1 when the last poll of the registry succeeded.', [`vmoodle_sidecar_registry_up ${state.registryUp ? 1 : 0}`]);
    metric('vmoodle_sidecar_snapshot_invalid_rows', 'gauge', 'Registry rows skipped in the last reload because they failed validation.',
      [`vmoodle_sidecar_snapshot_invalid_rows ${this.invalidRows}`]);
    metric('vmoodle_sidecar_polls_total', 'counter', 'Generation polls.', [`vmoodle_sidecar_polls_total ${this.polls}`]);
    metric('vmoodle_sidecar_poll_failures_total', 'counter', 'Generation polls that failed.', [`vmoodle_sidecar_poll_failures_total ${this.pollFailures}`]);
    metric('vmoodle_sidecar_reloads_total', 'counter', 'Snapshots loaded from the registry.', [`vmoodle_sidecar_reloads_total ${this.reloads}`]);
    metric('vmoodle_sidecar_reload_failures_total', 'counter', 'Snapshot loads that failed.', [`vmoodle_sidecar_reload_failures_total ${this.reloadFailures}`]);
    // observeReload counts into every bucket at or above the value, so the counts are cumulative.
    const buckets = RELOAD_BUCKETS.map((le, i) => `vmoodle_sidecar_reload_duration_seconds_bucket{le="${le}"} ${this.reloadBuckets[i]}`);
    metric('vmoodle_sidecar_reload_duration_seconds', 'histogram', 'Time to read and build a snapshot.', [
      ...buckets,
      `vmoodle_sidecar_reload_duration_seconds_bucket{le="+Inf"} ${this.reloadCount}`,
      `vmoodle_sidecar_reload_duration_seconds_sum ${this.reloadSum.toFixed(6)}`,
      `vmoodle_sidecar_reload_duration_seconds_count ${this.reloadCount}`,
    ]);
    metric('vmoodle_sidecar_last_reload_duration_seconds', 'gauge', 'Duration of the last snapshot load.',
      [`vmoodle_sidecar_last_reload_duration_seconds ${this.lastReloadSeconds.toFixed(6)}`]);
    metric('vmoodle_sidecar_php_map_write_failures_total', 'counter', 'Failed writes of the PHP map file.',
      [`vmoodle_sidecar_php_map_write_failures_total ${this.mapWriteFailures}`]);
    metric('vmoodle_sidecar_state_file_write_failures_total', 'counter', 'Failed writes of the state file.',
      [`vmoodle_sidecar_state_file_write_failures_total ${this.stateWriteFailures}`]);
    if (this.loopDelay) {
      // The histogram counts from its timer's resolution (5 ms): smaller stalls read as ~5 ms.
      const seconds = (ns: number): string => (Number.isFinite(ns) ? ns / 1e9 : 0).toFixed(6);
      metric('vmoodle_sidecar_event_loop_delay_max_seconds', 'gauge', 'Longest event-loop stall since the previous scrape of /metrics.',
        [`vmoodle_sidecar_event_loop_delay_max_seconds ${seconds(this.loopDelay.max)}`]);
      metric('vmoodle_sidecar_event_loop_delay_p99_seconds', 'gauge', '99th percentile of event-loop delay since the previous scrape of /metrics.',
        [`vmoodle_sidecar_event_loop_delay_p99_seconds ${seconds(this.loopDelay.percentile(99))}`]);
      this.loopDelay.reset();
    }
    return out.join('\n') + '\n';
  }
}
