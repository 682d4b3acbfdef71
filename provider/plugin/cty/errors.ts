// Typed errors of the cty value layer. Every error carries the path inside the value where it
// happened, so that an RPC handler can turn it into a Terraform diagnostic with an AttributePath
// instead of a bare message. String steps are attribute names or map keys, number steps are
// list/tuple/set indexes.

export type CtyPath = ReadonlyArray<string | number>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Renders a path the way Terraform prints one: `.tags["k"]`, `.rules[0].name`; the root is `(root)`. */
export function formatPath(path: CtyPath): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (IDENTIFIER.test(step)) out += `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

/** Base class: `detail` is the message without the path prefix, `path` a copy of the location. */
export class CtyError extends Error {
  readonly path: (string | number)[];
  readonly detail: string;

  constructor(detail: string, path: CtyPath = []) {
    super(`${formatPath(path)}: ${detail}`);
    this.name = new.target.name;
    this.detail = detail;
    this.path = [...path];
  }
}

/** Bytes or JSON text that do not match the expected type (or are not valid msgpack/JSON). */
export class CtyDecodeError extends CtyError {}

/** A JS value that cannot be serialised for the given type (wrong shape, unknown in JSON, NaN...). */
export class CtyEncodeError extends CtyError {}

/** A type description in Terraform's JSON type syntax that is not valid. */
export class CtyTypeError extends CtyError {}
