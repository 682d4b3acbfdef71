// Messages between a test and its load process (load-client.ts, forked with an IPC channel), and
// the figures it reports. Kept apart so both sides type-check against one definition.

/** What a lookup must answer. `key`/`dbname` are checked on a 200; every other status is exact. */
export type Expectation = { status: 200; key: string; dbname: string } | { status: 400 | 404 | 423 };

export interface LoadCase {
  host: string;
  path?: string;
  expect: Expectation;
}

export interface LoadStart {
  type: 'start';
  socketPath: string;
  cases: LoadCase[];
  /** Requests in flight at once. */
  concurrency: number;
  /** Hard bounds: the process stops by itself at whichever comes first. */
  maxRequests: number;
  maxMs: number;
  /** Requests per second across all workers (0: as fast as answers come). Keeps a shared CI machine usable. */
  maxRate: number;
  /** Per-request timeout. */
  timeoutMs: number;
  token?: string;
}

/**
 * Phases label what the test is doing. In a phase whose name starts with "down:" the sidecar process
 * is known not to be running (killed, restarting): failures to connect or 503 not_ready there are
 * counted as `unavailable`, not as errors.
 */
export interface LoadPhase {
  type: 'phase';
  name: string;
}

export interface LoadStop {
  type: 'stop';
}

export type ToLoad = LoadStart | LoadPhase | LoadStop;

export interface Figures {
  sent: number;
  /** Answered as expected. */
  correct: number;
  /** A definite answer that differs from the expectation (another tenant, wrong status). */
  wrong: number;
  /** While the process is up: connection failures, timeouts, 5xx. */
  errors: number;
  /** While the process is known to be down: connection failures and 503 not_ready. */
  unavailable: number;
}

export interface LoadReport {
  type: 'report';
  phases: Record<string, Figures>;
  /** A few failures, for the assertion message. */
  samples: string[];
  /** Why it stopped: told to, or one of its own bounds. */
  stoppedBy: 'stop' | 'maxRequests' | 'maxMs';
}

export interface PhaseAck {
  type: 'phase-ack';
  name: string;
}

export type FromLoad = LoadReport | PhaseAck | { type: 'ready' };

export function emptyFigures(): Figures {
  return { sent: 0, correct: 0, wrong: 0, errors: 0, unavailable: 0 };
}

export function addFigures(into: Figures, f: Figures): Figures {
  into.sent += f.sent;
  into.correct += f.correct;
  into.wrong += f.wrong;
  into.errors += f.errors;
  into.unavailable += f.unavailable;
  return into;
}
