// The registry database: the applied state that sidecars serve. The provider is its only writer.
// Migrations are numbered and applied in order under a named lock, so several provider processes
// (Terraform starts 3-5 per command) can race to create the schema without harm.

/** Table names, shared by the writer (provider) and the reader (sidecar). */
export const TABLES = {
  meta: 'vmoodle_meta',
  tenant: 'vmoodle_tenant',
} as const;

/** Row states. Only `active` rows are served; `creating` rows belong to an apply in progress or interrupted. */
export type TenantState = 'creating' | 'active' | 'deleting';

/**
 * Each entry moves the schema from version i to i+1. Never edit a released entry: append a new one.
 * `generation` is bumped in the same transaction as every tenant change, so a reader that sees the
 * same generation twice knows nothing changed in between.
 */
export const MIGRATIONS: readonly string[][] = [
  [
    `CREATE TABLE IF NOT EXISTS vmoodle_meta (
       id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
       schema_version INT NOT NULL,
       generation BIGINT UNSIGNED NOT NULL,
       changed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `INSERT IGNORE INTO vmoodle_meta (id, schema_version, generation) VALUES (1, 0, 0)`,
    `CREATE TABLE IF NOT EXISTS vmoodle_tenant (
       id VARCHAR(200) NOT NULL PRIMARY KEY,
       host VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
       state VARCHAR(16) NOT NULL,
       enabled TINYINT(1) NOT NULL DEFAULT 1,
       name VARCHAR(255) NOT NULL DEFAULT '',
       shortname VARCHAR(100) NOT NULL DEFAULT '',
       description TEXT NULL,
       wwwroot VARCHAR(512) NOT NULL,
       server VARCHAR(64) NOT NULL,
       dbtype VARCHAR(16) NOT NULL DEFAULT 'mariadb',
       dbhost VARCHAR(255) NOT NULL,
       dbport INT NULL,
       dbsocket VARCHAR(255) NULL,
       dbname VARCHAR(64) NOT NULL,
       dbuser VARCHAR(80) NOT NULL,
       dbuser_host VARCHAR(255) NOT NULL DEFAULT '%',
       dbpass VARCHAR(255) NOT NULL,
       prefix VARCHAR(16) NOT NULL,
       dataroot VARCHAR(1024) NOT NULL,
       config JSON NOT NULL,
       created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
       updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
       UNIQUE KEY vmoodle_tenant_host_uix (host),
       UNIQUE KEY vmoodle_tenant_db_uix (server, dbname)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
  // MNet subnetworks (registry/mnet.ts): which tenants peer with which, so a tenant's domain switch
  // can update its peers, and a member leaving one subnetwork keeps the peers it shares in another.
  [
    `CREATE TABLE IF NOT EXISTS vmoodle_mnet_subnetwork (
       name VARCHAR(64) NOT NULL PRIMARY KEY,
       services JSON NOT NULL,
       key_lifetime_days INT NOT NULL,
       renew_before_days INT NOT NULL,
       created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
       updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS vmoodle_mnet_member (
       subnetwork VARCHAR(64) NOT NULL,
       tenant_id VARCHAR(200) NOT NULL,
       position INT NOT NULL,
       wwwroot VARCHAR(512) NOT NULL,
       PRIMARY KEY (subnetwork, tenant_id),
       KEY vmoodle_mnet_member_tenant_ix (tenant_id),
       CONSTRAINT vmoodle_mnet_member_subnetwork_fk FOREIGN KEY (subnetwork) REFERENCES vmoodle_mnet_subnetwork (name) ON DELETE CASCADE
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
  // MNet roaming (registry/mnet.ts): the roles a subnetwork lets roam, and which of those grants
  // vmoodle itself made in a tenant, so that removing them never removes a grant it did not make.
  // New tables rather than a new column: CREATE TABLE IF NOT EXISTS re-runs safely on MySQL too.
  [
    `CREATE TABLE IF NOT EXISTS vmoodle_mnet_roaming_role (
       subnetwork VARCHAR(64) NOT NULL,
       role_shortname VARCHAR(100) NOT NULL,
       PRIMARY KEY (subnetwork, role_shortname),
       CONSTRAINT vmoodle_mnet_roaming_role_subnetwork_fk FOREIGN KEY (subnetwork) REFERENCES vmoodle_mnet_subnetwork (name) ON DELETE CASCADE
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS vmoodle_mnet_roaming_grant (
       tenant_id VARCHAR(200) NOT NULL,
       role_shortname VARCHAR(100) NOT NULL,
       granted_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
       PRIMARY KEY (tenant_id, role_shortname)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;
