// Forced $CFG overrides of a tenant (`vmoodle_tenant.config`): validated the same way where they are
// declared (the provider, at plan time) and where they are served (the sidecar, which skips a tenant
// whose overrides are invalid rather than guess). The values end up as PHP literals in config.php's
// $CFG, so names are plain identifiers and values plain JSON.

/**
 * $CFG names that a forced override must not set: the connection fields come from the tenant's own
 * columns, and dirroot/libdir/admin/vmoodle_* belong to the code base and the include.
 */
export const RESERVED_CONFIG_NAMES: ReadonlySet<string> = new Set([
  'wwwroot', 'dbtype', 'dblibrary', 'dbhost', 'dbname', 'dbuser', 'dbpass', 'prefix', 'dataroot',
  'dboptions', 'dirroot', 'libdir', 'admin',
]);

const MAX_NAME_LENGTH = 100;
const MAX_DEPTH = 4;

export type ForcedConfigResult = { ok: true; config: Record<string, unknown> } | { ok: false; reason: string };

function isIdentifier(name: string): boolean {
  const n = name.length;
  if (n < 1 || n > MAX_NAME_LENGTH) return false;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
    if (!letter && !(i > 0 && c >= 0x30 && c <= 0x39)) return false;
  }
  return true;
}

function checkValue(v: unknown, depth: number): string | null {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? null : 'numbers must be finite';
  if (depth >= MAX_DEPTH) return `values nest at most ${MAX_DEPTH} levels`;
  if (Array.isArray(v)) {
    for (const item of v) {
      const r = checkValue(item, depth + 1);
      if (r) return r;
    }
    return null;
  }
  if (typeof v === 'object') {
    for (const item of Object.values(v as Record<string, unknown>)) {
      const r = checkValue(item, depth + 1);
      if (r) return r;
    }
    return null;
  }
  return `unsupported value of type ${typeof v}`;
}

/**
 * Accepts a JSON object (or its text, as MariaDB returns JSON columns) of `$CFG name → JSON value`.
 * Names: PHP identifiers, not reserved, not `vmoodle_*`. Values: JSON, finite numbers, ≤ 4 levels.
 */
export function checkForcedConfig(input: unknown): ForcedConfigResult {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return { ok: false, reason: 'config is not valid JSON' };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: 'config must be a JSON object of $CFG name → value' };
  }
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!isIdentifier(name)) return { ok: false, reason: `config name ${JSON.stringify(name.slice(0, 40))} is not a $CFG identifier` };
    const lower = name.toLowerCase();
    if (RESERVED_CONFIG_NAMES.has(lower) || lower.startsWith('vmoodle_')) {
      return { ok: false, reason: `config name ${name} is reserved (it comes from the tenant's own settings)` };
    }
    const r = checkValue(v, 1);
    if (r) return { ok: false, reason: `config ${name}: ${r}` };
    out[name] = v;
  }
  return { ok: true, config: out };
}
