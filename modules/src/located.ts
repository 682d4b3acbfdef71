// A list of tenant specs that knows where each value came from, so every later check (the schema,
// fleet-wide uniqueness) can point at the input the user wrote.
import type { TenantSpec } from './spec-types';
import type { IssueLocation, SpecIssue } from './errors';
import type { SchemaProblem } from './schema';

export interface LocatedTenants {
  readonly tenants: readonly TenantSpec[];
  /** Where `tenants[index]`, at `pointer` inside it (e.g. ['database', 'name']), was written. */
  locate(index: number, pointer: readonly string[]): IssueLocation;
}

export function pathText(pointer: readonly string[]): string {
  return pointer.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : /^\d+$/.test(p) ? `[${p}]` : `[${JSON.stringify(p)}]`)).join('');
}

/** Tenants given as an array in code: locations are paths like `tenants[3].database.name`. */
export function locatedArray(tenants: readonly TenantSpec[], source = 'tenants'): LocatedTenants {
  return {
    tenants,
    locate: (index, pointer) => ({ source, path: `${source}[${index}]${pathText(pointer)}` }),
  };
}

/** Schema problems of a `{ defaults, tenants }` document, placed with `located`. */
export function placeProblems(problems: readonly SchemaProblem[], located: LocatedTenants): SpecIssue[] {
  return problems.map((p) => {
    const [top, index, ...rest] = p.pointer;
    if (top === 'tenants' && index !== undefined && /^\d+$/.test(index)) return { location: located.locate(Number(index), rest), message: p.message };
    return { location: { source: 'defaults', path: `defaults${pathText(p.pointer.slice(1))}` }, message: p.message };
  });
}
