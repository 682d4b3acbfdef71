// Input problems found before anything is synthesised. Every issue says where it is, in the terms
// of the input the user wrote: a CSV line and column, or a path into the array they passed.

export interface IssueLocation {
  /** File name (or a label such as "tenants") the input came from. */
  readonly source: string;
  /** 1-based line in a CSV nodelist. */
  readonly line?: number;
  /** 1-based column (field number) in a CSV nodelist. */
  readonly column?: number;
  /** Header name of that column. */
  readonly columnName?: string;
  /** Path into structured input, e.g. `tenants[3].database.name`. */
  readonly path?: string;
}

export interface SpecIssue {
  readonly location: IssueLocation;
  readonly message: string;
}

export function formatLocation(loc: IssueLocation): string {
  if (loc.line !== undefined) {
    let where = `${loc.source} line ${loc.line}`;
    if (loc.column !== undefined) where += `, column ${loc.column}${loc.columnName ? ` (${loc.columnName})` : ''}`;
    return where;
  }
  return loc.path ? `${loc.source === loc.path.split(/[.[]/)[0] ? '' : `${loc.source}: `}${loc.path}` : loc.source;
}

/** How many issues a message lists before summarising the rest: enough to fix a file in one go. */
const LISTED = 50;

/** Thrown (at construction, so before synth writes anything) when a spec or nodelist is invalid. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(readonly issues: readonly SpecIssue[]) {
    const lines = issues.slice(0, LISTED).map((i) => `  ${formatLocation(i.location)}: ${i.message}`);
    if (issues.length > LISTED) lines.push(`  ... and ${issues.length - LISTED} more`);
    super(`${issues.length === 1 ? 'Invalid tenant spec' : `${issues.length} problems in the tenant spec`}:\n${lines.join('\n')}`);
  }
}
