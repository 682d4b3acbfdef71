// MoodleTenant: one Moodle site with the defaults a platform team wants everywhere: database and
// user named after the shortname, data folder under a common base, deletion protection on.
import { Construct, type TerraformProvider } from './cdk';
import { TenantResource } from './bindings';
import type { TenantSpec, TenantDefaults } from './spec-types';
import { resolveTenant, type ResolvedTenant } from './resolve';
import { checkNodelistDocument } from './schema';
import { identifierProblem } from './names';
import { SpecError, type SpecIssue } from './errors';

export interface MoodleTenantProps extends TenantSpec {
  /** Shared settings; the tenant's own values win. */
  readonly defaults?: TenantDefaults;
  /** The vmoodle provider instance to use (default: the stack's vmoodle provider). */
  readonly provider?: TerraformProvider;
}

/** Issues of one resolved tenant that the schema cannot see (derived names). */
export function derivedNameProblems(t: ResolvedTenant): Array<{ pointer: string[]; message: string }> {
  const out: Array<{ pointer: string[]; message: string }> = [];
  const dbProblem = identifierProblem('database', t.database.name);
  if (dbProblem) out.push({ pointer: ['shortname'], message: `${dbProblem}; give database.name explicitly` });
  const userProblem = identifierProblem('user', t.database.user);
  if (userProblem) out.push({ pointer: ['shortname'], message: `${userProblem}; give database.user explicitly` });
  return out;
}

export class MoodleTenant extends Construct {
  /** The generated `vmoodle_tenant` resource, for anything the construct does not expose. */
  readonly resource: TenantResource;
  /** Every value the resource was given, defaults applied. */
  readonly spec: ResolvedTenant;

  constructor(scope: Construct, id: string, props: MoodleTenantProps) {
    super(scope, id);
    const { defaults, provider, ...spec } = props;
    const problems = [
      ...checkNodelistDocument({ defaults: defaults ?? {}, tenants: [spec] }).map((p) => ({
        pointer: p.pointer[0] === 'tenants' ? p.pointer.slice(2) : ['defaults', ...p.pointer.slice(1)],
        message: p.message,
      })),
    ];
    if (problems.length === 0) problems.push(...derivedNameProblems(resolveTenant(spec, defaults)));
    if (problems.length > 0) {
      const issues: SpecIssue[] = problems.map((p) => ({ location: { source: `MoodleTenant "${this.node.path}"`, path: p.pointer.join('.') || undefined }, message: p.message }));
      throw new SpecError(issues);
    }
    this.spec = resolveTenant(spec, defaults);
    const t = this.spec;
    this.resource = new TenantResource(this, 'Resource', {
      provider,
      host: t.host,
      https: t.https,
      name: t.name,
      shortname: t.shortname,
      description: t.description,
      enabled: t.enabled,
      dataroot: t.dataroot,
      template: t.template,
      config: t.config ? { ...t.config } : undefined,
      deletionProtection: t.deletionProtection,
      database: {
        server: t.database.server,
        name: t.database.name,
        user: t.database.user,
        password: t.database.password,
        prefix: t.database.prefix,
        userHost: t.database.userHost,
      },
    });
  }

  /** The tenant's id (`<server>/<database>`), the value fleet resources list in `tenants`/`members`. */
  get tenantId(): string {
    return this.resource.id;
  }

  /** The site URL, known after plan. */
  get wwwroot(): string {
    return this.resource.wwwroot;
  }

  get host(): string {
    return this.spec.host;
  }

  get shortname(): string {
    return this.spec.shortname;
  }
}
