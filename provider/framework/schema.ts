// A resource declares its attributes once, here; the protocol schema, the cty type used to decode
// and encode values, defaults, replacement rules and validators are all derived from that one table.
import type { Schema, SchemaAttribute, SchemaObject } from '../plugin/proto/tfplugin6';
import { type CtyType, type CtyValue, typeToJson, ctyString, ctyNumber, ctyBool, listOf, setOf, mapOf, objectOf } from '../plugin/cty';
import type { ObjectNestingMode } from '../plugin/proto/tfplugin6';
import type { Path } from './diagnostics';

/** Returns a problem sentence (shown to the user with the attribute path) or null when fine. */
export type Validator = (value: CtyValue, path: Path) => string | null;

export type Nesting = 'single' | 'list' | 'set' | 'map';

interface AttributeBase {
  description: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  /** Terraform >= 1.11 write-only argument: in config only, never in plan or state. */
  writeOnly?: boolean;
  /** Value planned when the configuration leaves the attribute null (implies optional + computed). */
  default?: CtyValue;
  /** A change of this attribute replaces the object. */
  requiresReplace?: boolean;
  /** Computed value that never changes after create: planned as the prior value on update. */
  stable?: boolean;
  validate?: Validator[];
}

export interface PrimitiveAttribute extends AttributeBase {
  type: CtyType;
}

export interface NestedAttribute extends AttributeBase {
  nested: { nesting: Nesting; attributes: Attributes };
}

export type Attribute = PrimitiveAttribute | NestedAttribute;
export type Attributes = Record<string, Attribute>;

export interface BlockSchema {
  version: number;
  description: string;
  attributes: Attributes;
}

export const T = {
  string: ctyString as CtyType,
  number: ctyNumber as CtyType,
  bool: ctyBool as CtyType,
  list: (element: CtyType): CtyType => listOf(element),
  set: (element: CtyType): CtyType => setOf(element),
  map: (element: CtyType): CtyType => mapOf(element),
  object: (attributes: Record<string, CtyType>): CtyType => objectOf(attributes),
};

export function isNested(a: Attribute): a is NestedAttribute {
  return 'nested' in a;
}

function flags(a: Attribute): { required: boolean; optional: boolean; computed: boolean } {
  const hasDefault = a.default !== undefined;
  return {
    required: a.required === true,
    optional: a.optional === true || hasDefault,
    computed: a.computed === true || hasDefault,
  };
}

export function attributeType(a: Attribute): CtyType {
  if (!isNested(a)) return a.type;
  const obj = objectType(a.nested.attributes);
  switch (a.nested.nesting) {
    case 'single':
      return obj;
    case 'list':
      return T.list(obj);
    case 'set':
      return T.set(obj);
    case 'map':
      return T.map(obj);
  }
}

export function objectType(attributes: Attributes): CtyType {
  const out: Record<string, CtyType> = {};
  for (const [name, a] of Object.entries(attributes)) out[name] = attributeType(a);
  return T.object(out);
}

const NESTING_CODE: Record<Nesting, ObjectNestingMode> = { single: 1, list: 2, set: 3, map: 4 };

function toProtoAttribute(name: string, a: Attribute): SchemaAttribute {
  const f = flags(a);
  const base: SchemaAttribute = {
    name,
    type: new Uint8Array(),
    description: a.description,
    required: f.required,
    optional: f.optional,
    computed: f.computed,
    sensitive: a.sensitive === true,
    descriptionKind: 1,
    deprecated: false,
    writeOnly: a.writeOnly === true,
  };
  if (isNested(a)) {
    const nestedType: SchemaObject = {
      attributes: Object.entries(a.nested.attributes).map(([n, x]) => toProtoAttribute(n, x)),
      nesting: NESTING_CODE[a.nested.nesting],
    };
    return { ...base, nestedType };
  }
  return { ...base, type: Buffer.from(JSON.stringify(typeToJson(a.type))) };
}

export function toProtoSchema(schema: BlockSchema): Schema {
  return {
    version: schema.version,
    block: {
      version: schema.version,
      attributes: Object.entries(schema.attributes).map(([n, a]) => toProtoAttribute(n, a)),
      blockTypes: [],
      description: schema.description,
      descriptionKind: 1,
      deprecated: false,
    },
  };
}

/** Cached per schema object: computing the cty type walks the whole attribute table. */
const typeCache = new WeakMap<BlockSchema, CtyType>();
export function schemaType(schema: BlockSchema): CtyType {
  let t = typeCache.get(schema);
  if (!t) {
    t = objectType(schema.attributes);
    typeCache.set(schema, t);
  }
  return t;
}
