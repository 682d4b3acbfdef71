// One tenant's MNet peers as Moodle sees them (its live mnet_host rows other than itself and All
// Hosts), for the vmoodle_mnet_peers data source: checks and outputs.
import type { VmoodleContext } from '../../provider';
import type { TenantRow } from '../../../registry/writer';
import { tenantDb } from '../../fleet/tenant-db';
import { credentialProblem, readCertificate } from './cert';
import { evaluateIdentity } from './identity';
import { formatExpiry } from './policy';
import { hasMnetTables, readSite, type ServiceSwitch } from './site';

export class MnetPeersError extends Error {
  override name = 'MnetPeersError';
}

export interface PeerView {
  wwwroot: string;
  name: string;
  /** The vmoodle tenant serving that wwwroot, when there is one. */
  tenantId: string | null;
  /** notAfter of the stored certificate (RFC 3339); '' when it cannot be parsed. */
  certificateExpires: string;
  /** Whether Moodle would accept the stored certificate for this wwwroot now. */
  certificateValid: boolean;
  /** Services with at least one switch on, by name. */
  services: Map<string, ServiceSwitch>;
}

export interface TenantPeers {
  row: TenantRow;
  /** mnet_dispatcher_mode is strict. */
  networking: boolean;
  /** The tenant's own usable certificate expiry; '' when it has none. */
  certificateExpires: string;
  peers: PeerView[];
}

export async function listPeers(ctx: VmoodleContext, tenantId: string): Promise<TenantPeers> {
  const registry = await ctx.registry();
  const row = await registry.getById(tenantId);
  if (!row || row.state !== 'active') throw new MnetPeersError(`No active tenant has id "${tenantId}".`);
  const t = tenantDb(ctx, row);
  if (!(await hasMnetTables(t))) throw new MnetPeersError(`Tenant ${row.host} (${tenantId}) has no Moodle MNet tables.`);
  const site = await readSite(t);
  const now = new Date();
  const identity = evaluateIdentity(site, row.wwwroot, now);
  const byWwwroot = new Map((await registry.list({ state: 'active' })).map((r) => [r.wwwroot, r.id]));
  const peers = site.peers
    .filter((p) => !p.deleted)
    .sort((a, b) => (a.wwwroot < b.wwwroot ? -1 : a.wwwroot > b.wwwroot ? 1 : a.id - b.id))
    .map((p): PeerView => {
      const facts = readCertificate(p.publicKey);
      const on = [...(site.switches.get(p.id) ?? new Map<string, ServiceSwitch>())].filter(([, s]) => s.publish || s.subscribe);
      return {
        wwwroot: p.wwwroot,
        name: p.name,
        tenantId: byWwwroot.get(p.wwwroot) ?? null,
        certificateExpires: facts ? formatExpiry(facts.notAfter) : '',
        certificateValid: facts !== null && credentialProblem(facts, p.wwwroot, now) === null,
        services: new Map(on),
      };
    });
  return {
    row,
    networking: site.dispatcherMode === 'strict',
    certificateExpires: identity.problem === null && identity.facts ? formatExpiry(identity.facts.notAfter) : '',
    peers,
  };
}
