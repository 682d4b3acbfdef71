// @vmoodle/cdktf: typed constructs for a fleet of Moodle sites served by vmoodle.
export * from './cdk';
export { VmoodleProvider, type VmoodleProviderConfig } from './bindings';
/** Every generated binding, as `cdktf get` lays them out: vmoodle.role.Role, vmoodle.tenant.Tenant, ... */
export * as vmoodle from '../.gen/providers/vmoodle';
export type * from './spec-types';
export { MoodleTenant, type MoodleTenantProps } from './tenant';
export { Constellation, type ConstellationProps } from './constellation';
export { MnetSubnetwork, SUBNETWORK_NAME, type MnetSubnetworkProps, type SubnetworkSettings } from './subnetwork';
export { PluginPolicy, FRANKENSTYLE, type PluginPolicyProps, type PluginPolicySpec, type PluginRule } from './plugin-policy';
export { MaintenanceWindow, type MaintenanceWindowProps } from './maintenance';
export { tenantIds, type TenantRef } from './refs';
export { resolveTenant, type ResolvedTenant, type ResolvedDatabase } from './resolve';
export { parseNodelist, readNodelist, parseVhostname, REQUIRED_COLUMNS, type NodelistOptions } from './nodelist';
export { locatedArray, type LocatedTenants } from './located';
export { checkNodelistDocument, type SchemaProblem } from './schema';
export { SpecError, formatLocation, type SpecIssue, type IssueLocation } from './errors';
export { deriveDatabaseName, deriveUserName, sanitise } from './names';
