// The Schema section renderer on shapes the tenant resource does not have yet (nested sets inside
// nested attributes, object types with optional markers, map defaults), so the resources still to
// come get correct pages without anyone reading the generator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { T, type BlockSchema } from '../../provider/framework/schema';
import { objectOf } from '../../provider/plugin/cty';
import { hclLiteral, schemaSection, typeLabel } from '../../provider/docs/schema-markdown';

const schema: BlockSchema = {
  version: 0,
  description: 'test',
  attributes: {
    members: {
      required: true,
      description: 'Peers',
      nested: {
        nesting: 'set',
        attributes: {
          host: { type: T.string, required: true, description: 'Peer host.' },
          services: {
            optional: true,
            description: 'Services.',
            nested: { nesting: 'list', attributes: { name: { type: T.string, required: true, description: 'Service.' } } },
          },
        },
      },
    },
    triggers: { type: T.map(T.string), default: { 'b-key': 'x', a: '${y}' }, requiresReplace: true, description: 'Re-run when these change.' },
    token: { type: T.string, optional: true, sensitive: true, writeOnly: true, description: '' },
    results: { type: T.list(objectOf({ host: T.string, rows: T.number })), computed: true, description: 'Per-tenant results.' },
    filter: { type: objectOf({ server: T.string, enabled: T.bool }, ['enabled']), optional: true, description: 'Filter.' },
  },
};

test('nested attributes get anchored headings in order of mention, nested ones after their parent', () => {
  const md = schemaSection(schema);
  assert.match(md, /- `members` \(Attributes Set\) Peers\. \(see \[below for nested schema\]\(#nestedatt--members\)\)/);
  const order = ['### Required', '### Optional', '### Read-Only', 'nestedatt--members"', 'nestedatt--members--services"', 'nestedobjatt--filter"', 'nestedobjatt--results"'].map((s) => md.indexOf(s));
  assert.ok(order.every((i) => i >= 0), md);
  assert.deepEqual([...order].sort((a, b) => a - b), order, md);
  assert.match(md, /### Nested Schema for `members\.services`\n\nRequired:\n\n- `name` \(String\) Service\./);
});

test('flags, defaults and object attributes', () => {
  const md = schemaSection(schema);
  assert.match(md, /- `triggers` \(Map of String, Forces replacement\) Re-run when these change\. Defaults to `\{ a = "\$\$\{y\}", b-key = "x" \}`\./);
  assert.match(md, /- `token` \(String, Sensitive, \[Write-only\]\([^)]+\)\)$/m);
  assert.match(md, /nestedobjatt--results"><\/a>\n### Nested Schema for `results`\n\nRead-Only:\n\n- `host` \(String\)\n- `rows` \(Number\)/);
  assert.match(md, /### Nested Schema for `filter`\n\nRequired:\n\n- `server` \(String\)\n\nOptional:\n\n- `enabled` \(Boolean\)/);
});

test('type labels and HCL literals', () => {
  assert.equal(typeLabel(T.list(T.set(T.number))), 'List of Set of Number');
  assert.equal(hclLiteral([true, 3, 'a']), '[true, 3, "a"]');
  assert.equal(hclLiteral({}), '{}');
  assert.equal(hclLiteral(null), 'null');
});
