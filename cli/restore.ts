// `vmoodle restore DIR --host HOST`: puts a snapshot into an existing tenant (the same site, or
// another one: a clone). The tenant keeps its identity from the registry: its database, user,
// prefix, data folder and URL. In order: the snapshot's parts are checked against the manifest,
// the tenant is locked like the provider locks it (so a concurrent terraform apply waits), its
// database is emptied and the dump loaded as the tenant's own user, the table prefix and the
// wwwroot-bearing rows are adapted, a clone gets its own site identifier, and the data folder's
// content is replaced by the archive's.
import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { RegistryWriter } from '../registry/writer';
import type { TenantRow } from '../registry/reader';
import { execute, queryRows } from '../provider/mysql/admin';
import { quoteIdent } from '../provider/mysql/identifiers';
import { openConnection, openLoaderConnection, type Connection } from '../provider/mysql/pools';
import { loadSqlDump, detectTablePrefix, renameTablePrefix } from '../provider/moodle/sql-loader';
import { readLocalWwwroot, rewriteWwwroot, resetSiteIdentifier } from '../provider/moodle/wwwroot';
import { withTenantLock } from '../provider/tenant/lock';
import type { ServerSettings } from '../provider/mysql/dsn';
import { CommandError, UsageError, parseCommand, runCommand, processIo, type Io } from './args';
import { hostKey, openRegistry, registrySettings, serverSettings, tenantConnectionSettings, tenantNotFound, REGISTRY_HELP } from './config';
import { Progress, formatBytes, formatDuration } from './progress';
import { readManifest, verifyParts, type SnapshotManifest } from './snapshot/manifest';
import { extractArchive } from './snapshot/tar-extract';

export const RESTORE_USAGE = `usage: vmoodle restore DIR --host HOST [options]

Restores the snapshot in DIR (made by vmoodle snapshot) into the registered tenant HOST: empties
its database and loads the dump, adapts the table prefix and every wwwroot-bearing row to the
tenant's own URL (a clone also gets a new site identifier), and replaces its data folder's content.
Both parts are checked against the manifest's sha256 first.

  DIR                    snapshot folder
  --host HOST            the tenant to restore into (it must exist in the registry)
  --yes                  confirm replacing the tenant's current tables and files
  --database-only        restore the database only, leave the data folder as it is
  ${REGISTRY_HELP}
  --json                 print the outcome as JSON on stdout
  -h, --help             this text

Run it as the web server's user so the restored files belong to it.
`;

const spec = {
  name: 'restore',
  positionals: ['DIR'],
  options: { host: { type: 'string' }, registry: { type: 'string' }, yes: { type: 'boolean' }, 'database-only': { type: 'boolean' } },
} as const;

export interface RestoreReport {
  host: string;
  tenant: string;
  snapshotOf: string;
  moodle: SnapshotManifest['moodle'];
  database: { name: string; statements: number; tablesRenamed: number; wwwrootFrom: string | null; wwwrootTo: string; rowsRewritten: number; siteIdentifierReset: boolean };
  dataroot: { path: string; files: number; directories: number; symlinks: number; bytes: number; warnings: string[] } | null;
  durationMs: number;
}

async function listObjects(conn: Connection, database: string): Promise<{ tables: string[]; views: string[] }> {
  const rows = await queryRows<RowDataPacket>(
    conn,
    `list tables of ${database}`,
    'SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [database],
  );
  const tables: string[] = [];
  const views: string[] = [];
  for (const r of rows) (String(r.type) === 'VIEW' ? views : tables).push(String(r.name));
  return { tables, views };
}

/** Drops every table and view of the tenant database (its own user may: ALL on that database). */
async function emptyDatabase(conn: Connection, database: string, objects: { tables: string[]; views: string[] }): Promise<void> {
  await execute(conn, 'disable foreign key checks', 'SET SESSION foreign_key_checks = 0');
  for (const v of objects.views) await execute(conn, `drop view ${v}`, `DROP VIEW IF EXISTS ${quoteIdent(database)}.${quoteIdent(v)}`);
  for (let i = 0; i < objects.tables.length; i += 100) {
    const batch = objects.tables.slice(i, i + 100).map((t) => `${quoteIdent(database)}.${quoteIdent(t)}`);
    await execute(conn, `empty database ${database}`, `DROP TABLE IF EXISTS ${batch.join(', ')}`);
  }
}

async function folderEntries(path: string): Promise<string[] | null> {
  try {
    if (!(await stat(path)).isDirectory()) return null;
    return await readdir(path);
  } catch {
    return null;
  }
}

/** Same rule as the provider's: absolute, normalised, two folders deep at least (never "/" or "/srv"). */
function checkDatarootPath(path: string): void {
  if (resolve(path) !== path || path.split('/').filter(Boolean).length < 2) {
    throw new CommandError(`the tenant's data folder "${path}" is not an absolute, normalised path two folders deep; refusing to replace its content`);
  }
}

async function restoreDatabase(
  dir: string,
  manifest: SnapshotManifest,
  row: TenantRow,
  settings: ServerSettings,
  conn: Connection,
  progress: Progress,
): Promise<RestoreReport['database']> {
  const objects = await listObjects(conn, row.dbname);
  progress.note(`emptying database ${row.dbname} (${objects.tables.length} tables)`);
  await emptyDatabase(conn, row.dbname, objects);

  progress.start(`database ${row.dbname}`, Math.max(1, manifest.database.bytes));
  const loaded = await loadSqlDump(openLoaderConnection(settings, row.dbname), join(dir, manifest.database.file), {
    onProgress: (p) => progress.update(p.bytesRead, `${p.statements} statements, ${formatBytes(p.bytesRead)} of ${formatBytes(manifest.database.bytes)}`),
  });
  progress.done(`${loaded.statements} statements loaded`);

  const found = await detectTablePrefix(conn, row.dbname);
  if (!found) throw new CommandError(`after loading, ${row.dbname} holds no Moodle site (no <prefix>config and <prefix>config_plugins tables)`);
  const tablesRenamed = found !== row.prefix ? await renameTablePrefix(conn, row.dbname, found, row.prefix) : 0;
  const oldRoot = await readLocalWwwroot(conn, row.dbname, row.prefix);
  let rowsRewritten = 0;
  if (oldRoot && oldRoot !== row.wwwroot) {
    const r = await rewriteWwwroot(conn, row.dbname, row.prefix, oldRoot, row.wwwroot);
    rowsRewritten = r.totalRows;
    for (const t of r.tooLong) progress.note(`warning: ${t.rows} value(s) of ${t.table}.${t.column} would not fit with the new URL and were left unchanged`);
  }
  // A clone must not share the source's site identifier: it namespaces every cache key.
  const siteIdentifierReset = manifest.tenant.host !== row.host;
  if (siteIdentifierReset) await resetSiteIdentifier(conn, row.dbname, row.prefix, row.host);
  return { name: row.dbname, statements: loaded.statements, tablesRenamed, wwwrootFrom: oldRoot, wwwrootTo: row.wwwroot, rowsRewritten, siteIdentifierReset };
}

async function restoreDataroot(dir: string, manifest: SnapshotManifest, row: TenantRow, progress: Progress): Promise<NonNullable<RestoreReport['dataroot']>> {
  const part = manifest.dataroot!;
  const entries = (await folderEntries(row.dataroot)) ?? [];
  // The folder itself stays (its mode and owner are the provider's); only its content is replaced.
  await Promise.all(entries.map((name) => rm(join(row.dataroot, name), { recursive: true, force: true })));
  progress.start(`dataroot ${row.dataroot}`, Math.max(1, part.contentBytes));
  const r = await extractArchive(join(dir, part.file), row.dataroot, (bytes, files) =>
    progress.update(bytes, `${files}/${part.files} files, ${formatBytes(bytes)} of ${formatBytes(part.contentBytes)}`),
  );
  progress.done(`${r.files} files, ${formatBytes(r.bytes)}`);
  return { path: row.dataroot, files: r.files, directories: r.directories, symlinks: r.symlinks, bytes: r.bytes, warnings: r.warnings };
}

export async function restoreCommand(argv: string[], io: Io = processIo()): Promise<number> {
  return runCommand('restore', async () => {
    const parsed = parseCommand(argv, spec);
    if (parsed === 'help') {
      io.stdout.write(RESTORE_USAGE);
      return 0;
    }
    const { values, positionals } = parsed;
    const dir = resolve(positionals[0]!);
    if (!values.host) throw new UsageError('--host', 'is required: the registered tenant to restore into');
    const host = hostKey(values.host, '--host');
    const registry = registrySettings(values.registry, io.env);
    const servers = serverSettings(io.env);
    const started = Date.now();
    const progress = new Progress(io.stderr);

    const manifest = await readManifest(dir);
    const totalBytes = manifest.database.bytes + (manifest.dataroot?.bytes ?? 0);
    progress.start('verify', Math.max(1, totalBytes));
    let checked = 0;
    await verifyParts(dir, manifest, (n) => progress.update((checked += n), `${formatBytes(checked)} of ${formatBytes(totalBytes)}`));
    progress.done('sha256 of every part matches the manifest');

    const regConn = await openRegistry(registry);
    const row = await new RegistryWriter(regConn).getByHost(host).finally(() => regConn.end().catch(() => undefined));
    if (!row || row.state !== 'active') throw tenantNotFound(host, '--host');
    const withDataroot = manifest.dataroot !== null && !values['database-only'];

    const report = await withTenantLock({ registrySettings: registry }, row.id, async (): Promise<RestoreReport> => {
      const settings = tenantConnectionSettings(row, servers);
      const conn = await openConnection(settings, row.dbname);
      try {
        const objects = await listObjects(conn, row.dbname);
        if (withDataroot) checkDatarootPath(row.dataroot);
        const entries = withDataroot ? await folderEntries(row.dataroot) : [];
        if (entries === null) {
          throw new CommandError(`the data folder of ${host} (${row.dataroot}) is not a folder on this machine; run the restore where it is mounted, or pass --database-only`);
        }
        const files = entries.length;
        if ((objects.tables.length > 0 || objects.views.length > 0 || files > 0) && !values.yes) {
          throw new UsageError(
            '--yes',
            `restoring replaces what ${host} holds now (${objects.tables.length} tables in ${row.dbname}` +
              `${withDataroot ? `, ${files} entries in ${row.dataroot}` : ''}); pass --yes to confirm`,
          );
        }
        let step = 'the database';
        try {
          const database = await restoreDatabase(dir, manifest, row, settings, conn, progress);
          step = 'the data folder';
          const dataroot = withDataroot ? await restoreDataroot(dir, manifest, row, progress) : null;
          return { host: row.host, tenant: row.id, snapshotOf: manifest.tenant.host, moodle: manifest.moodle, database, dataroot, durationMs: Date.now() - started };
        } catch (err) {
          // Past this point the tenant's old content is gone: say so, and that a re-run finishes it.
          const reason = err instanceof Error ? err.message : String(err);
          throw new CommandError(`restoring ${step} of ${host} failed: ${reason}\nThe tenant is left partly restored; run the same restore again (with --yes) to finish it.`);
        }
      } finally {
        await conn.end().catch(() => undefined);
      }
    });

    if (values.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else {
      io.stdout.write(
        `restored ${manifest.tenant.host} into ${row.host} in ${formatDuration(report.durationMs)}: ` +
          `${report.database.rowsRewritten} rows moved to ${row.wwwroot}` +
          `${report.dataroot ? `, ${report.dataroot.files} files` : ''}\n`,
      );
    }
    return 0;
  }, io);
}
