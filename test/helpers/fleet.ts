// A private MariaDB plus a Terraform workspace wired to it through the VMOODLE_* variables: what
// every end-to-end provider test starts from. Also the probes tests use to check real state.
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { withPrivateMariaDb, type MariaDbServer } from './mariadb';
import { createWorkspace, type Workspace } from './terraform';

export const REGISTRY_DB = 'vmoodle_registry';

export interface Fleet {
  server: MariaDbServer;
  ws: Workspace;
  datarootBase: string;
  admin: Connection;
  stop(): Promise<void>;
}

export async function startFleet(): Promise<Fleet> {
  const { server, stop } = await withPrivateMariaDb();
  const admin = await createConnection({ host: '127.0.0.1', port: server.port, user: server.adminUser, password: server.adminPassword, supportBigNumbers: true });
  await admin.query(`CREATE DATABASE IF NOT EXISTS ${REGISTRY_DB}`);
  const datarootBase = join(mkdtempSync(join(tmpdir(), 'vmoodle-data-')), 'sites');
  mkdirSync(datarootBase, { recursive: true });
  const ws = createWorkspace({
    VMOODLE_REGISTRY: `${server.adminDsn}${REGISTRY_DB}`,
    VMOODLE_SERVER_DEFAULT: server.adminDsn,
    VMOODLE_DATAROOT_BASE: datarootBase,
  });
  return {
    server,
    ws,
    datarootBase,
    admin,
    async stop() {
      await admin.end().catch(() => undefined);
      await stop();
    },
  };
}

export async function databases(admin: Connection): Promise<string[]> {
  const [rows] = await admin.query("SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ('mysql','information_schema','performance_schema','sys',?) ORDER BY 1", [REGISTRY_DB]);
  return (rows as Array<{ n: string }>).map((r) => r.n);
}

export async function users(admin: Connection): Promise<string[]> {
  const [rows] = await admin.query("SELECT CONCAT(User,'@',Host) AS u FROM mysql.user WHERE User NOT IN ('root','mysql','mariadb.sys','vmoodle_admin','') ORDER BY 1");
  return (rows as Array<{ u: string }>).map((r) => r.u);
}

export interface RegistryRowProbe {
  id: string;
  host: string;
  state: string;
  enabled: number;
  dbname: string;
  dbuser: string;
  dbpass: string;
  wwwroot: string;
  dataroot: string;
}

export async function registryRows(admin: Connection): Promise<RegistryRowProbe[]> {
  const [rows] = await admin.query(`SELECT id, host, state, enabled, dbname, dbuser, dbpass, wwwroot, dataroot FROM ${REGISTRY_DB}.vmoodle_tenant ORDER BY host`);
  return rows as RegistryRowProbe[];
}
