// Percentiles and formatting for the benches.
export interface LatencyStats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

/** Nearest-rank percentiles of samples in microseconds. */
export function latencyStats(samplesUs: readonly number[]): LatencyStats {
  const s = [...samplesUs].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  return { n: s.length, p50: at(50), p99: at(99), mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length) };
}

export function fmtUs(us: number): string {
  if (us >= 1000) return `${(us / 1000).toFixed(2)} ms`;
  if (us >= 10) return `${us.toFixed(1)} µs`;
  return `${us.toFixed(2)} µs`;
}
