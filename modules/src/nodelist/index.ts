// Reading a VMoodle-style CSV nodelist into validated tenant specs. Everything wrong with the file is
// reported at once, each problem with its line and column.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseCsv } from './csv';
import { mapRows } from './columns';
import { checkNodelistDocument } from '../schema';
import { placeProblems, type LocatedTenants } from '../located';
import { SpecError, type IssueLocation } from '../errors';

export { parseVhostname, REQUIRED_COLUMNS } from './columns';

export interface NodelistOptions {
  /** Name used in messages (default: the file path, or "nodelist.csv" for text). */
  readonly source?: string;
  /** Field separator (default `;`, as VMoodle). */
  readonly separator?: string;
  /** Folder relative vtemplate paths are resolved against (default: the file's folder). */
  readonly baseDir?: string;
}

/** Parses nodelist text; throws SpecError naming line and column for every problem. */
export function parseNodelist(text: string, opts: NodelistOptions = {}): LocatedTenants {
  const source = opts.source ?? 'nodelist.csv';
  const csv = parseCsv(text, { source, separator: opts.separator });
  if (!csv.table) throw new SpecError(csv.issues);
  const mapped = mapRows(csv.table, { baseDir: opts.baseDir });
  const rows = mapped.rows;
  const located: LocatedTenants = {
    tenants: rows.map((r) => r.spec),
    locate(index, pointer): IssueLocation {
      const row = rows[index]!;
      for (let n = pointer.length; n > 0; n--) {
        const column = row.origins.get(pointer.slice(0, n).join('/'));
        if (column) return { source, line: row.line, column: column.column, columnName: column.name };
      }
      return { source, line: row.line };
    },
  };
  const issues = [...csv.issues, ...mapped.issues];
  // A cell the mapper refused is missing from the spec; the schema would report it a second time
  // (as a missing value, placed on the line only), so those reports are dropped.
  const refused = new Set(mapped.issues.map((i) => i.location.line));
  const problems = placeProblems(checkNodelistDocument({ tenants: located.tenants }), located);
  issues.push(...problems.filter((p) => p.location.column !== undefined || !refused.has(p.location.line)));
  if (issues.length > 0) {
    issues.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 0) - (b.location.column ?? 0));
    throw new SpecError(issues);
  }
  return located;
}

/** Reads and parses a nodelist file (UTF-8). */
export function readNodelist(path: string, opts: NodelistOptions = {}): LocatedTenants {
  return parseNodelist(readFileSync(path, 'utf8'), { source: path, baseDir: dirname(resolve(path)), ...opts });
}
