// DynamicValue.json and RawState.json: cty values <-> JSON as go-cty's cty/json writes and reads
// them. Terraform only sends JSON for UpgradeResourceState/MoveResourceState raw state (the
// stored state attributes, written for the *old* schema), so decoding must be lossless for
// numbers (state may hold 123456789012345678901234567890.5) and tolerant like ctyjson: absent
// object attributes become null, strings/numbers/bools convert where cty's converter would.

import { CtyDecodeError, CtyEncodeError, CtyTypeError } from './errors';
import { numberToString, parseNumberText } from './numbers';
import { attributeType, compareUtf8, friendlyTypeName, parseTypeJson, quoteJsonString, sortedAttributeNames, typeEquals, typeToJsonText, type CtyType } from './types';
import { CtyDynamic, CtyNumber, dedupeSet, getAttr, isRecord, newRecord, setAttr, Unknown, unwrapDynamic, type CtyValue } from './values';

export interface DecodeJsonOptions {
  /**
   * Drop object attributes the type does not declare instead of failing (useful when reading
   * state written by an older schema that had more attributes). Default false, as in go-cty.
   */
  readonly ignoreUndefinedAttributes?: boolean;
}

type LosslessJson = typeof import('lossless-json');
let losslessJson: LosslessJson | undefined;

/** Loaded on first use: only state upgrades need JSON, and every provider start counts. */
function lossless(): LosslessJson {
  losslessJson ??= require('lossless-json') as LosslessJson;
  return losslessJson;
}

/** A JSON number kept as its source text until the schema says what it is. */
class JsonNumberText {
  constructor(readonly text: string) {}
}

/** Parses JSON text (or UTF-8 bytes) as a value of `type`. Throws CtyDecodeError with a path. */
export function decodeJson(text: string | Uint8Array, type: CtyType, options: DecodeJsonOptions = {}): CtyValue {
  let source = typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  let json: unknown;
  try {
    json = lossless().parse(source, null, {
      parseNumber: (s: string) => new JsonNumberText(s),
      onDuplicateKey: (info) => info.newValue, // encoding/json keeps the last duplicate
    });
  } catch (err) {
    throw new CtyDecodeError(`invalid JSON: ${(err as Error).message}`);
  }
  return fromJson(json, type, [], options);
}

function isJsonObject(j: unknown): j is Record<string, unknown> {
  return typeof j === 'object' && j !== null && !Array.isArray(j) && !(j instanceof JsonNumberText);
}

function describeJson(j: unknown): string {
  if (j === null) return 'null';
  if (Array.isArray(j)) return 'an array';
  if (j instanceof JsonNumberText) return 'a number';
  return typeof j === 'object' ? 'an object' : `a ${typeof j}`;
}

function fromJson(j: unknown, type: CtyType, path: (string | number)[], options: DecodeJsonOptions): CtyValue {
  if (j === null || j === undefined) return null;
  const fail = (detail: string) => new CtyDecodeError(`${detail}, got ${describeJson(j)}`, path);
  switch (type.kind) {
    case 'dynamic': {
      if (!isJsonObject(j)) throw fail('a {"value": ..., "type": ...} object is required for a dynamic value');
      for (const key of Object.keys(j)) {
        if (key !== 'value' && key !== 'type') throw new CtyDecodeError(`invalid key ${JSON.stringify(key)} in dynamically-typed value`, path);
      }
      if (!Object.hasOwn(j, 'type')) throw new CtyDecodeError('missing type in dynamically-typed value', path);
      if (!Object.hasOwn(j, 'value')) throw new CtyDecodeError('missing value in dynamically-typed value', path);
      let inner: CtyType;
      try {
        inner = parseTypeJson(j.type);
      } catch (err) {
        if (err instanceof CtyTypeError) throw new CtyDecodeError(`invalid type in dynamically-typed value: ${err.message}`, path);
        throw err;
      }
      return new CtyDynamic(inner, fromJson(j.value, inner, path, options));
    }
    case 'string':
      if (typeof j === 'string') return j;
      if (j instanceof JsonNumberText) return j.text;
      if (typeof j === 'boolean') return j ? 'true' : 'false';
      throw fail('a string is required');
    case 'number': {
      const text = j instanceof JsonNumberText ? j.text : typeof j === 'string' ? j : undefined;
      if (text === undefined) throw fail('a number is required');
      const n = parseNumberText(text);
      if (n === undefined) throw new CtyDecodeError(`a number is required, got ${JSON.stringify(text.slice(0, 40))}`, path);
      return n;
    }
    case 'bool':
      if (typeof j === 'boolean') return j;
      // cty's string-to-bool conversion accepts exactly these spellings.
      if (j === 'true' || j === '1') return true;
      if (j === 'false' || j === '0') return false;
      throw fail('a bool is required');
    case 'list':
    case 'set': {
      if (!Array.isArray(j)) throw fail(`a JSON array is required for ${friendlyTypeName(type)}`);
      const out = j.map((e: unknown, i) => fromJson(e, type.element, [...path, i], options));
      return type.kind === 'set' ? dedupeSet(out, type.element) : out;
    }
    case 'tuple': {
      if (!Array.isArray(j)) throw fail(`a JSON array is required for ${friendlyTypeName(type)}`);
      if (j.length !== type.elements.length) {
        throw new CtyDecodeError(`${j.length < type.elements.length ? 'not enough' : 'too many'} tuple elements (need ${type.elements.length})`, path);
      }
      return j.map((e: unknown, i) => fromJson(e, type.elements[i]!, [...path, i], options));
    }
    case 'map': {
      if (!isJsonObject(j)) throw fail(`a JSON object is required for ${friendlyTypeName(type)}`);
      const out = newRecord();
      for (const key of Object.keys(j)) setAttr(out, key, fromJson(j[key], type.element, [...path, key], options));
      return out;
    }
    case 'object': {
      if (!isJsonObject(j)) throw fail('a JSON object is required for an object');
      const out = newRecord();
      for (const key of Object.keys(j)) {
        const aty = attributeType(type, key);
        if (!aty) {
          if (options.ignoreUndefinedAttributes) continue;
          throw new CtyDecodeError(`unsupported attribute ${JSON.stringify(key)}`, path);
        }
        setAttr(out, key, fromJson(j[key], aty, [...path, key], options));
      }
      // ctyjson fills every attribute the JSON leaves out with null.
      for (const name of Object.keys(type.attributes)) if (!Object.hasOwn(out, name)) setAttr(out, name, null);
      return out;
    }
  }
}

// =============================================================================================
// Encoding

/** JSON bytes (UTF-8) for `value` of `type`; unknowns are not representable and throw. */
export function encodeJson(value: CtyValue, type: CtyType): Uint8Array {
  // TextEncoder gives a standalone array (Buffer.from would hand out a view into a shared pool).
  return new TextEncoder().encode(encodeJsonText(value, type));
}

/** The same as encodeJson but as a string. Output matches go-cty's ctyjson.Marshal. */
export function encodeJsonText(value: CtyValue, type: CtyType): string {
  const parts: string[] = [];
  writeJson(parts, value, type, []);
  return parts.join('');
}

function writeJson(out: string[], value: CtyValue | undefined, type: CtyType, path: (string | number)[]): void {
  if (type.kind === 'dynamic') {
    if (value === null || value === undefined) {
      out.push('null');
      return;
    }
    if (value instanceof Unknown) throw new CtyEncodeError('value is not known; JSON cannot represent unknown values', path);
    const d = unwrapDynamic(value);
    if (d.type.kind === 'dynamic') return writeJson(out, d.value, d.type, path);
    out.push('{"value":');
    writeJson(out, d.value, d.type, path);
    out.push(`,"type":${typeToJsonText(d.type)}}`);
    return;
  }
  if (value === null || value === undefined) {
    out.push('null');
    return;
  }
  if (value instanceof Unknown) throw new CtyEncodeError('value is not known; JSON cannot represent unknown values', path);
  if (value instanceof CtyDynamic) {
    if (!typeEquals(value.type, type)) throw new CtyEncodeError(`a value of ${friendlyTypeName(type)} is required, got a dynamic value of ${friendlyTypeName(value.type)}`, path);
    return writeJson(out, value.value, type, path);
  }
  const mismatch = (what: string) => new CtyEncodeError(`${what} is required for ${friendlyTypeName(type)}`, path);
  switch (type.kind) {
    case 'string':
      if (typeof value !== 'string') throw mismatch('a string');
      out.push(quoteJsonString(value));
      return;
    case 'bool':
      if (typeof value !== 'boolean') throw mismatch('a boolean');
      out.push(value ? 'true' : 'false');
      return;
    case 'number': {
      if (typeof value !== 'number' && !(value instanceof CtyNumber)) throw mismatch('a number');
      let text: string;
      try {
        text = numberToString(value);
      } catch (err) {
        throw new CtyEncodeError((err as Error).message, path);
      }
      if (text === 'Infinity' || text === '-Infinity') throw new CtyEncodeError('infinity cannot be represented in JSON', path);
      out.push(text);
      return;
    }
    case 'list':
    case 'set':
    case 'tuple': {
      if (!Array.isArray(value)) throw mismatch('an array');
      if (type.kind === 'tuple' && value.length !== type.elements.length) {
        throw new CtyEncodeError(`a tuple of ${type.elements.length} elements is required (${value.length} given)`, path);
      }
      const elements = type.kind === 'set' ? dedupeSet(value, type.element) : value;
      out.push('[');
      for (let i = 0; i < elements.length; i++) {
        if (i > 0) out.push(',');
        path.push(i);
        writeJson(out, elements[i], type.kind === 'tuple' ? type.elements[i]! : type.element, path);
        path.pop();
      }
      out.push(']');
      return;
    }
    case 'map':
    case 'object': {
      if (!isRecord(value)) throw mismatch('an object');
      let names: readonly string[];
      if (type.kind === 'object') {
        for (const key of Object.keys(value)) {
          if (!attributeType(type, key)) throw new CtyEncodeError(`unsupported attribute ${JSON.stringify(key)} for ${friendlyTypeName(type)}`, [...path, key]);
        }
        names = sortedAttributeNames(type);
      } else names = Object.keys(value).sort(compareUtf8);
      out.push('{');
      names.forEach((name, i) => {
        if (i > 0) out.push(',');
        out.push(`${quoteJsonString(name)}:`);
        path.push(name);
        writeJson(out, getAttr(value, name), type.kind === 'object' ? type.attributes[name]! : type.element, path);
        path.pop();
      });
      out.push('}');
      return;
    }
  }
}
