// Kept apart from admin.ts so that provider/mysql/bounds.ts can extend it without an import cycle.

/** A database error with the statement removed and secrets masked. Safe to log and to show in diagnostics. */
export class SqlError extends Error {
  override name = 'SqlError';
  constructor(
    /** What we were doing, e.g. `CREATE USER 'm_physics'@'%'` (never contains a secret). */
    readonly operation: string,
    message: string,
    /** mysql2 / server error code, e.g. ER_DUP_ENTRY, ECONNREFUSED. */
    readonly code: string | undefined,
    readonly errno: number | undefined,
    readonly sqlState: string | undefined,
  ) {
    super(`${operation}: ${message}`);
  }
}
