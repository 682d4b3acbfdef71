// Diagnostics collected during one RPC. Paths are attribute paths as the user wrote them
// (e.g. ['database', 'name']), so Terraform can point at the exact line in the configuration.
import type { Diagnostic, AttributePath } from '../plugin/proto/tfplugin6';
import { scrub } from '../plugin/log';

export type PathStep = string | number | { key: string };
export type Path = readonly PathStep[];

const SEVERITY_ERROR = 1;
const SEVERITY_WARNING = 2;

export function toAttributePath(path: Path): AttributePath {
  return {
    steps: path.map((step) =>
      typeof step === 'string'
        ? { attributeName: step }
        : typeof step === 'number'
          ? { elementKeyInt: step }
          : { elementKeyString: step.key },
    ),
  };
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];

  error(summary: string, detail = '', path?: Path): this {
    this.items.push({ severity: SEVERITY_ERROR, summary: scrub(summary), detail: scrub(detail), attribute: path ? toAttributePath(path) : undefined });
    return this;
  }

  warning(summary: string, detail = '', path?: Path): this {
    this.items.push({ severity: SEVERITY_WARNING, summary: scrub(summary), detail: scrub(detail), attribute: path ? toAttributePath(path) : undefined });
    return this;
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === SEVERITY_ERROR);
  }

  /**
   * Turns an exception from resource code into an error diagnostic (secrets scrubbed). An error may
   * carry its own summary and a hint, what the user can do about it (e.g. a database timeout).
   */
  fromException(summary: string, err: unknown, path?: Path): this {
    const own = explained(err);
    const detail = (err instanceof Error ? err.message : String(err)) + (own.hint ? `\n\n${own.hint}` : '');
    const pathFromError = err instanceof AttributeError ? err.path : path;
    return this.error(err instanceof AttributeError ? err.summary : (own.summary ?? summary), detail, pathFromError);
  }
}

function explained(err: unknown): { summary?: string; hint?: string } {
  if (!(err instanceof Error)) return {};
  const { summary, hint } = err as { summary?: unknown; hint?: unknown };
  return { summary: typeof summary === 'string' ? summary : undefined, hint: typeof hint === 'string' ? hint : undefined };
}

/** An error that belongs to one attribute; thrown from deep inside resource code. */
export class AttributeError extends Error {
  override name = 'AttributeError';
  constructor(
    readonly path: Path,
    readonly summary: string,
    detail: string,
  ) {
    super(detail);
  }
}
