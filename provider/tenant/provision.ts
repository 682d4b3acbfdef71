// Creating, changing and removing a tenant's real parts: database, user and grants, data folder,
// registry row. Create is all-or-nothing within one call and resumable across calls: the registry
// row is written first (state "creating"), so an apply killed half-way leaves a row that tells the
// next apply what is ours to finish or clean up.
import { mkdir, chmod, rm, rename, stat } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import type { VmoodleContext } from '../provider';
import type { TenantRow } from '../../registry/writer';
import * as admin from '../mysql/admin';
import { DatabaseTimeoutError, type ServerRef } from '../mysql/bounds';
import { withTenantLock } from './lock';
import { loadSqlDump, detectTablePrefix, renameTablePrefix } from '../moodle/sql-loader';
import { readLocalWwwroot, rewriteWwwroot, resetSiteIdentifier } from '../moodle/wwwroot';
import { mnetAfterDomainSwitch } from '../moodle/mnet/rename';
import { AttributeError } from '../framework/diagnostics';
import { registerSecret, log } from '../plugin/log';
import { type TenantSpec, effectivePassword, generatePassword } from './model';

export class ProvisionError extends Error {
  override name = 'ProvisionError';
  /** Set when a database bound was hit: the diagnostic's summary and what to do (framework/diagnostics.ts). */
  readonly summary?: string;
  readonly hint?: string;

  constructor(detail: string, cause?: unknown) {
    super(detail);
    if (cause instanceof DatabaseTimeoutError) {
      this.summary = cause.summary;
      this.hint = cause.hint;
    }
  }
}

interface Undo {
  what: string;
  /** Where the undo runs; null for the file system. */
  on: ServerRef | null;
  /** The registry row: the record the next apply resumes from, so it goes only when nothing else is left. */
  record?: boolean;
  run: () => Promise<void>;
}

function sameServer(a: ServerRef, b: ServerRef): boolean {
  return a.kind === 'registry' ? b.kind === 'registry' : b.kind === 'server' && a.name === b.name;
}

const REGISTRY: ServerRef = { kind: 'registry' };

/**
 * Rethrows a timeout with the tenant and the action in its message and what the next apply does;
 * any other error unchanged.
 */
function explainTimeout(err: unknown, action: string, next: string): never {
  if (err instanceof DatabaseTimeoutError) throw new ProvisionError(`${action}: ${err.message}.\n${next}`, err);
  throw err;
}

function rowFromSpec(spec: TenantSpec, password: string, ctx: VmoodleContext): Omit<TenantRow, 'state'> {
  const server = ctx.servers.get(spec.database.server);
  if (!server) throw new AttributeError(['database', 'server'], 'Unknown database server', `No server named "${spec.database.server}" is configured; known: ${[...ctx.servers.keys()].join(', ')}.`);
  return {
    id: spec.id,
    host: spec.host,
    enabled: spec.enabled,
    name: spec.name,
    shortname: spec.shortname,
    description: spec.description,
    wwwroot: spec.wwwroot,
    server: spec.database.server,
    dbtype: 'mariadb',
    dbhost: server.moodleHost,
    dbport: server.socket ? null : server.port,
    dbsocket: server.socket ?? null,
    dbname: spec.database.name,
    dbuser: spec.database.user,
    dbuserHost: spec.database.userHost,
    dbpass: password,
    prefix: spec.database.prefix,
    dataroot: spec.dataroot,
    config: spec.config,
  };
}

function checkDatarootPath(path: string): void {
  const abs = resolvePath(path);
  if (abs !== path || abs.split('/').filter(Boolean).length < 2) {
    throw new AttributeError(['dataroot'], 'Unsafe dataroot', `dataroot must be an absolute, normalised path at least two folders deep; got "${path}".`);
  }
}

async function ensureDataroot(path: string): Promise<boolean> {
  checkDatarootPath(path);
  let created = false;
  try {
    await stat(path);
  } catch {
    await mkdir(dirname(path), { recursive: true });
    await mkdir(path, { mode: 0o2770 });
    created = true;
  }
  // mkdir's mode is filtered by the umask; Moodle's web server group needs rwx and setgid.
  await chmod(path, 0o2770);
  return created;
}

async function loadTemplate(ctx: VmoodleContext, spec: TenantSpec, password: string): Promise<void> {
  if (!spec.template) return;
  const pool = ctx.pools.get(spec.database.server);
  const db = spec.database.name;
  // Loaded as the tenant's own user: a hostile or mistaken dump cannot reach other databases.
  const asTenant = ctx.pools.connect(spec.database.server, { database: db, as: { user: spec.database.user, password }, multipleStatements: true });
  await loadSqlDump(asTenant, spec.template).catch((err: unknown) => {
    // A timeout is the server's fault, not the template's: it keeps its own diagnostic.
    if (err instanceof DatabaseTimeoutError) throw err;
    throw new AttributeError(['template'], 'Could not load the template', err instanceof Error ? err.message : String(err));
  });
  const found = await detectTablePrefix(pool, db);
  if (!found) throw new AttributeError(['template'], 'Template is not a Moodle site', `No <prefix>config and <prefix>config_plugins tables were found after loading ${spec.template}.`);
  if (found !== spec.database.prefix) await renameTablePrefix(pool, db, found, spec.database.prefix);
  const oldRoot = await readLocalWwwroot(pool, db, spec.database.prefix);
  if (oldRoot && oldRoot !== spec.wwwroot) await rewriteWwwroot(pool, db, spec.database.prefix, oldRoot, spec.wwwroot);
  // Two sites must never share a site identifier: it namespaces every cache key.
  await resetSiteIdentifier(pool, db, spec.database.prefix, spec.host);
}

/**
 * Creates every part of the tenant, or none: on failure, what this call created is removed again
 * and the error says which step failed and what was undone.
 */
export function createTenant(ctx: VmoodleContext, spec: TenantSpec): Promise<TenantSpec> {
  return withTenantLock(ctx, spec.id, () => createUnlocked(ctx, spec));
}

async function createUnlocked(ctx: VmoodleContext, spec: TenantSpec): Promise<TenantSpec> {
  const registry = await ctx.registry();
  const pool = ctx.pools.get(spec.database.server);
  const password = effectivePassword(spec) ?? generatePassword();
  registerSecret(password);
  const row = rowFromSpec(spec, password, ctx);
  const server: ServerRef = { kind: 'server', name: spec.database.server };
  const undo: Undo[] = [];
  let step = 'check the registry';
  try {
    const existing = await registry.getById(spec.id);
    if (existing && existing.host !== spec.host) {
      throw new AttributeError(['database', 'name'], 'Database already belongs to another tenant', `Database "${spec.database.name}" on server "${spec.database.server}" is registered to ${existing.host}. Choose another database name.`);
    }
    if (!existing) {
      step = 'check that the database is free';
      if (await admin.databaseExists(pool, spec.database.name)) {
        if (!spec.adoptExistingDatabase) {
          throw new AttributeError(['database', 'name'], 'Database already exists', `A database "${spec.database.name}" already exists on server "${spec.database.server}" and is not managed by vmoodle. Choose another name, drop that database if it is not in use, or set adopt_existing_database = true to make it this tenant's database (kept as it is).`);
        }
        log.info('adopting an existing database', { tenant: spec.id, database: spec.database.name });
      }
      step = 'register the tenant';
      await registry.insertCreating(row);
      undo.push({ what: 'registry row', on: REGISTRY, record: true, run: () => registry.remove(spec.id) });
    } else if (existing.state !== 'active') {
      // Left by an interrupted apply: the database was never served, so it is rebuilt from scratch.
      step = 'clean up an interrupted create';
      log.info('resuming an interrupted create', { tenant: spec.id, state: existing.state });
      await registry.update(spec.id, { ...row, state: 'creating' });
      // An adopted database holds data vmoodle did not create: it is never dropped to start over.
      if (!spec.adoptExistingDatabase) await admin.dropDatabase(pool, spec.database.name);
    }

    // A new tenant may not name a database user another tenant has. Without this check it reset
    // that user's password (breaking the other site) and was granted its own database on top of the
    // other's, so either site's credentials opened both (hardening suite, destroy-safety). Checked
    // after this tenant's row exists, so two creates racing for one user cannot both pass. Tenants
    // registered already (a resumed create; fleets imported from VMoodle that share one account on
    // purpose, see cli/legacy/mapping.ts) keep the user they were registered with.
    step = 'check that the database user is free';
    const sharing =
      existing === null &&
      (await registry.list({ server: spec.database.server })).find(
        (t) => t.id !== spec.id && t.dbuser === spec.database.user && t.dbuserHost === spec.database.userHost,
      );
    if (sharing) {
      throw new AttributeError(['database', 'user'], 'Database user already in use', `User ${spec.database.user}@${spec.database.userHost} on server "${spec.database.server}" belongs to tenant ${sharing.host}. Each tenant needs a user of its own: sharing one would reset the other site's password and give each site the other's database.`);
    }

    step = 'create the database';
    let fresh = false;
    if (!(await admin.databaseExists(pool, spec.database.name))) {
      await admin.createDatabase(pool, spec.database.name);
      fresh = true;
      undo.push({ what: `database ${spec.database.name}`, on: server, run: async () => { await admin.dropDatabase(pool, spec.database.name); } });
    }

    step = 'create the database user';
    if (await admin.userExists(pool, spec.database.user, spec.database.userHost)) {
      await admin.setUserPassword(pool, spec.database.user, spec.database.userHost, password);
    } else {
      await admin.createUser(pool, spec.database.user, spec.database.userHost, password);
      undo.push({ what: `user ${spec.database.user}@${spec.database.userHost}`, on: server, run: async () => { await admin.dropUser(pool, spec.database.user, spec.database.userHost); } });
    }
    step = 'grant the user its database';
    await admin.grantDatabase(pool, spec.database.user, spec.database.userHost, spec.database.name);

    if (fresh) {
      step = 'load the template';
      await loadTemplate(ctx, spec, password);
    }

    step = 'create the data folder';
    if (await ensureDataroot(spec.dataroot)) {
      undo.push({ what: `data folder ${spec.dataroot}`, on: null, run: () => rm(spec.dataroot, { recursive: true, force: true }) });
    }

    step = 'activate the tenant in the registry';
    await registry.update(spec.id, { ...row, state: 'active' });
  } catch (err) {
    const timeout = err instanceof DatabaseTimeoutError ? err : undefined;
    const undone: string[] = [];
    const left: string[] = [];
    let rowKept = false;
    for (const u of undo.reverse()) {
      // Removing the row while something it accounts for is left would orphan that: the next apply
      // would find a database it does not know and refuse it as not managed by vmoodle.
      if (u.record && left.length > 0) {
        rowKept = true;
        continue;
      }
      // Undo on a server that did not answer would wait just as long again, step after step; the
      // next apply resumes from the registry row and cleans up instead.
      if (timeout?.unresponsive && u.on && sameServer(u.on, timeout.server)) {
        left.push(u.what);
        continue;
      }
      try {
        await u.run();
        undone.push(u.what);
      } catch {
        left.push(u.what);
      }
    }
    const reason = err instanceof Error ? err.message : String(err);
    const detail =
      `Creating tenant ${spec.host}: step "${step}" failed: ${reason}` +
      (undone.length ? `\nUndone: ${undone.join(', ')}.` : undo.length === 0 ? '\nNothing had been created yet.' : '') +
      (left.length ? `\nCould not undo: ${left.join(', ')}; the next apply will finish or clean them up.` : '') +
      (rowKept ? '\nIts registry row stays in state "creating" so that the next apply can do that.' : '');
    if (err instanceof AttributeError) throw new AttributeError(err.path, err.summary, detail);
    throw new ProvisionError(detail, err);
  }
  return { ...spec, database: { ...spec.database, password: spec.database.passwordWo !== null ? null : password, passwordWo: null } };
}

/** `writeOnly`: the password comes from password_wo and must not be returned for the state. */
export function updateTenant(ctx: VmoodleContext, prior: TenantSpec, next: TenantSpec, rotatePassword: boolean, writeOnly: boolean): Promise<TenantSpec> {
  return withTenantLock(ctx, prior.id, () => updateUnlocked(ctx, prior, next, rotatePassword, writeOnly)).catch((err: unknown) =>
    explainTimeout(err, `Updating tenant ${prior.host}`, 'Every step of an update can be repeated: the next apply finishes it.'),
  );
}

async function updateUnlocked(ctx: VmoodleContext, prior: TenantSpec, next: TenantSpec, rotatePassword: boolean, writeOnly: boolean): Promise<TenantSpec> {
  const registry = await ctx.registry();
  const pool = ctx.pools.get(next.database.server);
  const current = await registry.getById(prior.id);
  if (!current) throw new ProvisionError(`Tenant ${prior.host} is no longer in the registry; run terraform apply again to re-create it.`);

  let password = current.dbpass;
  if (rotatePassword) {
    password = effectivePassword(next) ?? generatePassword();
    registerSecret(password);
  }
  if (prior.database.user !== next.database.user || prior.database.userHost !== next.database.userHost) {
    await admin.renameUser(pool, prior.database.user, prior.database.userHost, next.database.user, next.database.userHost);
  }
  if (rotatePassword) await admin.setUserPassword(pool, next.database.user, next.database.userHost, password);
  if (prior.wwwroot !== next.wwwroot) {
    // Domain switch: the site's own tables carry its URL (MNet host row, no-reply address, links).
    // A database Moodle has not been installed into yet holds no URL to rewrite.
    if ((await admin.listTables(pool, next.database.name)).includes(`${next.database.prefix}config`)) {
      await rewriteWwwroot(pool, next.database.name, next.database.prefix, prior.wwwroot, next.wwwroot);
    }
    // Its MNet certificate and its peers' rows name the old wwwroot too (a no-op without MNet).
    await mnetAfterDomainSwitch(ctx, current, prior.wwwroot, next.wwwroot);
  }
  if (prior.dataroot !== next.dataroot) {
    checkDatarootPath(next.dataroot);
    await mkdir(dirname(next.dataroot), { recursive: true });
    await rename(prior.dataroot, next.dataroot);
  }
  const row = rowFromSpec(next, password, ctx);
  await registry.update(next.id, { ...row, state: 'active' });
  return { ...next, database: { ...next.database, password: writeOnly ? null : password, passwordWo: null } };
}

/** Removes every part; each step tolerates a part that is already gone, so delete can be re-run. */
export function deleteTenant(ctx: VmoodleContext, spec: TenantSpec): Promise<void> {
  return withTenantLock(ctx, spec.id, () => deleteUnlocked(ctx, spec)).catch((err: unknown) =>
    explainTimeout(err, `Destroying tenant ${spec.host}`, 'Nothing is lost: the tenant stays in the Terraform state, and the next apply finishes the destroy.'),
  );
}

async function deleteUnlocked(ctx: VmoodleContext, spec: TenantSpec): Promise<void> {
  const registry = await ctx.registry();
  const row = await registry.getById(spec.id);
  const server = row?.server ?? spec.database.server;
  const pool = ctx.pools.get(server);
  if (row) await registry.markDeleting(spec.id);
  await admin.dropDatabase(pool, row?.dbname ?? spec.database.name);
  await admin.dropUser(pool, row?.dbuser ?? spec.database.user, row?.dbuserHost ?? spec.database.userHost);
  const dataroot = row?.dataroot ?? spec.dataroot;
  checkDatarootPath(dataroot);
  await rm(dataroot, { recursive: true, force: true });
  if (row) await registry.remove(spec.id);
}
