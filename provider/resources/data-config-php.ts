// data "vmoodle_config_php": devirtualisation. A standalone Moodle config.php for one tenant
// (database, prefix, dataroot, wwwroot, forced settings), the same text `vmoodle config-php HOST`
// prints. `content` holds the database password, hence sensitive.
import { T, type BlockSchema } from '../framework/schema';
import type { DataSource } from '../framework/resource';
import { reqStr } from '../framework/values';
import type { VmoodleContext } from '../provider';
import { renderConfigPhp } from '../../lib/config-php';
import { loadTenantRecord } from '../../lib/config-php-source';
import { registerSecret } from '../plugin/log';

const schema: BlockSchema = {
  version: 0,
  description:
    "A standalone Moodle `config.php` for one tenant, so the site can run outside the fleet: it sets the same `$CFG` the vmoodle sidecar serves (database, prefix, dataroot, wwwroot, forced settings) and needs no sidecar.",
  attributes: {
    tenant: { type: T.string, required: true, description: 'Tenant id (`vmoodle_tenant.<name>.id`).' },
    host: { type: T.string, computed: true, description: 'The tenant\'s host (or host/subpath).' },
    wwwroot: { type: T.string, computed: true, description: 'The site URL written into the file.' },
    content: { type: T.string, computed: true, sensitive: true, description: 'The config.php text. Contains the database password.' },
  },
};

export const configPhpDataSource: DataSource<VmoodleContext> = {
  typeName: 'vmoodle_config_php',
  schema,
  async read(config, { provider }) {
    const id = reqStr(config, 'tenant');
    await provider.registry(); // migrated before the first read
    const record = await loadTenantRecord(provider.pools.registry(), { id });
    if (!record) throw new Error(`No active tenant has id "${id}". Use the id attribute of a vmoodle_tenant (e.g. vmoodle_tenant.physics.id).`);
    registerSecret(record.dbpass);
    return { tenant: id, host: record.key, wwwroot: record.wwwroot, content: renderConfigPhp(record) };
  },
};
