// Generic planning rules every resource shares, derived from its schema table: defaults, unknown
// computed values on create, write-only values kept out of the plan, replacement paths, validators.
import { type CtyValue, UNKNOWN, isUnknown, ctyEquals } from '../plugin/cty';
import { type Attributes, attributeType, isNested } from './schema';
import type { Diagnostics, Path } from './diagnostics';

export type ObjectValue = Record<string, CtyValue>;

export function isObject(v: CtyValue | undefined): v is ObjectValue {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || isUnknown(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Fills the planned object in place: defaults where config is null, unknown for computed values of
 * a new object, the prior value for computed values of an existing one, null for write-only values.
 */
export function planAttributes(attributes: Attributes, planned: ObjectValue, config: ObjectValue | null, prior: ObjectValue | null): void {
  for (const [name, a] of Object.entries(attributes)) {
    const cfg = config ? config[name] ?? null : null;
    if (a.writeOnly) {
      planned[name] = null;
      continue;
    }
    if (cfg === null) {
      if (a.default !== undefined) planned[name] = a.default;
      else if (a.computed) planned[name] = prior ? prior[name] ?? null : UNKNOWN;
      else planned[name] = null;
      continue;
    }
    if (isNested(a) && a.nested.nesting === 'single' && isObject(cfg)) {
      const sub = isObject(planned[name]) ? { ...(planned[name] as ObjectValue) } : { ...cfg };
      const priorSub = prior && isObject(prior[name]) ? (prior[name] as ObjectValue) : null;
      planAttributes(a.nested.attributes, sub, cfg, priorSub);
      planned[name] = sub;
    }
  }
}

/** Paths whose change forces replacement, for Terraform's requires_replace. */
export function replacementPaths(attributes: Attributes, prior: ObjectValue, planned: ObjectValue, base: Path = []): Path[] {
  const out: Path[] = [];
  for (const [name, a] of Object.entries(attributes)) {
    const before = prior[name] ?? null;
    const after = planned[name] ?? null;
    if (a.requiresReplace && !ctyEquals(before, after, attributeType(a))) out.push([...base, name]);
    if (isNested(a) && a.nested.nesting === 'single' && isObject(before) && isObject(after)) {
      out.push(...replacementPaths(a.nested.attributes, before, after, [...base, name]));
    }
  }
  return out;
}

/** Runs every attribute's validators on known, non-null values (config may hold unknowns). */
export function validateAttributes(attributes: Attributes, config: ObjectValue, diags: Diagnostics, base: Path = []): void {
  for (const [name, a] of Object.entries(attributes)) {
    const value = config[name] ?? null;
    const path = [...base, name];
    if (value === null || isUnknown(value)) {
      if (value === null && a.required) diags.error(`Missing required argument "${name}"`, `The argument "${path.join('.')}" is required.`, path);
      continue;
    }
    for (const check of a.validate ?? []) {
      const problem = check(value, path);
      if (problem) diags.error(`Invalid ${path.join('.')}`, problem, path);
    }
    if (isNested(a) && a.nested.nesting === 'single' && isObject(value)) {
      validateAttributes(a.nested.attributes, value, diags, path);
    }
  }
}

/** A deep copy good enough for plain cty values (Unknown markers are immutable and shared). */
export function copyObject(v: ObjectValue): ObjectValue {
  const out: ObjectValue = {};
  for (const [k, x] of Object.entries(v)) out[k] = isObject(x) ? copyObject(x) : Array.isArray(x) ? [...x] : x;
  return out;
}
