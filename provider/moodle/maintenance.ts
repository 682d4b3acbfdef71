// Moodle's two maintenance switches on one tenant (moodle-facts.md B): the `maintenance_enabled`
// setting (site mode: admins still get in) and the file {dataroot}/climaintenance.html (CLI mode:
// checked before the database is even opened, so nobody gets in and no cache is involved).
import { readFile, writeFile, rename, rm, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { TenantDb } from '../fleet/tenant-db';
import { inTransaction, readSettings, setSetting, truthy } from './config';
import { invalidateConfigCache } from './caches';

export const CLI_MAINTENANCE_FILE = 'climaintenance.html';
const TEMPLATE_FILE = 'climaintenance.template.html';

/** get_string('sitemaintenance', 'admin'), the default English string. */
const SITE_MAINTENANCE = 'The site is undergoing maintenance and is currently not available';

export type MaintenanceMode = 'site' | 'cli';

export interface MaintenanceDesired {
  enabled: boolean;
  mode: MaintenanceMode;
  message: string;
}

export interface MaintenanceObserved {
  /** `maintenance_enabled` is on. */
  site: boolean;
  /** climaintenance.html exists. */
  cli: boolean;
  /** The message shown: from the file when it exists, else `maintenance_message`. */
  message: string;
}

/** html_is_blank(): no text once tags are stripped. */
function isBlank(html: string): boolean {
  return html.replace(/<[^>]*>/g, '').trim() === '';
}

/**
 * The page enable_cli_maintenance_mode() (lib/adminlib.php) writes for a message:
 * bootstrap_renderer::early_error_content() inside plain_page(), i.e. error/plainpage.php.
 */
export function renderCliMaintenancePage(message: string): string {
  const title = SITE_MAINTENANCE;
  const content = `<div class='alert-danger'>${isBlank(message) ? SITE_MAINTENANCE : message}</div>`;
  return `<!DOCTYPE html>
<html  dir="ltr" lang="en" xml:lang="en">
    <head>
        <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
        
        <title>${title}</title>
        <style>
body {
    margin: 0;
    font-family: -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif,"Apple Color Emoji","Segoe UI Emoji","Segoe UI Symbol","Noto Color Emoji";
    font-size: .9375rem;
    font-weight: 400;
    line-height: 1.5;
    color: #343a40;
    text-align: left;
    background-color: #f2f2f2;
}
#page {
    margin-top: 15px;
    background: white;
    max-width: 600px;
    margin: 0 auto;
    padding: 15px;
}
#region-main {
    margin: 0 auto;
    border: 1px solid rgba(0,0,0,.125);
    padding: 1rem 1.25rem 1.25rem;
    background-color: #fff;
}
h1 {
    font-size: 2.34rem;
    margin: 0 0 .5rem;
    font-weight: 300;
    line-height: 1.2;
}
.alert-danger {
    color: #6e211e;
    background-color: #f6d9d8;
    border-color: #f3c9c8;
    padding: .75rem 1.25rem;
}
    </style>
    </head>
    <body>
        <div id="page">
            <div id="region-main">
                <h1>${title}</h1>
                ${content}
                
            </div>
        </div>
    </body>
</html>
`;
}

/**
 * The message a page carries: ours when the page is exactly what we render for it, '' for the
 * default page or the site's own template, otherwise the raw file (edited by hand: that is drift).
 */
export function messageOfPage(page: string, template: string | null): string {
  if (template !== null && page === template) return '';
  const m = /<div class='alert-danger'>([\s\S]*)<\/div>\n {16}\n/.exec(page);
  if (m) {
    const message = m[1] === SITE_MAINTENANCE ? '' : m[1]!;
    if (renderCliMaintenancePage(message) === page) return message;
  }
  return page;
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** $CFG->filepermissions: a forced octal override on the tenant, else Moodle's default 0666. */
function filePermissions(t: TenantDb): number {
  const forced = t.row.config.filepermissions;
  return forced && /^0?[0-7]{3,4}$/.test(forced) ? parseInt(forced, 8) : 0o666;
}

export async function observeMaintenance(t: TenantDb): Promise<MaintenanceObserved> {
  const settings = await inTransaction(t, (tx) => readSettings(tx, [{ plugin: 'core', name: 'maintenance_enabled' }, { plugin: 'core', name: 'maintenance_message' }]));
  const page = await readOptional(join(t.row.dataroot, CLI_MAINTENANCE_FILE));
  const template = page === null ? null : await readOptional(join(t.row.dataroot, TEMPLATE_FILE));
  return {
    site: truthy(settings.get('maintenance_enabled')),
    cli: page !== null,
    message: page !== null ? messageOfPage(page, template) : settings.get('maintenance_message') ?? '',
  };
}

/** What each desired state looks like when observed, for planning and drift. */
export function expectedMaintenance(d: MaintenanceDesired): MaintenanceObserved {
  return { site: d.enabled && d.mode === 'site', cli: d.enabled && d.mode === 'cli', message: d.message };
}

/**
 * Site mode: `maintenance_enabled` 1 and the message (admin/settings/server.php). CLI mode: what
 * `admin/cli/maintenance.php --enable` does: the file written from the message (or the site's
 * template, or the default page), `maintenance_enabled` 0. Either way a pending
 * `maintenance_later` is dropped, since the resource now says what the state is.
 */
export async function applyMaintenance(t: TenantDb, d: MaintenanceDesired): Promise<MaintenanceObserved> {
  const changed = await inTransaction(t, async (tx) => {
    let changed = false;
    const want: Array<[string, string | null]> = [
      ['maintenance_enabled', d.enabled && d.mode === 'site' ? '1' : '0'],
      ['maintenance_message', d.message],
      ['maintenance_later', null],
    ];
    const current = await readSettings(tx, want.map(([name]) => ({ plugin: 'core', name })));
    for (const [name, value] of want) {
      if ((current.get(name) ?? null) === value) continue;
      await setSetting(tx, { plugin: 'core', name }, value);
      changed = true;
    }
    return changed;
  });
  if (changed) await invalidateConfigCache(t);
  const file = join(t.row.dataroot, CLI_MAINTENANCE_FILE);
  if (d.enabled && d.mode === 'cli') {
    const template = isBlank(d.message) ? await readOptional(join(t.row.dataroot, TEMPLATE_FILE)) : null;
    const page = template ?? renderCliMaintenancePage(d.message);
    if ((await readOptional(file)) !== page) {
      // Written aside and renamed: a request never reads a half-written page.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, page);
      await chmod(tmp, filePermissions(t));
      await rename(tmp, file);
    }
  } else {
    await rm(file, { force: true });
  }
  return observeMaintenance(t);
}

/** Ends maintenance in both modes (destroy, or a tenant leaving the resource). */
export async function endMaintenance(t: TenantDb): Promise<void> {
  const changed = await inTransaction(t, async (tx) => {
    const current = await readSettings(tx, [{ plugin: 'core', name: 'maintenance_enabled' }]);
    if ((current.get('maintenance_enabled') ?? '0') === '0') return false;
    await setSetting(tx, { plugin: 'core', name: 'maintenance_enabled' }, '0');
    return true;
  });
  if (changed) await invalidateConfigCache(t);
  await rm(join(t.row.dataroot, CLI_MAINTENANCE_FILE), { force: true });
}
