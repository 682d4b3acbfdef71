// Synth-time validation against schemas/nodelist.schema.json, the schema the spec's TypeScript
// types are generated from. Ajv (the validator fastify uses for the sidecar's schemas) checks it;
// this module turns its errors into one problem per offending value, addressed by a JSON pointer
// into the document, so callers can translate the pointer into a CSV line/column or an array path.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import nodelistSchema from '../schemas/nodelist.schema.json';

export interface SchemaProblem {
  /** Path into the validated document, e.g. ['tenants', '3', 'database', 'name']. */
  readonly pointer: readonly string[];
  readonly message: string;
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  // allErrors: report every problem of a file at once; verbose: gives each error its value and the
  // (sub)schema, whose description is the most useful hint for a person fixing a CSV cell.
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(nodelistSchema);
  return compiled;
}

function splitPointer(p: string): string[] {
  return p === '' ? [] : p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const TYPE_NAMES: Record<string, string> = { string: 'text', boolean: 'true or false', object: 'an object', array: 'a list', number: 'a number' };

function describe(e: ErrorObject, pointer: readonly string[]): string {
  const parent = e.parentSchema as { description?: string; properties?: Record<string, unknown> } | undefined;
  // Descriptions state the rule in their first sentence (see the schema), which is the hint.
  const rule = parent?.description?.split(/\.(?:\s+(?=[A-Z])|$)/)[0];
  const hint = rule ? `: ${rule[0]!.toLowerCase()}${rule.slice(1)}` : '';
  const secret = pointer[pointer.length - 1] === 'password';
  const value = typeof e.data === 'string' && !secret ? `"${e.data}" ` : '';
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties': {
      const known = Object.keys(parent?.properties ?? {});
      return `is not a known setting${known.length ? `; expected one of: ${known.join(', ')}` : ''}`;
    }
    case 'type':
      return `must be ${TYPE_NAMES[String((e.params as { type: string }).type)] ?? (e.params as { type: string }).type}`;
    case 'pattern':
      return `${value}is not valid${hint}`;
    default:
      return `${value}${e.message ?? 'is not valid'}${hint}`;
  }
}

/** Problems of a nodelist document ({ defaults?, tenants }), in document order; empty when valid. */
export function checkNodelistDocument(doc: unknown): SchemaProblem[] {
  const validate = validator();
  if (validate(doc)) return [];
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    // propertyNames reports once for the name's own rule (with e.propertyName) and once more for the
    // object; the first one is the useful one.
    if (e.keyword === 'propertyNames') continue;
    const pointer = splitPointer(e.instancePath);
    const params = e.params as { missingProperty?: string; additionalProperty?: string };
    let message: string;
    if (e.propertyName !== undefined) {
      pointer.push(e.propertyName);
      message = `the name "${e.propertyName}" ${describe(e, pointer).replace(/^"[^"]*" /, '')}`;
    } else {
      if (params.missingProperty !== undefined) pointer.push(params.missingProperty);
      if (params.additionalProperty !== undefined) pointer.push(params.additionalProperty);
      message = describe(e, pointer);
    }
    const key = `${pointer.join('/')}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ pointer, message });
    }
  }
  return out;
}
