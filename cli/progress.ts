// Progress reporting on stderr (stdout stays clean for --json): a bar redrawn in place on a
// terminal, plain timestamped lines otherwise (cron mails, CI logs, `| tee`), where a redrawn line
// would be unreadable. Plain mode prints at most one line per phase every PLAIN_INTERVAL_MS.

const BAR_WIDTH = 28;
/** Columns kept for the detail text when sizing the bar. */
const DETAIL_ROOM = 50;
const TTY_INTERVAL_MS = 100;
const PLAIN_INTERVAL_MS = 5_000;

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export class Progress {
  private readonly tty: boolean;
  private phase = '';
  private total = 0;
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly out: ProgressSink,
    /** --quiet / --json callers may silence it entirely. */
    private readonly enabled = true,
  ) {
    this.tty = out.isTTY === true;
  }

  /** Starts a phase; `total` in the unit update() uses (0 = unknown, no bar). */
  start(phase: string, total: number): void {
    this.finishLine();
    this.phase = phase;
    this.total = total;
    this.lastDraw = 0;
    if (!this.tty) this.line(`${phase}: started`);
  }

  update(done: number, detail: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (this.tty) {
      if (now - this.lastDraw < TTY_INTERVAL_MS) return;
      this.lastDraw = now;
      this.out.write(`\r\x1b[K${this.fit(done, detail)}`);
      this.drawn = true;
    } else if (now - this.lastDraw >= PLAIN_INTERVAL_MS) {
      if (this.lastDraw !== 0) this.line(`${this.phase}: ${detail}`);
      this.lastDraw = now;
    }
  }

  /** Ends the phase with a summary line (kept on screen in both modes). */
  done(summary: string): void {
    if (!this.enabled) return;
    if (this.tty) {
      this.out.write(`\r\x1b[K${this.fit(this.total, summary)}\n`);
      this.drawn = false;
    } else this.line(`${this.phase}: ${summary}`);
  }

  /** A message between updates (warnings): never glued to a half-drawn bar. */
  note(message: string): void {
    if (!this.enabled) return;
    this.finishLine();
    this.line(message);
  }

  /** "phase [####....]  42% detail", the bar shrinking (then going) to fit the terminal's width. */
  private fit(done: number, detail: string): string {
    const width = Math.max(20, (this.out.columns || 80) - 1);
    let text: string;
    if (this.total <= 0) text = `${this.phase} ${detail}`;
    else {
      const ratio = Math.min(1, Math.max(0, done / this.total));
      const pct = `${String(Math.floor(ratio * 100)).padStart(3)}%`;
      // A width that does not depend on the detail, so the bar does not jitter as the detail changes.
      const room = Math.min(BAR_WIDTH, width - this.phase.length - pct.length - DETAIL_ROOM);
      const full = Math.round(ratio * Math.max(room, 0));
      text = room >= 10 ? `${this.phase} [${'#'.repeat(full)}${'.'.repeat(room - full)}] ${pct} ${detail}` : `${this.phase} ${pct} ${detail}`;
    }
    return text.length > width ? text.slice(0, width - 1) + '…' : text;
  }

  private finishLine(): void {
    if (this.tty && this.drawn) {
      this.out.write('\r\x1b[K');
      this.drawn = false;
    }
  }

  private line(text: string): void {
    if (!this.enabled) return;
    const stamp = this.tty ? '' : `${new Date().toISOString().slice(11, 19)} `;
    this.out.write(`${stamp}${text}\n`);
  }
}
