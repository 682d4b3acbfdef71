// MNet facts and rules the provider needs before touching any database (schema, validation,
// planning). No imports on purpose: schema and validate processes load only this.

/** The services every Moodle installs (research: moodle-facts.md E8): what `services` may name. */
export const KNOWN_SERVICES: readonly string[] = ['sso_idp', 'sso_sp', 'mnet_enrol', 'pf'];
export const SSO_SERVICES: readonly string[] = ['sso_idp', 'sso_sp'];
/** SSO in both directions, VMoodle's "default" strategy. */
export const DEFAULT_SERVICES: readonly string[] = ['sso_idp', 'sso_sp'];
/**
 * What lets a user start a roaming session on an identity provider (lib/db/access.php; research:
 * moodle-facts.md E7 item 6). It has no archetype default, so only site admins hold it unless a
 * role is given it at the system context.
 */
export const ROAMING_CAPABILITY = 'moodle/site:mnetlogintoremote';

/**
 * Services are exchanged in both directions, so a member publishing sso_idp is an identity provider
 * to all its peers: with sso_idp every member is one, without it none is.
 */
export function actsAsIdentityProvider(services: readonly string[]): boolean {
  return services.includes('sso_idp');
}

/** Moodle's default mnetkeylifetime. */
export const DEFAULT_KEY_LIFETIME_DAYS = 28;
export const DEFAULT_RENEW_BEFORE_DAYS = 7;

/** True when a certificate valid until notAfter is due for renewal renewBeforeDays ahead of it. */
export function inRenewalWindow(notAfter: Date, now: Date, renewBeforeDays: number): boolean {
  return notAfter.getTime() - now.getTime() <= renewBeforeDays * 86_400_000;
}

/** RFC 3339 at second precision, as the state shows certificate expiry. */
export function formatExpiry(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
