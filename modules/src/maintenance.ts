// MaintenanceWindow: a group of tenants in maintenance while the window is declared (and enabled).
// `site` mode is Moodle's maintenance setting (administrators can still log in); `cli` mode is the
// climaintenance.html file in each data folder, which shuts out everyone. Removing the construct
// (or a tenant from it) ends maintenance there.
import { Construct, type TerraformProvider } from './cdk';
import { MaintenanceResource } from './bindings';
import { tenantIds, tenantListIssues, type TenantRef } from './refs';
import { SpecError } from './errors';

export interface MaintenanceWindowProps {
  readonly tenants: readonly TenantRef[];
  /** Default true: declaring the window opens it. Set false to keep it declared but closed. */
  readonly enabled?: boolean;
  /** Default `site`. */
  readonly mode?: 'site' | 'cli';
  /** HTML shown to visitors. */
  readonly message?: string;
  readonly provider?: TerraformProvider;
}

export class MaintenanceWindow extends Construct {
  readonly resource: MaintenanceResource;

  constructor(scope: Construct, id: string, props: MaintenanceWindowProps) {
    super(scope, id);
    const source = `MaintenanceWindow "${this.node.path}"`;
    const issues = tenantListIssues(source, 'tenants', props.tenants);
    if (props.mode !== undefined && props.mode !== 'site' && props.mode !== 'cli') issues.push({ location: { source, path: 'mode' }, message: `"${String(props.mode)}" must be site or cli` });
    if (issues.length > 0) throw new SpecError(issues);
    this.resource = new MaintenanceResource(this, 'Resource', {
      provider: props.provider,
      tenants: tenantIds(props.tenants),
      enabled: props.enabled ?? true,
      mode: props.mode,
      message: props.message,
    });
  }
}
