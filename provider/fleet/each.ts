// Runs one operation on many tenants, a few at a time. One tenant's failure never hides the
// others' results: every outcome is returned, named by tenant, for the resource to record.
import type { TenantRow } from '../../registry/writer';

export interface TenantOutcome<T> {
  row: TenantRow;
  ok: boolean;
  value?: T;
  error?: string;
}

export async function forEachTenant<T>(rows: readonly TenantRow[], fn: (row: TenantRow) => Promise<T>, concurrency = 8): Promise<TenantOutcome<T>[]> {
  const out: TenantOutcome<T>[] = new Array(rows.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const i = next++;
      const row = rows[i]!;
      try {
        out[i] = { row, ok: true, value: await fn(row) };
      } catch (err) {
        out[i] = { row, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  return out;
}

/** One error line per failed tenant, for a diagnostic's detail. */
export function describeFailures<T>(outcomes: readonly TenantOutcome<T>[]): string {
  return outcomes
    .filter((o) => !o.ok)
    .map((o) => `- ${o.row.host} (${o.row.id}): ${o.error}`)
    .join('\n');
}
