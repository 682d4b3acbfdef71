// The generated provider bindings (.gen/, rebuilt by `npm run get`) under the names the constructs
// use, so they do not depend on the generator's folder layout. Users get every generated class
// through the `vmoodle` namespace exported by index.ts (vmoodle.role.Role, ...).
export { VmoodleProvider, type VmoodleProviderConfig } from '../.gen/providers/vmoodle/provider';
export { Tenant as TenantResource } from '../.gen/providers/vmoodle/tenant';
export { MnetSubnetwork as MnetSubnetworkResource } from '../.gen/providers/vmoodle/mnet-subnetwork';
export { PluginState as PluginStateResource } from '../.gen/providers/vmoodle/plugin-state';
export { Config as ConfigResource } from '../.gen/providers/vmoodle/config';
export { Maintenance as MaintenanceResource } from '../.gen/providers/vmoodle/maintenance';
