// JS representation of cty values.
//
//   null -> null            string -> string          bool -> boolean
//   number -> number | CtyNumber (exact decimal when a double cannot carry it; see numbers.ts)
//   list / set / tuple -> array         map / object -> plain object (own enumerable keys)
//   unknown -> Unknown (optionally refined)      value of a `dynamic` slot -> CtyDynamic
//
// Records are ordinary objects so deepStrictEqual and spreading work; keys are always written
// with setAttr (so `__proto__` becomes an own property) and read with getAttr (own keys only,
// so `constructor` or `toString` never come from Object.prototype).

import { CtyNumber, numbersEqual, numberToString, type NumberValue } from './numbers';
import {
  attributeType,
  compareUtf8,
  ctyBool,
  ctyDynamic,
  ctyNumber,
  ctyString,
  isCollectionType,
  sortedAttributeNames,
  typeEquals,
  typeToJsonText,
  type CtyType,
} from './types';

export { CtyNumber, toNumberExact, numberToString, numbersEqual, type NumberValue } from './numbers';

/** Refinements Terraform may attach to an unknown value (msgpack ext 12). */
export interface Refinements {
  /** The final value is definitely not null. */
  readonly notNull?: boolean;
  /** (string) the final value starts with this text. */
  readonly stringPrefix?: string;
  /** (number) lower bound and whether it is inclusive. */
  readonly numberLower?: readonly [NumberValue, boolean];
  /** (number) upper bound and whether it is inclusive. */
  readonly numberUpper?: readonly [NumberValue, boolean];
  /** (list/set/map) inclusive bounds on the number of elements. */
  readonly lengthMin?: number;
  readonly lengthMax?: number;
}

/** A value that will only be known after apply. */
export class Unknown {
  constructor(readonly refinements?: Refinements) {}
}

/** The wholly unknown value (no refinements). */
export const UNKNOWN: Unknown = Object.freeze(new Unknown());

/** A value in a `dynamic` slot, carrying the concrete type it travels with. */
export class CtyDynamic {
  constructor(
    readonly type: CtyType,
    readonly value: CtyValue,
  ) {}
}

export interface CtyRecord {
  [key: string]: CtyValue;
}
export type CtyValue = null | string | boolean | number | CtyNumber | Unknown | CtyDynamic | CtyValue[] | CtyRecord;

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

export function isNumberValue(v: unknown): v is NumberValue {
  return typeof v === 'number' || v instanceof CtyNumber;
}

/** A plain record (map/object value): not null, not an array, not one of our classes. */
export function isRecord(v: unknown): v is CtyRecord {
  if (typeof v !== 'object' || v === null) return false;
  // Plain objects only: a Map, Date or Buffer must not silently encode as an empty map.
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A fresh record for map/object values. */
export function newRecord(): CtyRecord {
  return {};
}

/** Own-key read: undefined when the key is absent (never an inherited property). */
export function getAttr(record: CtyRecord, key: string): CtyValue | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Write that stores `__proto__` as an ordinary own key. */
export function setAttr(record: CtyRecord, key: string, value: CtyValue): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}

/** Builds a record from entries, safely. */
export function recordFrom(entries: Iterable<readonly [string, CtyValue]>): CtyRecord {
  const out = newRecord();
  for (const [k, v] of entries) setAttr(out, k, v);
  return out;
}

/** True when neither the value nor anything inside it is unknown. */
export function isWhollyKnown(v: CtyValue | undefined): boolean {
  if (v === null || v === undefined || typeof v !== 'object') return true;
  if (v instanceof Unknown) return false;
  if (v instanceof CtyNumber) return true;
  if (v instanceof CtyDynamic) return isWhollyKnown(v.value);
  if (Array.isArray(v)) return v.every(isWhollyKnown);
  for (const key of Object.keys(v)) if (!isWhollyKnown(v[key])) return false;
  return true;
}

/** Deep copy of arrays and records; the immutable classes are shared, CtyDynamic is rebuilt. */
export function deepClone<T extends CtyValue>(v: T): T;
export function deepClone(v: CtyValue): CtyValue {
  if (v === null || typeof v !== 'object' || v instanceof Unknown || v instanceof CtyNumber) return v;
  if (v instanceof CtyDynamic) return new CtyDynamic(v.type, deepClone(v.value));
  if (Array.isArray(v)) return v.map((e) => deepClone(e));
  const out = newRecord();
  for (const key of Object.keys(v)) setAttr(out, key, deepClone(v[key]!));
  return out;
}

/**
 * The type a value implies on its own, as ctyjson's ImpliedType would: arrays are tuples,
 * records objects; unknown and null give `dynamic`. Used for plain values in a dynamic slot.
 */
export function impliedType(v: CtyValue | undefined): CtyType {
  if (v === null || v === undefined || v instanceof Unknown) return ctyDynamic;
  if (typeof v === 'string') return ctyString;
  if (typeof v === 'boolean') return ctyBool;
  if (typeof v === 'number' || v instanceof CtyNumber) return ctyNumber;
  if (v instanceof CtyDynamic) return v.type;
  if (Array.isArray(v)) return { kind: 'tuple', elements: v.map(impliedType) };
  const attrs: Record<string, CtyType> = {};
  for (const key of Object.keys(v)) {
    const t = impliedType(v[key]);
    if (key === '__proto__') Object.defineProperty(attrs, key, { value: t, writable: true, enumerable: true, configurable: true });
    else attrs[key] = t;
  }
  return { kind: 'object', attributes: attrs };
}

/** Splits a value in a dynamic slot into its concrete type and value (null/unknown stay dynamic). */
export function unwrapDynamic(v: CtyValue): { type: CtyType; value: CtyValue } {
  if (v instanceof CtyDynamic) return v.type.kind === 'dynamic' ? unwrapDynamic(v.value) : { type: v.type, value: v.value };
  return { type: impliedType(v), value: v };
}

/**
 * Structural equality of two values of `type` (cty RawEquals): unknowns are equal only to unknowns
 * with the same refinements, numbers compare exactly across number/CtyNumber, sets ignore order,
 * a missing object attribute equals null.
 */
export function ctyEquals(a: CtyValue | undefined, b: CtyValue | undefined, type: CtyType): boolean {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (type.kind === 'dynamic') {
    if (x === null || y === null) return x === y;
    if (x instanceof Unknown || y instanceof Unknown) return x instanceof Unknown && y instanceof Unknown && refinementsEqual(x, y);
    const da = unwrapDynamic(x);
    const db = unwrapDynamic(y);
    return typeEquals(da.type, db.type) && ctyEquals(da.value, db.value, da.type);
  }
  // A CtyDynamic sitting in a typed slot is compared by its content.
  if (x instanceof CtyDynamic) return ctyEquals(x.value, y, type);
  if (y instanceof CtyDynamic) return ctyEquals(x, y.value, type);
  if (x === null || y === null) return x === y;
  if (x instanceof Unknown || y instanceof Unknown) return x instanceof Unknown && y instanceof Unknown && refinementsEqual(x, y);
  switch (type.kind) {
    case 'string':
    case 'bool':
      return x === y;
    case 'number':
      return isNumberValue(x) && isNumberValue(y) && numbersEqual(x, y);
    case 'list':
      return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((e, i) => ctyEquals(e, y[i], type.element));
    case 'tuple':
      return (
        Array.isArray(x) && Array.isArray(y) && x.length === type.elements.length && y.length === type.elements.length && x.every((e, i) => ctyEquals(e, y[i], type.elements[i]!))
      );
    case 'set':
      return Array.isArray(x) && Array.isArray(y) && setsEqual(x, y, type.element);
    case 'map': {
      if (!isRecord(x) || !isRecord(y)) return false;
      const keys = Object.keys(x);
      if (keys.length !== Object.keys(y).length) return false;
      return keys.every((k) => Object.hasOwn(y, k) && ctyEquals(x[k], y[k], type.element));
    }
    case 'object': {
      if (!isRecord(x) || !isRecord(y)) return false;
      return Object.keys(type.attributes).every((k) => ctyEquals(getAttr(x, k), getAttr(y, k), attributeType(type, k)!));
    }
  }
}

function refinementsEqual(a: Unknown, b: Unknown): boolean {
  const ra = a.refinements ?? {};
  const rb = b.refinements ?? {};
  const boundEq = (p?: readonly [NumberValue, boolean], q?: readonly [NumberValue, boolean]) =>
    p === undefined || q === undefined ? p === q : p[1] === q[1] && numbersEqual(p[0], q[0]);
  return (
    (ra.notNull ?? false) === (rb.notNull ?? false) &&
    (ra.stringPrefix ?? '') === (rb.stringPrefix ?? '') &&
    boundEq(ra.numberLower, rb.numberLower) &&
    boundEq(ra.numberUpper, rb.numberUpper) &&
    (ra.lengthMin ?? 0) === (rb.lengthMin ?? 0) &&
    ra.lengthMax === rb.lengthMax
  );
}

/** Sets as multisets of canonical keys: O(n log n) and independent of element order. */
function setsEqual(a: CtyValue[], b: CtyValue[], element: CtyType): boolean {
  if (a.length !== b.length) return false;
  const ka = a.map((e) => canonicalKey(e, element)).sort();
  const kb = b.map((e) => canonicalKey(e, element)).sort();
  return ka.every((k, i) => k === kb[i]);
}

/**
 * A string that is equal for two values exactly when ctyEquals says they are equal: numbers in
 * canonical decimal, records by sorted keys, nested sets sorted. Used for set comparison and
 * de-duplication.
 */
export function canonicalKey(v: CtyValue | undefined, type: CtyType): string {
  if (v === undefined || v === null) return 'N';
  if (type.kind === 'dynamic') {
    if (v instanceof Unknown) return unknownKey(v);
    const d = unwrapDynamic(v);
    return `D${JSON.stringify(typeToJsonText(d.type))}${canonicalKey(d.value, d.type)}`;
  }
  if (v instanceof CtyDynamic) return canonicalKey(v.value, type);
  if (v instanceof Unknown) return unknownKey(v);
  switch (type.kind) {
    case 'string':
      return typeof v === 'string' ? `S${JSON.stringify(v)}` : `!${String(v)}`;
    case 'bool':
      return v === true ? 'T' : v === false ? 'F' : '!';
    case 'number':
      return isNumberValue(v) ? `#${numberToString(v)}` : '!';
    case 'list':
    case 'tuple':
    case 'set': {
      if (!Array.isArray(v)) return '!';
      const keys = v.map((e, i) => canonicalKey(e, type.kind === 'tuple' ? (type.elements[i] ?? ctyDynamic) : type.element));
      if (type.kind === 'set') keys.sort();
      return `[${keys.join(',')}]`;
    }
    case 'map':
    case 'object': {
      if (!isRecord(v)) return '!';
      const names = type.kind === 'object' ? sortedAttributeNames(type) : Object.keys(v).sort(compareUtf8);
      const parts = names.map((n) => `${JSON.stringify(n)}:${canonicalKey(getAttr(v, n), type.kind === 'object' ? attributeType(type, n)! : type.element)}`);
      return `{${parts.join(',')}}`;
    }
  }
}

function unknownKey(u: Unknown): string {
  const r = u.refinements;
  if (!r) return '?';
  const bound = (b?: readonly [NumberValue, boolean]) => (b ? `${numberToString(b[0])}${b[1] ? 'i' : 'x'}` : '');
  return `?${r.notNull ? '!' : ''}|${JSON.stringify(r.stringPrefix ?? '')}|${bound(r.numberLower)}|${bound(r.numberUpper)}|${r.lengthMin ?? ''}|${r.lengthMax ?? ''}`;
}

/** Removes duplicate wholly-known set elements (cty sets hold each known value once). */
export function dedupeSet(elements: CtyValue[], element: CtyType): CtyValue[] {
  if (elements.length < 2) return elements;
  if (element.kind === 'string' || element.kind === 'bool' || element.kind === 'number') {
    // Fast path: primitives that JS compares like cty does (distinct doubles are distinct cty numbers; no CtyNumber).
    const simple = elements.every((e) => (element.kind === 'number' ? typeof e === 'number' : typeof e === element.kind));
    if (simple && new Set(elements).size === elements.length) return elements;
  }
  const seen = new Set<string>();
  const out: CtyValue[] = [];
  for (const e of elements) {
    if (!isWhollyKnown(e)) {
      out.push(e); // cty treats every unknown as possibly distinct
      continue;
    }
    const key = canonicalKey(e, element);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out.length === elements.length ? elements : out;
}

/** Refinements reduced to those go-cty accepts for `type` (others would make Terraform reject the value). */
export function applicableRefinements(r: Refinements | undefined, type: CtyType): Refinements | undefined {
  if (!r || type.kind === 'dynamic') return undefined;
  const out: { -readonly [K in keyof Refinements]: Refinements[K] } = {};
  if (r.notNull) out.notNull = true;
  if (type.kind === 'string' && r.stringPrefix) out.stringPrefix = r.stringPrefix;
  if (type.kind === 'number') {
    if (r.numberLower) out.numberLower = r.numberLower;
    if (r.numberUpper) out.numberUpper = r.numberUpper;
  }
  if (isCollectionType(type)) {
    if (r.lengthMin !== undefined && r.lengthMin > 0) out.lengthMin = r.lengthMin;
    if (r.lengthMax !== undefined) out.lengthMax = r.lengthMax;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
