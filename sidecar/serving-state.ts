// What the routes read: the current snapshot (one reference, swapped whole) and how fresh it is.
import type { Snapshot } from './snapshot';

export class ServingState {
  private current: Snapshot | null = null;
  /** Whether the last poll of the registry succeeded. */
  registryUp = false;
  /** When the registry last confirmed the current snapshot is current (ms epoch). */
  private verifiedAt = 0;

  get snapshot(): Snapshot | null {
    return this.current;
  }

  install(snapshot: Snapshot, verifiedAt: number): void {
    this.current = snapshot;
    this.verifiedAt = verifiedAt;
  }

  /** The registry answered and still has the generation being served. */
  confirm(at: number): void {
    this.verifiedAt = at;
  }

  /**
   * Stale = not known current: the registry is unreachable, or the snapshot came from the state file
   * and the registry has not yet been read.
   */
  get stale(): boolean {
    return this.current !== null && (!this.registryUp || this.current.meta.source !== 'registry');
  }

  /** Seconds since the snapshot was last confirmed current; null before any snapshot. */
  ageSeconds(now = Date.now()): number | null {
    if (!this.current) return null;
    return Math.max(0, (now - this.verifiedAt) / 1000);
  }
}
