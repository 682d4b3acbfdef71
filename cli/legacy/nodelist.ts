// The imported sites as a VMoodle nodelist CSV (vmoodle-inventory.md 2.2): the dist header in
// order, plus the optional `enabled` column, `;`-separated, with VMoodle's `&#44` standing for a
// separator inside a field. vdbpass is left empty on purpose: the passwords live in the vmoodle
// registry now, and a CSV is the kind of file that gets mailed around.
import type { TenantImport } from './mapping';

export const NODELIST_COLUMNS = [
  'vhostname', 'vtemplate', 'name', 'shortname', 'description', 'vdbtype', 'vdbhost', 'vdblogin', 'vdbpass',
  'vdbname', 'vdbpersist', 'vdbprefix', 'vdatapath', 'mnet', 'services', 'enabled',
] as const;

function field(v: string): string {
  // One line per node (VMoodle reads lines with fgets), the separator encoded as VMoodle decodes it.
  return v.replace(/\r?\n|\r/g, ' ').replace(/;/g, '&#44');
}

export function renderNodelist(tenants: readonly TenantImport[]): string {
  const lines = [NODELIST_COLUMNS.join(';')];
  for (const t of tenants) {
    const l = t.legacy;
    const values: Record<(typeof NODELIST_COLUMNS)[number], string> = {
      vhostname: l.vhostname.replace(/\/+$/, ''),
      vtemplate: '',
      name: t.name,
      shortname: t.shortname,
      description: t.description,
      vdbtype: l.vdbtype,
      vdbhost: l.vdbhost,
      vdblogin: t.dbuser,
      vdbpass: '',
      vdbname: t.dbname,
      vdbpersist: String(l.vdbpersist),
      vdbprefix: t.prefix,
      vdatapath: t.dataroot,
      mnet: String(l.mnet),
      services: l.mnet > 0 ? 'subnetwork' : 'default',
      enabled: t.enabled ? '1' : '0',
    };
    lines.push(NODELIST_COLUMNS.map((c) => field(values[c])).join(';'));
  }
  return lines.join('\n') + '\n';
}
