// data "vmoodle_mnet_peers": one tenant's MNet peers as Moodle sees them in its own tables, whoever
// created them (a subnetwork, an administrator, VMoodle). For checks and outputs; no secrets.
import { T, type BlockSchema, type Attributes } from '../framework/schema';
import type { DataSource } from '../framework/resource';
import { reqStr } from '../framework/values';
import type { VmoodleContext } from '../provider';

const runtime = (): Promise<typeof import('../moodle/mnet/peers')> => import('../moodle/mnet/peers');

const switchAttributes: Attributes = {
  publish: { type: T.bool, computed: true, description: 'The peer may call this service here.' },
  subscribe: { type: T.bool, computed: true, description: 'This tenant may call this service on the peer.' },
};

const peerAttributes: Attributes = {
  wwwroot: { type: T.string, computed: true, description: "The peer's wwwroot, as this tenant knows it." },
  name: { type: T.string, computed: true, description: 'Name of the peer.' },
  tenant_id: { type: T.string, computed: true, description: 'Id of the vmoodle tenant serving that wwwroot; null for a peer outside the registry.' },
  certificate_expires: { type: T.string, computed: true, description: "Expiry of the peer's certificate held here (RFC 3339); empty when it cannot be parsed." },
  certificate_valid: { type: T.bool, computed: true, description: "Whether Moodle would accept that certificate now: CN and subjectAltName match the peer's wwwroot and it has not expired." },
  services: { nested: { nesting: 'map', attributes: switchAttributes }, computed: true, description: 'Services switched on for this peer, by name (`sso_idp`, `sso_sp`, `mnet_enrol`, `pf`).' },
};

const schema: BlockSchema = {
  version: 0,
  description: "One tenant's Moodle Network peers as Moodle sees them: its live `mnet_host` rows other than itself and All Hosts, with their certificates and service switches.",
  attributes: {
    tenant: { type: T.string, required: true, description: 'Tenant id (`vmoodle_tenant.<name>.id`).' },
    wwwroot: { type: T.string, computed: true, description: "The tenant's wwwroot." },
    mnet_enabled: { type: T.bool, computed: true, description: 'Whether MNet networking is on (`mnet_dispatcher_mode` strict).' },
    certificate_expires: { type: T.string, computed: true, description: "Expiry of the tenant's own usable MNet certificate (RFC 3339); empty when it has none." },
    peers: { nested: { nesting: 'list', attributes: peerAttributes }, computed: true, description: 'The peers, sorted by wwwroot.' },
  },
};

export const mnetPeersDataSource: DataSource<VmoodleContext> = {
  typeName: 'vmoodle_mnet_peers',
  schema,
  async read(config, { provider }) {
    const tenant = reqStr(config, 'tenant');
    const view = await (await runtime()).listPeers(provider, tenant);
    return {
      tenant,
      wwwroot: view.row.wwwroot,
      mnet_enabled: view.networking,
      certificate_expires: view.certificateExpires,
      peers: view.peers.map((p) => ({
        wwwroot: p.wwwroot,
        name: p.name,
        tenant_id: p.tenantId,
        certificate_expires: p.certificateExpires,
        certificate_valid: p.certificateValid,
        services: Object.fromEntries([...p.services].map(([n, s]) => [n, { publish: s.publish, subscribe: s.subscribe }])),
      })),
    };
  },
};
