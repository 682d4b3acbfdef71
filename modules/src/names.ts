// Names a tenant gets when its spec does not give them, derived from the shortname. They follow the
// provider's rules (provider/mysql/identifiers.ts) so a derived name never fails at plan time, and
// they are stable: the same shortname always gives the same names, on every synth.
import { createHash } from 'node:crypto';

export const MAX_DATABASE_NAME = 64;
/** MySQL's limit, which the provider enforces so tenants can move between MySQL and MariaDB. */
export const MAX_USER_NAME = 32;
export const DEFAULT_DATABASE_PREFIX = 'moodle_';

/** Lower case, every run of other characters as one `_`, no `_` at either end. */
export function sanitise(shortname: string): string {
  return shortname.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * Cuts a name to `max` characters; when it had to cut, the end is replaced by a hash of the whole
 * name, so two long names that share their first characters still differ.
 */
export function shorten(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, max - hash.length - 1).replace(/_+$/, '')}_${hash}`;
}

export function deriveDatabaseName(shortname: string, prefix = DEFAULT_DATABASE_PREFIX): string {
  return shorten(`${prefix}${sanitise(shortname)}`, MAX_DATABASE_NAME);
}

export function deriveUserName(databaseName: string): string {
  return shorten(databaseName, MAX_USER_NAME);
}

/** Why a database or user name would be refused by the provider, or null. */
export function identifierProblem(kind: 'database' | 'user', name: string): string | null {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) return `${kind} name "${name}" must start with a lower-case letter and contain only a-z, 0-9 and _`;
  if (kind === 'database' && (name.startsWith('test_') || ['mysql', 'information_schema', 'performance_schema', 'sys', 'test'].includes(name))) {
    return `database name "${name}" is reserved or open to every account on many servers`;
  }
  return null;
}

export function joinPath(base: string, leaf: string): string {
  return `${base.replace(/\/+$/, '')}/${leaf}`;
}
