// Summary lines: every hardening file prints what it tried and what it found, in one greppable
// format (`[hardening] <area>: key=value ...`), so CI logs and docs/reliability.md quote the figures.
import type { Figures } from './load-protocol';

export function summary(area: string, fields: Record<string, string | number | boolean>): void {
  const text = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  console.log(`[hardening] ${area}: ${text}`);
}

export function figuresLine(area: string, phase: string, f: Figures): void {
  summary(area, { phase, sent: f.sent, correct: f.correct, wrong: f.wrong, errors: f.errors, unavailable: f.unavailable });
}
