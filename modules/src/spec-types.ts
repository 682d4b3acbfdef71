// Types of the tenant/nodelist spec, generated from schemas/nodelist.schema.json by `npm run get`.
export type { Nodelist, TenantSpec, TenantDefaults, DatabaseSpec, ConfigMap, PluginSettings } from '../.gen/spec/nodelist';
