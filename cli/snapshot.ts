// `vmoodle snapshot HOST --out DIR`: a consistent copy of one tenant: its database (one
// transaction, streamed through mysql2) and its data folder (tar.gz without caches), plus a
// manifest with the Moodle version and the sha256 of each part. The dump works as a
// vmoodle_tenant template as it is; `vmoodle restore` puts the whole snapshot into a tenant.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RegistryWriter } from '../registry/writer';
import { openConnection } from '../provider/mysql/pools';
import { providerVersion } from './provider-install';
import { CommandError, UsageError, parseCommand, runCommand, processIo, type Io } from './args';
import { hostKey, openRegistry, registrySettings, serverSettings, tenantConnectionSettings, tenantNotFound, REGISTRY_HELP } from './config';
import { Progress, formatBytes, formatDuration } from './progress';
import { GzipSink } from './snapshot/gzip-sink';
import { dumpDatabase } from './snapshot/sql-dump';
import { countDataroot, excludedPaths, packDataroot } from './snapshot/tar-pack';
import { DATABASE_PART, DATAROOT_PART, MANIFEST_FORMAT, MANIFEST_VERSION, writeManifest, type SnapshotManifest } from './snapshot/manifest';

export const SNAPSHOT_USAGE = `usage: vmoodle snapshot HOST --out DIR [options]

Copies one tenant into DIR: database.sql.gz (a consistent dump, one transaction, usable as a
vmoodle_tenant template), dataroot.tar.gz (its data folder without cache, localcache, temp,
sessions, lock and trashdir) and manifest.json (Moodle version, sizes, sha256 of each part).

  HOST                   the tenant's host (or host/subpath), as in the registry
  --out DIR              folder to create (it must not exist, or be empty)
  --database-only        skip the data folder (e.g. to make a template)
  ${REGISTRY_HELP}
  --json                 print the manifest as JSON on stdout
  -h, --help             this text

The database is read as the tenant's own database user, through VMOODLE_SERVER_<NAME> when set,
else through the address in the registry. Progress goes to stderr.
`;

const spec = {
  name: 'snapshot',
  positionals: ['HOST'],
  options: { out: { type: 'string' }, registry: { type: 'string' }, 'database-only': { type: 'boolean' } },
} as const;

/** Creates DIR (0700: a snapshot holds user data and password hashes) or accepts an empty one. */
async function prepareOut(dir: string): Promise<boolean> {
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw new UsageError('--out', `${dir} exists and is not a folder`);
    if ((await readdir(dir)).length > 0) throw new UsageError('--out', `${dir} is not empty; snapshots never overwrite one another`);
    return false;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return true;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

export async function snapshotCommand(argv: string[], io: Io = processIo()): Promise<number> {
  return runCommand('snapshot', async () => {
    const parsed = parseCommand(argv, spec);
    if (parsed === 'help') {
      io.stdout.write(SNAPSHOT_USAGE);
      return 0;
    }
    const { values, positionals } = parsed;
    const host = hostKey(positionals[0]!, 'HOST');
    if (!values.out) throw new UsageError('--out', 'is required: the folder to write the snapshot into');
    const out = resolve(values.out);
    const registry = registrySettings(values.registry, io.env);
    const servers = serverSettings(io.env);

    const regConn = await openRegistry(registry);
    const row = await new RegistryWriter(regConn).getByHost(host).finally(() => regConn.end().catch(() => undefined));
    if (!row || row.state !== 'active') throw tenantNotFound(host, 'HOST');
    const withDataroot = !values['database-only'];
    if (withDataroot && !(await isDirectory(row.dataroot))) {
      throw new CommandError(`the data folder of ${host} (${row.dataroot}) is not a folder on this machine; run the snapshot where it is mounted, or pass --database-only`);
    }

    const created = await prepareOut(out);
    const progress = new Progress(io.stderr);
    const started = Date.now();
    const partial: string[] = [];
    try {
      // Database: one connection of its own, as the tenant's user (SELECT and SHOW VIEW suffice).
      const dbPath = join(out, DATABASE_PART);
      const dbSink = new GzipSink(`${dbPath}.partial`);
      partial.push(`${dbPath}.partial`);
      const conn = await openConnection(tenantConnectionSettings(row, servers), row.dbname);
      let dump;
      let begun = false;
      try {
        dump = await dumpDatabase(conn, row.dbname, row.prefix, dbSink, (p) => {
          if (!begun) progress.start(`database ${row.dbname}`, Math.max(1, p.rowsEstimate));
          begun = true;
          progress.update(p.rowsDone, `${p.tablesDone}/${p.tables} tables, ${p.rowsDone} rows, ${formatBytes(dbSink.rawBytes)}${p.table ? ` (${p.table})` : ''}`);
        });
      } catch (err) {
        await dbSink.abort();
        throw err;
      } finally {
        await conn.end().catch(() => undefined);
      }
      const dbPart = await dbSink.end();
      await rename(`${dbPath}.partial`, dbPath);
      partial.push(dbPath);
      progress.done(`${Object.keys(dump.tables).length} tables, ${dump.rows} rows, ${formatBytes(dbPart.bytes)} gzip`);
      for (const t of dump.nonTransactional) progress.note(`warning: table ${t} is not InnoDB; rows written to it during the dump may be inconsistent`);

      let dataroot: SnapshotManifest['dataroot'] = null;
      if (withDataroot) {
        const excluded = excludedPaths(row.dataroot, row.config);
        const totals = await countDataroot(row.dataroot, excluded);
        const tarPath = join(out, DATAROOT_PART);
        const tarSink = new GzipSink(`${tarPath}.partial`);
        partial.push(`${tarPath}.partial`);
        progress.start(`dataroot ${row.dataroot}`, Math.max(1, totals.bytes));
        let packed;
        try {
          packed = await packDataroot(row.dataroot, excluded, tarSink, (bytes, files) =>
            progress.update(bytes, `${files}/${totals.files} files, ${formatBytes(bytes)} of ${formatBytes(totals.bytes)}`),
          );
        } catch (err) {
          await tarSink.abort();
          throw err;
        }
        const tarPart = await tarSink.end();
        await rename(`${tarPath}.partial`, tarPath);
        partial.push(tarPath);
        progress.done(`${packed.files} files, ${formatBytes(packed.bytes)} (${formatBytes(tarPart.bytes)} gzip)`);
        for (const w of packed.warnings) progress.note(`warning: ${w}`);
        dataroot = {
          file: DATAROOT_PART,
          ...tarPart,
          path: row.dataroot,
          files: packed.files,
          directories: packed.directories,
          symlinks: packed.symlinks,
          contentBytes: packed.bytes,
          excluded: packed.excluded,
          warnings: packed.warnings,
        };
      }

      const manifest: SnapshotManifest = {
        format: MANIFEST_FORMAT,
        formatVersion: MANIFEST_VERSION,
        createdAt: new Date(started).toISOString(),
        createdBy: `vmoodle ${providerVersion()}`,
        durationMs: Date.now() - started,
        tenant: { id: row.id, host: row.host, wwwroot: row.wwwroot, server: row.server, database: row.dbname, prefix: row.prefix },
        moodle: dump.moodle,
        database: { file: DATABASE_PART, ...dbPart, tables: dump.tables, rows: dump.rows, nonTransactional: dump.nonTransactional, skipped: dump.skipped },
        dataroot,
      };
      await writeManifest(out, manifest);
      if (values.json) io.stdout.write(JSON.stringify({ dir: out, manifest }, null, 2) + '\n');
      else {
        const moodle = manifest.moodle.release ? `Moodle ${manifest.moodle.release}` : 'no Moodle version found';
        io.stdout.write(`snapshot of ${row.host} (${moodle}) written to ${out} in ${formatDuration(manifest.durationMs)}\n`);
      }
      return 0;
    } catch (err) {
      // Leave nothing that looks like a snapshot: the parts written so far go, and the folder if we made it.
      await Promise.all(partial.map((p) => rm(p, { force: true })));
      if (created) await rm(out, { recursive: true, force: true });
      throw err;
    }
  }, io);
}
