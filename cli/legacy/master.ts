// Reads a VMoodle master's register, table `<prefix>local_vmoodle` (vmoodle-inventory.md 2.1), with
// SELECT only: the legacy fleet is never written to. Columns added late (metadata) or missing in
// old versions take VMoodle's defaults.
import type { RowDataPacket } from 'mysql2/promise';
import { queryRows } from '../../provider/mysql/admin';
import { qualifiedName } from '../../provider/mysql/identifiers';
import { openConnection } from '../../provider/mysql/pools';
import type { ServerSettings } from '../../provider/mysql/dsn';
import { CommandError } from '../args';

export interface LegacyRow {
  id: number;
  name: string;
  shortname: string;
  description: string;
  /** `scheme://host[:port][/subpath]` */
  vhostname: string;
  vdbtype: string;
  vdbhost: string;
  vdblogin: string;
  vdbpass: string;
  vdbname: string;
  vdbprefix: string;
  vdbpersist: number;
  vdatapath: string;
  /** -1 no MNet, 0 MNet with the master only, N > 0 subnetwork N. */
  mnet: number;
  enabled: boolean;
}

function text(v: unknown, fallback = ''): string {
  if (v === null || v === undefined) return fallback;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

function int(v: unknown, fallback: number): number {
  const n = Number(v);
  return v === null || v === undefined || !Number.isFinite(n) ? fallback : Math.trunc(n);
}

export function decodeLegacyRow(r: RowDataPacket): LegacyRow {
  return {
    id: int(r.id, 0),
    name: text(r.name).trim(),
    shortname: text(r.shortname).trim(),
    description: text(r.description),
    vhostname: text(r.vhostname).trim(),
    vdbtype: text(r.vdbtype, 'mysqli').trim() || 'mysqli',
    vdbhost: text(r.vdbhost, 'localhost').trim() || 'localhost',
    vdblogin: text(r.vdblogin, 'root').trim(),
    vdbpass: text(r.vdbpass),
    vdbname: text(r.vdbname).trim(),
    vdbprefix: text(r.vdbprefix, 'mdl_').trim() || 'mdl_',
    vdbpersist: int(r.vdbpersist, 0),
    vdatapath: text(r.vdatapath).trim(),
    mnet: int(r.mnet, 0),
    enabled: int(r.enabled, 1) !== 0,
  };
}

/** Every row of the register, by id. `settings.database` is the master's database. */
export async function readLegacyRows(settings: ServerSettings, prefix: string): Promise<LegacyRow[]> {
  if (!settings.database) throw new CommandError('--master: the DSN must name the master database, e.g. mysql://user:pass@host:3306/moodle');
  const conn = await openConnection(settings, settings.database);
  try {
    const table = qualifiedName(settings.database, `${prefix}local_vmoodle`);
    const rows = await queryRows<RowDataPacket>(conn, `read ${prefix}local_vmoodle`, `SELECT * FROM ${table} ORDER BY id`).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      throw new CommandError(/doesn't exist|ER_NO_SUCH_TABLE/i.test(message) ? `the master has no table ${prefix}local_vmoodle (is --prefix right?)` : message);
    });
    return rows.map(decodeLegacyRow);
  } finally {
    await conn.end().catch(() => undefined);
  }
}
