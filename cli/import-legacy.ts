// `vmoodle import-legacy --master DSN --out DIR`: moves a VMoodle fleet under Terraform without
// downtime. Reads the master's local_vmoodle register (SELECT only), checks every site's database
// and account (read-only), registers the sites in the vmoodle registry, and writes Terraform
// configuration whose `terraform plan` shows only imports: vmoodle_tenant per site,
// vmoodle_mnet_subnetwork per MNet subnetwork, `import` blocks, plus the matching nodelist CSV.
//
// Why register here rather than teach the provider to adopt unregistered databases: the provider's
// import gets only an id (the host) and would need the database name, account, password, prefix
// and data folder from somewhere; reading VMoodle's table from inside the provider would tie it to
// VMoodle forever. The registry is where vmoodle keeps exactly that, and registering is also what
// lets the sidecars serve these sites. Passwords are copied there (not into any file), as the
// provider keeps them for tenants it creates; the generated configuration carries none.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseDsn, redactDsn, ConfigError } from '../provider/mysql/dsn';
import { ServerPools } from '../provider/mysql/pools';
import { migrateRegistry, RegistryWriter } from '../registry/writer';
import { providerVersion } from './provider-install';
import { UsageError, parseCommand, runCommand, processIo, type Io } from './args';
import { registrySettings, serverEnvName, serverSettings, REGISTRY_HELP } from './config';
import { readLegacyRows } from './legacy/master';
import { mapLegacyRows, type SkippedRow, type TenantImport } from './legacy/mapping';
import { parseServerMappings, serverResolver } from './legacy/servers';
import { verifyTenants } from './legacy/verify';
import { planSubnetworks, type SubnetworkImport } from './legacy/subnetworks';
import { registerSubnetwork, registerTenant, type RegisterResult } from './legacy/register';
import { header, renderImport, renderProviderBlock, renderSubnetwork, renderTenant } from './legacy/hcl';
import { renderNodelist } from './legacy/nodelist';

export const IMPORT_LEGACY_USAGE = `usage: vmoodle import-legacy --master DSN --out DIR [options]

Reads a VMoodle master's local_vmoodle table and writes Terraform configuration for its sites:
tenants.tf (vmoodle_tenant), subnetworks.tf (vmoodle_mnet_subnetwork from the mnet column),
imports.tf (import blocks: tenants by host, subnetworks by name), provider.tf and nodelist.csv.
The sites are registered in the vmoodle registry (that is what the imports read), so that
"terraform plan" shows only imports. Nothing of the legacy fleet is modified: its master and
databases are only read. Rows that cannot be imported as they are are listed with the reason.

  --master DSN           the VMoodle master database, mysql://user:pass@host:3306/moodle
                         (default: $VMOODLE_LEGACY_MASTER)
  --prefix PREFIX        table prefix of the master (default: mdl_)
  --out DIR              folder for the generated files (created if missing)
  --server NAME=VDBHOST  provider server name of a legacy vdbhost; needed when the sites use several
                         database hosts (one host maps to "default"); repeatable. Each server must be
                         configured as VMOODLE_SERVER_<NAME>, as for the provider.
  ${REGISTRY_HELP}
  --no-register          only write the files (a dry run: the imports fail until the sites are registered)
  --no-provider-block    do not write provider.tf (when adding the files to an existing configuration)
  --force                overwrite files already in DIR
  --json                 print the outcome as JSON on stdout
  -h, --help             this text
`;

const spec = {
  name: 'import-legacy',
  positionals: [],
  options: {
    master: { type: 'string' },
    prefix: { type: 'string' },
    out: { type: 'string' },
    server: { type: 'string', multiple: true },
    registry: { type: 'string' },
    'no-register': { type: 'boolean' },
    'no-provider-block': { type: 'boolean' },
    force: { type: 'boolean' },
  },
} as const;

const FILES = { provider: 'provider.tf', tenants: 'tenants.tf', subnetworks: 'subnetworks.tf', imports: 'imports.tf', nodelist: 'nodelist.csv' } as const;

export interface ImportLegacyReport {
  master: string;
  rows: number;
  tenants: { legacyId: number; address: string; id: string; host: string; registration: string; notes: string[] }[];
  subnetworks: { legacyId: number; address: string; name: string; members: string[]; services: string[]; registration: string; notes: string[] }[];
  skipped: SkippedRow[];
  files: string[];
}

export async function importLegacyCommand(argv: string[], io: Io = processIo()): Promise<number> {
  return runCommand('import-legacy', async () => {
    const parsed = parseCommand(argv, spec);
    if (parsed === 'help') {
      io.stdout.write(IMPORT_LEGACY_USAGE);
      return 0;
    }
    const { values } = parsed;
    const masterText = values.master ?? io.env.VMOODLE_LEGACY_MASTER;
    const masterArg = values.master !== undefined ? '--master' : 'VMOODLE_LEGACY_MASTER';
    if (!masterText) throw new UsageError('--master', 'is required: the DSN of the VMoodle master database, e.g. mysql://user:pass@host:3306/moodle');
    let master;
    try {
      master = parseDsn(masterText, masterArg);
    } catch (err) {
      throw new UsageError(masterArg, err instanceof ConfigError ? err.message.replace(`${masterArg}: `, '') : String(err));
    }
    if (!master.database) throw new UsageError(masterArg, 'the DSN must name the master database, e.g. mysql://user:pass@host:3306/moodle');
    const prefix = values.prefix ?? 'mdl_';
    // The master's prefix is VMoodle's, so only check what keeps it a safe identifier.
    if (!/^[A-Za-z0-9_]{1,20}$/.test(prefix)) throw new UsageError('--prefix', `"${prefix}" is not a table prefix (letters, digits and _)`);
    if (!values.out) throw new UsageError('--out', 'is required: the folder to write the Terraform files into');
    const out = resolve(values.out);
    const register = values['no-register'] !== true;
    const registry = register ? registrySettings(values.registry, io.env) : undefined;
    const mappings = parseServerMappings(values.server ?? []);
    const servers = serverSettings(io.env);
    const files = [...(values['no-provider-block'] ? [] : [FILES.provider]), FILES.tenants, FILES.subnetworks, FILES.imports, FILES.nodelist];
    if (!values.force) {
      const present = files.filter((f) => existsSync(join(out, f)));
      if (present.length) throw new UsageError('--out', `${out} already has ${present.join(', ')}; pass --force to overwrite`);
    }

    // The folder first: better to fail on it before anything is registered.
    await mkdir(out, { recursive: true });
    const rows = await readLegacyRows(master, prefix);
    const serverOf = serverResolver(rows.map((r) => r.vdbhost), mappings);
    const { tenants: mapped, skipped } = mapLegacyRows(rows, serverOf);
    for (const name of new Set(mapped.map((t) => t.server))) {
      if (!servers.has(name)) {
        throw new UsageError(serverEnvName(name), `is not set: the legacy databases on server "${name}" are checked and imported through it (mysql://admin:pass@host:3306/)`);
      }
    }

    const pools = new ServerPools(servers, registry ? { registry } : {});
    const registrations = new Map<string, RegisterResult>();
    let tenants: TenantImport[];
    let subnetworks: SubnetworkImport[];
    try {
      tenants = await verifyTenants(pools, mapped, skipped);
      if (registry) {
        await migrateRegistry(pools.registry());
        const writer = new RegistryWriter(pools.registry());
        for (const t of tenants) registrations.set(t.id, await registerTenant(writer, t, servers.get(t.server)!));
        for (const t of tenants) {
          const r = registrations.get(t.id)!;
          if (r.status === 'conflict') skipped.push({ legacyId: t.legacyId, vhostname: t.legacy.vhostname, reason: r.reason! });
        }
        tenants = tenants.filter((t) => registrations.get(t.id)!.status !== 'conflict');
      }
      subnetworks = await planSubnetworks(pools, tenants);
      if (registry) {
        const wwwroots = new Map(tenants.map((t) => [t.id, t.wwwroot]));
        for (const s of subnetworks) registrations.set(`mnet:${s.name}`, await registerSubnetwork(pools.registry(), s, wwwroots));
        subnetworks = subnetworks.filter((s) => registrations.get(`mnet:${s.name}`)!.status !== 'conflict');
      }
    } finally {
      await pools.closeAll();
    }

    const source = `${redactDsn(masterText)} table ${prefix}local_vmoodle`;
    const labels = new Map(tenants.map((t) => [t.id, t.label]));
    const content: Record<string, string> = {
      [FILES.provider]: renderProviderBlock(providerVersion()),
      [FILES.tenants]: header(source) + tenants.map(renderTenant).join('\n'),
      [FILES.subnetworks]: header(source) + (subnetworks.length ? subnetworks.map((s) => renderSubnetwork(s, labels)).join('\n') : '# The legacy fleet has no MNet subnetwork (mnet > 0) among its imported, enabled sites.\n'),
      [FILES.imports]:
        header(source) +
        [...tenants.map((t) => renderImport(`vmoodle_tenant.${t.label}`, t.host)), ...subnetworks.map((s) => renderImport(`vmoodle_mnet_subnetwork.${s.label}`, s.name))].join('\n'),
      [FILES.nodelist]: renderNodelist(tenants),
    };
    for (const f of files) await writeFile(join(out, f), content[f]!, { mode: 0o644 });

    const status = (key: string): string => (register ? registrations.get(key)?.status ?? 'not registered' : 'not registered (--no-register)');
    const report: ImportLegacyReport = {
      master: source,
      rows: rows.length,
      tenants: tenants.map((t) => ({ legacyId: t.legacyId, address: `vmoodle_tenant.${t.label}`, id: t.id, host: t.host, registration: status(t.id), notes: t.notes })),
      subnetworks: subnetworks.map((s) => ({ legacyId: s.legacyId, address: `vmoodle_mnet_subnetwork.${s.label}`, name: s.name, members: s.members, services: s.services, registration: status(`mnet:${s.name}`), notes: s.notes })),
      skipped: skipped.sort((a, b) => a.legacyId - b.legacyId),
      files: files.map((f) => join(out, f)),
    };
    if (values.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else io.stdout.write(humanReport(report, out, register));
    return 0;
  }, io);
}

function humanReport(r: ImportLegacyReport, out: string, registered: boolean): string {
  const lines = [
    `read ${r.rows} rows from ${r.master}`,
    `${r.tenants.length} tenants and ${r.subnetworks.length} MNet subnetworks to import${registered ? ' (registered in the vmoodle registry)' : ''}; ${r.skipped.length} rows skipped`,
    `wrote ${r.files.join(', ')}`,
  ];
  if (r.skipped.length) lines.push('', 'skipped:', ...r.skipped.map((s) => `  row ${s.legacyId} ${s.vhostname}: ${s.reason}`));
  const notes = r.tenants.flatMap((t) => t.notes.map((n) => `  ${t.host}: ${n}`));
  if (notes.length) lines.push('', 'notes:', ...notes);
  lines.push(
    '',
    registered
      ? `next: cd ${out} && terraform init && terraform plan   (expect ${r.tenants.length + r.subnetworks.length} to import, 0 to add, 0 to change, 0 to destroy)`
      : 'next: run again without --no-register to register the sites, then terraform init && terraform plan',
  );
  return lines.join('\n') + '\n';
}
