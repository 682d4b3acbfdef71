// Terraform's (go-cty's) type system and its JSON type syntax, as used in Schema.Attribute.type
// and inside msgpack/JSON encodings of dynamically-typed values.

import { CtyTypeError } from './errors';

export interface StringType { readonly kind: 'string' }
export interface NumberType { readonly kind: 'number' }
export interface BoolType { readonly kind: 'bool' }
/** cty.DynamicPseudoType: the concrete type travels with the value. */
export interface DynamicType { readonly kind: 'dynamic' }
export interface ListType { readonly kind: 'list'; readonly element: CtyType }
export interface SetType { readonly kind: 'set'; readonly element: CtyType }
export interface MapType { readonly kind: 'map'; readonly element: CtyType }
export interface ObjectType {
  readonly kind: 'object';
  /** Own properties only; created without risk for names like `__proto__`. */
  readonly attributes: Readonly<Record<string, CtyType>>;
  /** Optional-attribute markers (`["object",{...},["a"]]`); kept for round trips, sorted. */
  readonly optional?: readonly string[];
}
export interface TupleType { readonly kind: 'tuple'; readonly elements: readonly CtyType[] }

export type CtyType = StringType | NumberType | BoolType | DynamicType | ListType | SetType | MapType | ObjectType | TupleType;
export type PrimitiveType = StringType | NumberType | BoolType;
export type CollectionType = ListType | SetType | MapType;

export const ctyString: StringType = Object.freeze({ kind: 'string' });
export const ctyNumber: NumberType = Object.freeze({ kind: 'number' });
export const ctyBool: BoolType = Object.freeze({ kind: 'bool' });
export const ctyDynamic: DynamicType = Object.freeze({ kind: 'dynamic' });

export function listOf(element: CtyType): ListType {
  return { kind: 'list', element };
}
export function setOf(element: CtyType): SetType {
  return { kind: 'set', element };
}
export function mapOf(element: CtyType): MapType {
  return { kind: 'map', element };
}
export function tupleOf(elements: readonly CtyType[]): TupleType {
  return { kind: 'tuple', elements: [...elements] };
}
/** Copies `attributes` into a fresh record so later mutation of the argument cannot change the type. */
export function objectOf(attributes: Readonly<Record<string, CtyType>>, optional?: readonly string[]): ObjectType {
  const attrs: Record<string, CtyType> = {};
  for (const name of Object.keys(attributes)) setOwnProperty(attrs, name, attributes[name]!);
  if (optional && optional.length > 0) {
    for (const name of optional) {
      if (!Object.hasOwn(attrs, name)) throw new CtyTypeError(`optional attribute ${JSON.stringify(name)} is not an attribute of the object type`);
    }
    return { kind: 'object', attributes: attrs, optional: [...new Set(optional)].sort(compareUtf8) };
  }
  return { kind: 'object', attributes: attrs };
}

export function isPrimitiveType(t: CtyType): t is PrimitiveType {
  return t.kind === 'string' || t.kind === 'number' || t.kind === 'bool';
}
export function isCollectionType(t: CtyType): t is CollectionType {
  return t.kind === 'list' || t.kind === 'set' || t.kind === 'map';
}

/** The type of attribute `name`, or undefined; never falls through to Object.prototype. */
export function attributeType(t: ObjectType, name: string): CtyType | undefined {
  return Object.hasOwn(t.attributes, name) ? t.attributes[name] : undefined;
}

const sortedNamesCache = new WeakMap<ObjectType, readonly string[]>();

/**
 * Attribute names in the order cty serialises them (byte-wise, like Go's sort.Strings). Cached
 * per type object, since every encode of an object needs them; types are treated as immutable.
 */
export function sortedAttributeNames(t: ObjectType): readonly string[] {
  let names = sortedNamesCache.get(t);
  if (!names) {
    names = Object.freeze(Object.keys(t.attributes).sort(compareUtf8));
    sortedNamesCache.set(t, names);
  }
  return names;
}

export function typeEquals(a: CtyType, b: CtyType): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case 'string':
    case 'number':
    case 'bool':
    case 'dynamic':
      return a.kind === b.kind;
    case 'list':
    case 'set':
    case 'map':
      return b.kind === a.kind && typeEquals(a.element, b.element);
    case 'tuple':
      return b.kind === 'tuple' && a.elements.length === b.elements.length && a.elements.every((e, i) => typeEquals(e, b.elements[i]!));
    case 'object': {
      if (b.kind !== 'object') return false;
      const names = Object.keys(a.attributes);
      if (names.length !== Object.keys(b.attributes).length) return false;
      for (const name of names) {
        const other = attributeType(b, name);
        if (!other || !typeEquals(a.attributes[name]!, other)) return false;
      }
      const ao = a.optional ?? [];
      const bo = b.optional ?? [];
      return ao.length === bo.length && ao.every((n) => bo.includes(n));
    }
  }
}

/** Human-readable type in Terraform's constraint syntax, for error messages. */
export function friendlyTypeName(t: CtyType): string {
  switch (t.kind) {
    case 'string':
    case 'number':
    case 'bool':
    case 'dynamic':
      return t.kind;
    case 'list':
    case 'set':
    case 'map':
      return `${t.kind}(${friendlyTypeName(t.element)})`;
    case 'tuple':
      return `tuple([${t.elements.map(friendlyTypeName).join(', ')}])`;
    case 'object':
      return `object({${sortedAttributeNames(t).map((n) => `${n}=${friendlyTypeName(t.attributes[n]!)}`).join(', ')}})`;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON type syntax

/** Parses an already-decoded JSON type description: `"string"`, `["list","string"]`, `["object",{...}]`... */
export function parseTypeJson(json: unknown): CtyType {
  return parseTypeAt(json, []);
}

/** Parses JSON text (or UTF-8 bytes) holding a type description, e.g. the bin of a msgpack dynamic value. */
export function parseTypeJsonText(text: string | Uint8Array): CtyType {
  const source = typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
  let json: unknown;
  try {
    // Types contain no numbers, so the built-in parser loses nothing; it also stores a
    // `__proto__` key as an ordinary own property.
    json = JSON.parse(source);
  } catch (err) {
    throw new CtyTypeError(`invalid type JSON: ${(err as Error).message}`);
  }
  return parseTypeJson(json);
}

function parseTypeAt(json: unknown, path: (string | number)[]): CtyType {
  if (typeof json === 'string') {
    switch (json) {
      case 'string':
        return ctyString;
      case 'number':
        return ctyNumber;
      case 'bool':
        return ctyBool;
      case 'dynamic':
        return ctyDynamic;
      default:
        throw new CtyTypeError(`invalid primitive type name ${JSON.stringify(json)}`, path);
    }
  }
  if (!Array.isArray(json) || json.length < 2 || typeof json[0] !== 'string') {
    throw new CtyTypeError('invalid type description: expected a type name or a ["kind", argument] array', path);
  }
  const kind = json[0];
  const arg: unknown = json[1];
  const extraAllowed = kind === 'object' ? 3 : 2;
  if (json.length > extraAllowed) throw new CtyTypeError(`unexpected extra data in ${kind} type description`, path);
  switch (kind) {
    case 'list':
    case 'set':
    case 'map': {
      const element = parseTypeAt(arg, path);
      return { kind, element };
    }
    case 'tuple': {
      if (!Array.isArray(arg)) throw new CtyTypeError('tuple type needs an array of element types', path);
      return { kind: 'tuple', elements: arg.map((e: unknown, i) => parseTypeAt(e, [...path, i])) };
    }
    case 'object': {
      if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) {
        throw new CtyTypeError('object type needs an object of attribute types', path);
      }
      const attrs: Record<string, CtyType> = {};
      const source = arg as Record<string, unknown>;
      for (const name of Object.keys(source)) setOwnProperty(attrs, name, parseTypeAt(source[name], [...path, name]));
      const optionalJson: unknown = json[2];
      if (optionalJson === undefined) return { kind: 'object', attributes: attrs };
      if (!Array.isArray(optionalJson) || !optionalJson.every((n): n is string => typeof n === 'string')) {
        throw new CtyTypeError('object optional-attribute list must be an array of strings', path);
      }
      for (const name of optionalJson) {
        if (!Object.hasOwn(attrs, name)) throw new CtyTypeError(`optional attribute ${JSON.stringify(name)} is not declared`, path);
      }
      if (optionalJson.length === 0) return { kind: 'object', attributes: attrs };
      return { kind: 'object', attributes: attrs, optional: [...new Set(optionalJson)].sort(compareUtf8) };
    }
    default:
      throw new CtyTypeError(`invalid complex type kind name ${JSON.stringify(kind)}`, path);
  }
}

/** The JSON type description as a JS value (inverse of parseTypeJson). */
export function typeToJson(t: CtyType): unknown {
  switch (t.kind) {
    case 'string':
    case 'number':
    case 'bool':
    case 'dynamic':
      return t.kind;
    case 'list':
    case 'set':
    case 'map':
      return [t.kind, typeToJson(t.element)];
    case 'tuple':
      return ['tuple', t.elements.map(typeToJson)];
    case 'object': {
      const attrs: Record<string, unknown> = {};
      for (const name of sortedAttributeNames(t)) setOwnProperty(attrs, name, typeToJson(t.attributes[name]!));
      return t.optional && t.optional.length > 0 ? ['object', attrs, [...t.optional]] : ['object', attrs];
    }
  }
}

/**
 * Compact JSON text of a type, byte-identical to go-cty's Type.MarshalJSON (keys sorted byte-wise,
 * Go's string escaping). This text goes into msgpack dynamic values and the provider schema.
 */
export function typeToJsonText(t: CtyType): string {
  switch (t.kind) {
    case 'string':
    case 'number':
    case 'bool':
    case 'dynamic':
      return `"${t.kind}"`;
    case 'list':
    case 'set':
    case 'map':
      return `["${t.kind}",${typeToJsonText(t.element)}]`;
    case 'tuple':
      return `["tuple",[${t.elements.map(typeToJsonText).join(',')}]]`;
    case 'object': {
      const attrs = sortedAttributeNames(t).map((n) => `${quoteJsonString(n)}:${typeToJsonText(t.attributes[n]!)}`);
      const optional = t.optional && t.optional.length > 0 ? `,[${t.optional.map(quoteJsonString).join(',')}]` : '';
      return `["object",{${attrs.join(',')}}${optional}]`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Small string helpers shared by the encoders (kept here to avoid a separate module load).

/**
 * Orders strings by their UTF-8 bytes (= code point order), as Go's sort.Strings does. UTF-16
 * code-unit order differs only between surrogates and U+E000..U+FFFF, which the remap fixes.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

const SHORT_ESCAPES: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };
const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

/**
 * JSON string literal with Go encoding/json's escaping: HTML-sensitive `<`, `>`, `&` and
 * U+2028/U+2029 become \u escapes, lone surrogates become U+FFFD (Go replaces invalid UTF-8).
 */
export function quoteJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) out += short;
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += s[i]! + s[i + 1]!;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd';
    else out += s[i]!;
  }
  return out + '"';
}

/** `obj[key] = value` that stores `__proto__` as an own property instead of changing the prototype. */
export function setOwnProperty<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}
