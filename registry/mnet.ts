// Registry records of MNet subnetworks (tables from migration 2 in schema.ts): what was last
// applied, per subnetwork, with its members in declaration order and the wwwroot each member had.
// Peering is a relation between tenants that several subnetworks may share, so applying one
// subnetwork needs the others; and a tenant's domain switch needs to find its peers. Sidecars do
// not read these tables, so writes here do not bump the registry generation.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { execute, queryRows } from '../provider/mysql/admin';
import { withConnection } from '../provider/mysql/pools';

export const MNET_TABLES = {
  subnetwork: 'vmoodle_mnet_subnetwork',
  member: 'vmoodle_mnet_member',
  roamingRole: 'vmoodle_mnet_roaming_role',
  roamingGrant: 'vmoodle_mnet_roaming_grant',
} as const;

export interface SubnetworkMember {
  tenantId: string;
  /** The member's wwwroot when last applied: how its peers' rows name it. */
  wwwroot: string;
}

export interface SubnetworkRecord {
  name: string;
  services: string[];
  keyLifetimeDays: number;
  renewBeforeDays: number;
  /** In declaration order. */
  members: SubnetworkMember[];
  /** Role shortnames granted moodle/site:mnetlogintoremote on identity-provider members, sorted. */
  roamingRoles: string[];
}

export class MnetRegistryError extends Error {
  override name = 'MnetRegistryError';
}

function decodeServices(v: unknown): string[] {
  const parsed: unknown = typeof v === 'string' || Buffer.isBuffer(v) ? JSON.parse(String(v)) : v;
  if (!Array.isArray(parsed) || !parsed.every((s): s is string => typeof s === 'string')) throw new MnetRegistryError('a subnetwork has a services column that is not a JSON list of names');
  return parsed;
}

export class MnetRegistry {
  constructor(private readonly pool: Pool) {}

  async get(name: string): Promise<SubnetworkRecord | null> {
    return (await this.load('name = ?', [name]))[0] ?? null;
  }

  /** Every subnetwork that has at least one of the given tenants as a member. */
  async containing(tenantIds: readonly string[]): Promise<SubnetworkRecord[]> {
    if (tenantIds.length === 0) return [];
    return this.load(`name IN (SELECT subnetwork FROM ${MNET_TABLES.member} WHERE tenant_id IN (${tenantIds.map(() => '?').join(', ')}))`, [...tenantIds]);
  }

  private async load(where: string, values: string[]): Promise<SubnetworkRecord[]> {
    const subs = await queryRows<RowDataPacket>(
      this.pool,
      'read MNet subnetworks',
      `SELECT name, services, key_lifetime_days, renew_before_days FROM ${MNET_TABLES.subnetwork} WHERE ${where} ORDER BY name`,
      values,
    );
    if (subs.length === 0) return [];
    const names = subs.map((r) => String(r.name));
    const members = await queryRows<RowDataPacket>(
      this.pool,
      'read MNet subnetwork members',
      `SELECT subnetwork, tenant_id, wwwroot FROM ${MNET_TABLES.member} WHERE subnetwork IN (${names.map(() => '?').join(', ')}) ORDER BY subnetwork, position`,
      names,
    );
    const roaming = await queryRows<RowDataPacket>(
      this.pool,
      'read MNet roaming roles',
      `SELECT subnetwork, role_shortname FROM ${MNET_TABLES.roamingRole} WHERE subnetwork IN (${names.map(() => '?').join(', ')}) ORDER BY subnetwork, role_shortname`,
      names,
    );
    return subs.map((r) => ({
      name: String(r.name),
      services: decodeServices(r.services),
      keyLifetimeDays: Number(r.key_lifetime_days),
      renewBeforeDays: Number(r.renew_before_days),
      members: members.filter((m) => String(m.subnetwork) === String(r.name)).map((m) => ({ tenantId: String(m.tenant_id), wwwroot: String(m.wwwroot) })),
      roamingRoles: roaming.filter((m) => String(m.subnetwork) === String(r.name)).map((m) => String(m.role_shortname)),
    }));
  }

  /** Creates or replaces the record and its member list, in one transaction. */
  async save(record: SubnetworkRecord): Promise<void> {
    await withConnection(this.pool, async (conn) => {
      await execute(conn, 'begin transaction', 'START TRANSACTION');
      try {
        await execute(
          conn,
          `save MNet subnetwork ${record.name}`,
          `INSERT INTO ${MNET_TABLES.subnetwork} (name, services, key_lifetime_days, renew_before_days) VALUES (?, ?, ?, ?) ` +
            'ON DUPLICATE KEY UPDATE services = VALUES(services), key_lifetime_days = VALUES(key_lifetime_days), renew_before_days = VALUES(renew_before_days)',
          [record.name, JSON.stringify(record.services), record.keyLifetimeDays, record.renewBeforeDays],
        );
        await execute(conn, `save MNet subnetwork ${record.name}`, `DELETE FROM ${MNET_TABLES.member} WHERE subnetwork = ?`, [record.name]);
        for (const [i, m] of record.members.entries()) {
          await execute(conn, `save MNet subnetwork ${record.name}`, `INSERT INTO ${MNET_TABLES.member} (subnetwork, tenant_id, position, wwwroot) VALUES (?, ?, ?, ?)`, [record.name, m.tenantId, i, m.wwwroot]);
        }
        await execute(conn, `save MNet subnetwork ${record.name}`, `DELETE FROM ${MNET_TABLES.roamingRole} WHERE subnetwork = ?`, [record.name]);
        for (const role of new Set(record.roamingRoles)) {
          await execute(conn, `save MNet subnetwork ${record.name}`, `INSERT INTO ${MNET_TABLES.roamingRole} (subnetwork, role_shortname) VALUES (?, ?)`, [record.name, role]);
        }
        await execute(conn, 'commit', 'COMMIT');
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /** Idempotent: removing a missing record is not an error. */
  async remove(name: string): Promise<void> {
    await execute(this.pool, `remove MNet subnetwork ${name}`, `DELETE FROM ${MNET_TABLES.subnetwork} WHERE name = ?`, [name]);
  }

  /** Roles whose roaming grant on this tenant vmoodle made (see recordGrants). */
  async grantsOn(tenantId: string): Promise<Set<string>> {
    const rows = await queryRows<RowDataPacket>(this.pool, `read MNet roaming grants of ${tenantId}`, `SELECT role_shortname FROM ${MNET_TABLES.roamingGrant} WHERE tenant_id = ?`, [tenantId]);
    return new Set(rows.map((r) => String(r.role_shortname)));
  }

  /** For a tenant whose database is gone: a later tenant with the same id must not inherit the claims. */
  async forgetTenantGrants(tenantId: string): Promise<void> {
    await execute(this.pool, `forget MNet roaming grants of ${tenantId}`, `DELETE FROM ${MNET_TABLES.roamingGrant} WHERE tenant_id = ?`, [tenantId]);
  }

  /**
   * Claims grants as vmoodle's: recorded before the grant is written, so an interrupted apply
   * leaves a claim without a grant (harmless, dropped next time) rather than an orphan grant.
   */
  async recordGrants(tenantId: string, roles: readonly string[]): Promise<void> {
    for (const role of roles) {
      await execute(this.pool, `record MNet roaming grant on ${tenantId}`, `INSERT IGNORE INTO ${MNET_TABLES.roamingGrant} (tenant_id, role_shortname) VALUES (?, ?)`, [tenantId, role]);
    }
  }

  /** Idempotent. */
  async forgetGrants(tenantId: string, roles: readonly string[]): Promise<void> {
    for (const role of roles) {
      await execute(this.pool, `forget MNet roaming grant on ${tenantId}`, `DELETE FROM ${MNET_TABLES.roamingGrant} WHERE tenant_id = ? AND role_shortname = ?`, [tenantId, role]);
    }
  }

  /** After a member's domain switch. */
  async setMemberWwwroot(tenantId: string, wwwroot: string): Promise<void> {
    await execute(this.pool, `record the new wwwroot of ${tenantId}`, `UPDATE ${MNET_TABLES.member} SET wwwroot = ? WHERE tenant_id = ?`, [wwwroot, tenantId]);
  }
}
