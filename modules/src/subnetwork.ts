// MnetSubnetwork: tenants that all peer with each other over Moodle Network (single sign-on between
// them by default). Members must hold a Moodle database, i.e. be created from a template.
import { Construct, type TerraformProvider } from './cdk';
import { MnetSubnetworkResource } from './bindings';
import { tenantIds, tenantListIssues, type TenantRef } from './refs';
import { SpecError, type SpecIssue } from './errors';

/** The provider's rule for subnetwork names (also their import id). */
export const SUBNETWORK_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export interface SubnetworkSettings {
  /** MNET services every pair of members exchanges both ways (provider default: sso_idp, sso_sp). */
  readonly services?: readonly string[];
  /** Validity of newly issued certificates (provider default: 28, Moodle's). */
  readonly keyLifetimeDays?: number;
  /** Certificates expiring within this many days are renewed by the next apply (provider default: 7). */
  readonly renewBeforeDays?: number;
  /**
   * Roles whose users may roam (single sign-on) from members that are identity providers, e.g.
   * ['user'] for every authenticated user (provider default: none, so only site administrators).
   */
  readonly roamingRoles?: readonly string[];
}

export interface MnetSubnetworkProps extends SubnetworkSettings {
  readonly name: string;
  readonly members: readonly TenantRef[];
  readonly provider?: TerraformProvider;
}

export class MnetSubnetwork extends Construct {
  readonly resource: MnetSubnetworkResource;
  readonly name: string;
  readonly members: readonly TenantRef[];

  constructor(scope: Construct, id: string, props: MnetSubnetworkProps) {
    super(scope, id);
    const source = `MnetSubnetwork "${this.node.path}"`;
    const issues: SpecIssue[] = tenantListIssues(source, 'members', props.members);
    if (!SUBNETWORK_NAME.test(props.name)) {
      issues.push({ location: { source, path: 'name' }, message: `"${props.name}" is not valid: 1 to 64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit` });
    }
    if (issues.length > 0) throw new SpecError(issues);
    this.name = props.name;
    this.members = [...props.members];
    this.resource = new MnetSubnetworkResource(this, 'Resource', {
      provider: props.provider,
      name: props.name,
      members: tenantIds(props.members),
      services: props.services ? [...props.services] : undefined,
      keyLifetimeDays: props.keyLifetimeDays,
      renewBeforeDays: props.renewBeforeDays,
      roamingRoles: props.roamingRoles ? [...props.roamingRoles] : undefined,
    });
  }
}
