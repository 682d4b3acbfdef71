// Typed reads of decoded cty objects, so resource code never handles raw `CtyValue`s at its edges.
import { type CtyValue, isUnknown, CtyNumber } from '../plugin/cty';
import { isObject, type ObjectValue } from './plan';

export class ValueTypeError extends Error {
  override name = 'ValueTypeError';
}

function known(obj: ObjectValue, key: string): CtyValue {
  const v = obj[key] ?? null;
  if (isUnknown(v)) throw new ValueTypeError(`${key} is not known yet`);
  return v;
}

export function isKnown(obj: ObjectValue, key: string): boolean {
  return !isUnknown(obj[key] ?? null);
}

export function str(obj: ObjectValue, key: string): string | null {
  const v = known(obj, key);
  if (v === null) return null;
  if (typeof v !== 'string') throw new ValueTypeError(`${key} must be a string`);
  return v;
}

export function reqStr(obj: ObjectValue, key: string): string {
  const v = str(obj, key);
  if (v === null) throw new ValueTypeError(`${key} must be set`);
  return v;
}

export function bool(obj: ObjectValue, key: string): boolean | null {
  const v = known(obj, key);
  if (v === null) return null;
  if (typeof v !== 'boolean') throw new ValueTypeError(`${key} must be a bool`);
  return v;
}

export function num(obj: ObjectValue, key: string): number | null {
  const v = known(obj, key);
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (v instanceof CtyNumber) return Number(v.decimal);
  throw new ValueTypeError(`${key} must be a number`);
}

export function obj(o: ObjectValue, key: string): ObjectValue | null {
  const v = known(o, key);
  if (v === null) return null;
  if (!isObject(v)) throw new ValueTypeError(`${key} must be an object`);
  return v;
}

export function stringMap(o: ObjectValue, key: string): Record<string, string> | null {
  const v = known(o, key);
  if (v === null) return null;
  if (!isObject(v)) throw new ValueTypeError(`${key} must be a map`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new ValueTypeError(`${key}.${k} must be a string`);
    out[k] = x;
  }
  return out;
}

export function stringList(o: ObjectValue, key: string): string[] | null {
  const v = known(o, key);
  if (v === null) return null;
  if (!Array.isArray(v)) throw new ValueTypeError(`${key} must be a list`);
  return v.map((x, i) => {
    if (typeof x !== 'string') throw new ValueTypeError(`${key}[${i}] must be a string`);
    return x;
  });
}
