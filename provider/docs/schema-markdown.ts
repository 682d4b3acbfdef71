// Renders a BlockSchema as the "Schema" section of a Terraform provider docs page, in the layout
// HashiCorp's tfplugindocs produces (Required / Optional / Read-Only, nested schemas under their own
// anchored heading), so pages read like every other provider's on the registry.
import { isNested, type Attribute, type Attributes, type BlockSchema, type Nesting } from '../framework/schema';
import { isRecord, isUnknown, CtyDynamic, CtyNumber, type CtyType, type CtyValue, type ObjectType } from '../plugin/cty';

const WRITE_ONLY_LINK = '[Write-only](https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments)';

type Category = 'Required' | 'Optional' | 'Read-Only';
const CATEGORIES: readonly Category[] = ['Required', 'Optional', 'Read-Only'];

/** Mirrors the flag derivation in framework/schema.ts: a `default` makes an attribute optional + computed. */
function category(a: Attribute): Category {
  if (a.required === true) return 'Required';
  if (a.optional === true || a.default !== undefined) return 'Optional';
  return 'Read-Only';
}

export function typeLabel(t: CtyType): string {
  switch (t.kind) {
    case 'string':
      return 'String';
    case 'number':
      return 'Number';
    case 'bool':
      return 'Boolean';
    case 'dynamic':
      return 'Dynamic';
    case 'list':
      return `List of ${typeLabel(t.element)}`;
    case 'set':
      return `Set of ${typeLabel(t.element)}`;
    case 'map':
      return `Map of ${typeLabel(t.element)}`;
    case 'object':
      return 'Object';
    case 'tuple':
      return 'Tuple';
  }
}

const NESTING_LABEL: Record<Nesting, string> = { single: 'Attributes', list: 'Attributes List', set: 'Attributes Set', map: 'Attributes Map' };

/** The object type an attribute's type documents as a nested schema (object, or a collection of objects). */
function objectOf(t: CtyType): ObjectType | null {
  if (t.kind === 'object') return t;
  if (t.kind === 'list' || t.kind === 'set' || t.kind === 'map') return objectOf(t.element);
  return null;
}

const HCL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A default value as the user would write it in HCL. */
export function hclLiteral(v: CtyValue): string {
  if (v === null) return 'null';
  // `${` and `%{` start templates in HCL strings; doubling the sigil makes them literal.
  if (typeof v === 'string') return JSON.stringify(v).replace(/([$%])\{/g, (_m, sigil: string) => `${sigil}${sigil}{`);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (v instanceof CtyNumber) return v.decimal;
  if (Array.isArray(v)) return `[${v.map(hclLiteral).join(', ')}]`;
  if (isUnknown(v) || v instanceof CtyDynamic) throw new Error('a schema default must be a known, statically typed value');
  if (isRecord(v)) {
    // Sorted so the page does not depend on the order the default was written in.
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return '{}';
    return `{ ${keys.map((k) => `${HCL_IDENTIFIER.test(k) ? k : JSON.stringify(k)} = ${hclLiteral(v[k]!)}`).join(', ')} }`;
  }
  throw new Error(`cannot render default value ${String(v)}`);
}

/** Keeps a multi-line description inside its markdown list item. */
function inline(text: string): string {
  return text.trim().replace(/\r\n?/g, '\n').replace(/\n/g, '\n  ');
}

function sentence(text: string): string {
  const t = text.trim();
  return t === '' || /[.!?:)`]$/.test(t) ? t : `${t}.`;
}

/** `--database--options` → `database.options`: the heading names the attribute path. */
function titleOf(anchor: string): string {
  return anchor.slice(2).replace(/--/g, '.');
}

interface Pending {
  anchor: string;
  title: string;
  render: () => string[];
}

function attributeLine(name: string, a: Attribute, anchorPrefix: string, pending: Pending[]): string {
  const flags: string[] = [isNested(a) ? NESTING_LABEL[a.nested.nesting] : typeLabel(a.type)];
  if (a.sensitive === true) flags.push('Sensitive');
  if (a.writeOnly === true) flags.push(WRITE_ONLY_LINK);
  if (a.requiresReplace === true) flags.push('Forces replacement');
  const parts = [`- \`${name}\` (${flags.join(', ')})`];
  if (a.description.trim() !== '') parts.push(inline(sentence(a.description)));
  if (a.default !== undefined) parts.push(`Defaults to \`${hclLiteral(a.default)}\`.`);
  const anchor = `${anchorPrefix}--${name}`;
  if (isNested(a)) {
    const nested = a.nested.attributes;
    pending.push({ anchor: `nestedatt${anchor}`, title: titleOf(anchor), render: () => attributeSections(nested, anchor, false) });
    parts.push(`(see [below for nested schema](#nestedatt${anchor}))`);
  } else {
    const obj = objectOf(a.type);
    if (obj) {
      const computedOnly = category(a) === 'Read-Only';
      pending.push({ anchor: `nestedobjatt${anchor}`, title: titleOf(anchor), render: () => objectSections(obj, anchor, computedOnly) });
      parts.push(`(see [below for nested schema](#nestedobjatt${anchor}))`);
    }
  }
  return parts.join(' ');
}

/** Nested schemas follow the list that mentions them, in order of mention; each one's own nested schemas follow it. */
function flushPending(pending: Pending[]): string[] {
  const out: string[] = [];
  while (pending.length > 0) {
    const next = pending.shift()!;
    out.push('', `<a id="${next.anchor}"></a>`, `### Nested Schema for \`${next.title}\``, '', ...next.render());
  }
  return out;
}

/**
 * Attribute lists grouped by category. Top level uses `### Required` headings; nested schemas use
 * `Required:` labels, as tfplugindocs does, so nested headings stay one level deep.
 */
function attributeSections(attributes: Attributes, anchorPrefix: string, topLevel: boolean): string[] {
  const pending: Pending[] = [];
  const out: string[] = [];
  const names = Object.keys(attributes).sort();
  for (const cat of CATEGORIES) {
    const inCat = names.filter((n) => category(attributes[n]!) === cat);
    if (inCat.length === 0) continue;
    if (out.length > 0) out.push('');
    out.push(topLevel ? `### ${cat}` : `${cat}:`, '');
    for (const n of inCat) out.push(attributeLine(n, attributes[n]!, anchorPrefix, pending));
  }
  return [...out, ...flushPending(pending)];
}

/** Object-typed attributes carry only types (no descriptions); optional markers decide the label. */
function objectSections(t: ObjectType, anchorPrefix: string, computedOnly: boolean): string[] {
  const optional = new Set(t.optional ?? []);
  const names = Object.keys(t.attributes).sort();
  const groups: Array<[string, string[]]> = computedOnly
    ? [['Read-Only', names]]
    : [
        ['Required', names.filter((n) => !optional.has(n))],
        ['Optional', names.filter((n) => optional.has(n))],
      ];
  const pending: Pending[] = [];
  const out: string[] = [];
  for (const [label, inGroup] of groups) {
    if (inGroup.length === 0) continue;
    if (out.length > 0) out.push('');
    out.push(`${label}:`, '');
    for (const n of inGroup) {
      const child = t.attributes[n]!;
      const anchor = `${anchorPrefix}--${n}`;
      const obj = objectOf(child);
      if (obj) {
        pending.push({ anchor: `nestedobjatt${anchor}`, title: titleOf(anchor), render: () => objectSections(obj, anchor, computedOnly) });
        out.push(`- \`${n}\` (${typeLabel(child)}) (see [below for nested schema](#nestedobjatt${anchor}))`);
      } else {
        out.push(`- \`${n}\` (${typeLabel(child)})`);
      }
    }
  }
  return [...out, ...flushPending(pending)];
}

/** The "## Schema" section of a page, ending without a trailing newline. */
export function schemaSection(schema: BlockSchema): string {
  return ['<!-- schema generated by provider/docs/generate.ts -->', '## Schema', '', ...attributeSections(schema.attributes, '', true)].join('\n');
}
