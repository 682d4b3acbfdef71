// What Moodle's role tables mean (research: moodle-facts.md D1), as names a configuration can use:
// permission words and the integers Moodle stores, context level names, archetypes and their default
// context levels. Pure: no database access here.

/** The four permissions of Moodle's UI. `inherit` (0) is never stored: it is the absence of a row. */
export type Permission = 'allow' | 'prevent' | 'prohibit' | 'inherit';

export const PERMISSIONS: readonly Permission[] = ['allow', 'prevent', 'prohibit', 'inherit'];

/** lib/accesslib.php CAP_ALLOW, CAP_PREVENT, CAP_PROHIBIT. */
const STORED: Record<Exclude<Permission, 'inherit'>, number> = { allow: 1, prevent: -1, prohibit: -1000 };

/** The integer Moodle stores for a permission; null for inherit (delete the row). */
export function storedPermission(p: Permission): number | null {
  return p === 'inherit' ? null : STORED[p];
}

/**
 * The word for a stored integer. A value Moodle never writes (another tool's doing) is reported as
 * the number itself, so it shows as a difference in plan and the next apply replaces it.
 */
export function permissionName(stored: number): string {
  if (stored === 1) return 'allow';
  if (stored === -1) return 'prevent';
  if (stored === -1000) return 'prohibit';
  if (stored === 0) return 'inherit';
  return String(stored);
}

export function isPermission(v: string): v is Permission {
  return (PERMISSIONS as readonly string[]).includes(v);
}

/** Context levels (lib/accesslib.php CONTEXT_*), by the names used in configuration. */
export const CONTEXT_LEVELS: Readonly<Record<string, number>> = { system: 10, user: 30, coursecat: 40, course: 50, module: 70, block: 80 };

export function contextLevelName(level: number): string {
  for (const [name, value] of Object.entries(CONTEXT_LEVELS)) if (value === level) return name;
  return String(level);
}

/** The archetypes of lib/db/install.php; '' is "no archetype". */
export const ARCHETYPES: readonly string[] = ['manager', 'coursecreator', 'editingteacher', 'teacher', 'student', 'guest', 'user', 'frontpage'];

/** context_helper::get_compatible_levels(): where a new role of an archetype may be assigned. */
const ARCHETYPE_LEVELS: Readonly<Record<string, readonly number[]>> = {
  manager: [10, 40, 50],
  coursecreator: [10, 40],
  editingteacher: [50, 70],
  teacher: [50, 70],
  student: [50, 70],
};

export function defaultContextLevels(archetype: string): number[] {
  return [...(ARCHETYPE_LEVELS[archetype] ?? [])];
}

/** Capability names as db/access.php declares them: `moodle/course:view`, `mod/forum:addnews`. */
const CAPABILITY_RE = /^[a-z][a-z0-9_]*\/[a-z0-9_]+:[a-z0-9_]+$/;

export function validateCapabilityName(name: string): string | null {
  if (name.length > 255) return `"${name.slice(0, 40)}…" is longer than 255 characters`;
  return CAPABILITY_RE.test(name) ? null : `"${name}" is not a capability name (component/area:name, e.g. moodle/course:view)`;
}

/** Role shortnames are PARAM_ALPHANUMEXT in Moodle's role editor (letters, digits, "-" and "_"). */
export function validateRoleShortname(name: string): string | null {
  if (name.length < 1 || name.length > 100) return 'a role shortname has 1 to 100 characters';
  return /^[A-Za-z0-9_-]+$/.test(name) ? null : `"${name}" is not a role shortname (letters, digits, "-" and "_")`;
}

/** The four "holders of this role may … role X" tables, by configuration attribute. */
export const ALLOW_TABLES = {
  allow_assign: { table: 'role_allow_assign', column: 'allowassign' },
  allow_override: { table: 'role_allow_override', column: 'allowoverride' },
  allow_switch: { table: 'role_allow_switch', column: 'allowswitch' },
  allow_view: { table: 'role_allow_view', column: 'allowview' },
} as const;

export type AllowKind = keyof typeof ALLOW_TABLES;
export const ALLOW_KINDS = Object.keys(ALLOW_TABLES) as AllowKind[];
