// One Terraform value from many tenants. A fleet resource stores a single value per setting while
// each tenant has its own copy; on refresh we report, per setting, the first tenant value that
// differs from what was applied (so the plan shows exactly that setting changing back), and the
// applied value when every tenant still agrees with it. Pure functions.

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

/** The first observed value that differs from `applied`, else `applied`. */
export function foldValue<T>(applied: T, observed: readonly T[], equal: (a: T, b: T) => boolean = Object.is): T {
  for (const v of observed) if (!equal(v, applied)) return v;
  return applied;
}

/**
 * capability → permission across tenants. Each tenant's map holds its stored rows only, so a missing
 * key reads as `inherit`. In exact mode a capability some tenant grants but the configuration does
 * not list is added (with that tenant's value): the plan then shows it being removed.
 */
export function foldPermissions(applied: Readonly<Record<string, string>>, observed: ReadonlyArray<Readonly<Record<string, string>>>, exact: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [capability, want] of Object.entries(applied)) {
    out[capability] = foldValue(want, observed.map((o) => o[capability] ?? 'inherit'));
  }
  if (exact) {
    for (const o of observed) {
      for (const [capability, have] of Object.entries(o)) if (!(capability in out)) out[capability] = have;
    }
  }
  return out;
}

/** capability → tenant id → permission for every capability some tenant stores; `inherit` where a tenant has no row. */
export function permissionMatrix(byTenant: ReadonlyMap<string, Readonly<Record<string, string>>>): Map<string, Map<string, string>> {
  const capabilities = new Set<string>();
  for (const perms of byTenant.values()) for (const c of Object.keys(perms)) capabilities.add(c);
  const out = new Map<string, Map<string, string>>();
  for (const c of [...capabilities].sort()) {
    out.set(c, new Map([...byTenant].map(([tenant, perms]) => [tenant, perms[c] ?? 'inherit'])));
  }
  return out;
}

/** The capabilities whose permission is not the same on every tenant. */
export function differingCapabilities(matrix: ReadonlyMap<string, ReadonlyMap<string, string>>): string[] {
  return [...matrix].filter(([, perTenant]) => new Set(perTenant.values()).size > 1).map(([c]) => c);
}
