// Where a standalone config.php gets its tenant: the registry row read exactly as the sidecar reads
// it (same columns, raw config JSON) and validated by the sidecar's own mapping, so the rendered
// file and the sidecar can never disagree about a value.
import type { RowDataPacket } from 'mysql2/promise';
import { TABLES } from '../registry/schema';
import { tenantFromRegistryRow, type RegistryTenantRow, type TenantRecord } from '../sidecar/tenant-record';
import type { Queryable } from '../provider/mysql/pools';

const COLUMNS = 'id, host, enabled, name, shortname, wwwroot, server, dbtype, dbhost, dbport, dbsocket, dbname, dbuser, dbpass, prefix, dataroot, config';

/** An active tenant by id or by (normalised) host; null when there is none. Throws InvalidTenantError on a bad row. */
export async function loadTenantRecord(q: Queryable, by: { id: string } | { host: string }): Promise<TenantRecord | null> {
  const [column, value] = 'id' in by ? ['id', by.id] : ['host', by.host];
  const [rows] = await q.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM ${TABLES.tenant} WHERE ${column} = ? AND state = 'active'`, [value]);
  const row = rows[0];
  return row ? tenantFromRegistryRow(row as unknown as RegistryTenantRow) : null;
}
