// vmoodle_mnet_subnetwork and data "vmoodle_mnet_peers" through the real terraform CLI against a
// private MariaDB, tenants loaded with the Moodle schema fixture. One fleet, one configuration
// evolving step by step; after every apply the tenants' own tables are checked the way a peer
// Moodle would check them (node:crypto), and the next plan must be empty.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { startFleet, registryRows, REGISTRY_DB, type Fleet } from '../helpers/fleet';
import { PROVIDER_BLOCK, runTf, applyOk, assertEmptyPlan as emptyPlan } from '../helpers/terraform';
import { moodleFixturePath } from '../helpers/mariadb';

let fleet: Fleet;
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'] as const;
type Name = (typeof NAMES)[number];
const SSO = ['sso_idp', 'sso_sp'];

interface Step {
  hosts?: Partial<Record<Name, string>>;
  campus?: Name[];
  campusExtra?: string;
  research?: Name[] | null;
  peersOf?: Name;
  extra?: string;
}

function configFor(step: Step): string {
  const tenants = NAMES.map(
    (n) => `
resource "vmoodle_tenant" "${n}" {
  host                = "${step.hosts?.[n] ?? `${n}.example.edu`}"
  name                = "${n} site"
  shortname           = "${n}"
  database            = { name = "moodle_${n}" }
  template            = "${moodleFixturePath()}"
  deletion_protection = false
}
`,
  ).join('');
  const ids = (ms: Name[]): string => ms.map((m) => `vmoodle_tenant.${m}.id`).join(', ');
  const campus = step.campus
    ? `
resource "vmoodle_mnet_subnetwork" "campus" {
  name    = "campus"
  members = [${ids(step.campus)}]
  ${step.campusExtra ?? ''}
}
`
    : '';
  const research = step.research
    ? `
resource "vmoodle_mnet_subnetwork" "research" {
  name     = "research"
  members  = [${ids(step.research)}]
  services = ["sso_idp", "sso_sp", "mnet_enrol"]
}
`
    : '';
  const peers = step.peersOf
    ? `
data "vmoodle_mnet_peers" "probe" {
  tenant     = vmoodle_tenant.${step.peersOf}.id
  depends_on = [${[step.campus && 'vmoodle_mnet_subnetwork.campus', step.research && 'vmoodle_mnet_subnetwork.research'].filter(Boolean).join(', ')}]
}
output "peers" {
  value = data.vmoodle_mnet_peers.probe
}
`
    : '';
  return PROVIDER_BLOCK + tenants + campus + research + peers + (step.extra ?? '');
}

const run = (args: string[]): Promise<{ code: number | null; out: string }> => runTf(fleet.ws, args);

async function apply(step: Step): Promise<string> {
  fleet.ws.write({ 'main.tf': configFor(step) });
  return applyOk(fleet.ws);
}

const assertEmptyPlan = (): Promise<void> => emptyPlan(fleet.ws);

// --- probes: the tenants' own tables -----------------------------------------------------------

async function rows<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  const [r] = await fleet.admin.query(sql, values);
  return r as T[];
}

const db = (n: Name): string => `moodle_${n}`;

async function wwwroot(n: Name): Promise<string> {
  return (await registryRows(fleet.admin)).find((r) => r.dbname === db(n))!.wwwroot;
}

interface Identity {
  cert: string;
  key: string;
  localCert: string;
  localExpires: number;
  localWwwroot: string;
}

async function identity(n: Name): Promise<Identity | null> {
  const [pair] = await rows<{ value: string }>(`SELECT value FROM ${db(n)}.mdl_config_plugins WHERE plugin = 'mnet' AND name = 'openssl'`);
  const [local] = await rows<{ public_key: string; public_key_expires: number; wwwroot: string }>(
    `SELECT h.public_key, h.public_key_expires, h.wwwroot FROM ${db(n)}.mdl_mnet_host h JOIN ${db(n)}.mdl_config c ON c.name = 'mnet_localhost_id' AND h.id = c.value`,
  );
  if (!pair) return null;
  const [cert, key] = pair.value.split('@@@@@@@@');
  return { cert: cert!, key: key!, localCert: local!.public_key, localExpires: Number(local!.public_key_expires), localWwwroot: local!.wwwroot };
}

interface PeerRow {
  id: number;
  wwwroot: string;
  public_key: string;
  public_key_expires: number;
  deleted: number;
}

/** Every mnet_host row except the site itself and All Hosts. */
async function peerRows(n: Name): Promise<PeerRow[]> {
  return rows<PeerRow>(
    `SELECT id, wwwroot, public_key, public_key_expires, deleted FROM ${db(n)}.mdl_mnet_host ` +
      `WHERE id NOT IN (SELECT CAST(value AS UNSIGNED) FROM ${db(n)}.mdl_config WHERE name IN ('mnet_localhost_id', 'mnet_all_hosts_id')) ORDER BY wwwroot`,
  );
}

async function switches(n: Name, hostId: number): Promise<Record<string, [number, number]>> {
  const r = await rows<{ name: string; publish: number; subscribe: number }>(
    `SELECT s.name, h2s.publish, h2s.subscribe FROM ${db(n)}.mdl_mnet_host2service h2s JOIN ${db(n)}.mdl_mnet_service s ON s.id = h2s.serviceid WHERE h2s.hostid = ? ORDER BY s.name`,
    [hostId],
  );
  return Object.fromEntries(r.map((x) => [x.name, [Number(x.publish), Number(x.subscribe)]]));
}

async function config(n: Name, name: string): Promise<string | undefined> {
  return (await rows<{ value: string }>(`SELECT value FROM ${db(n)}.mdl_config WHERE name = ?`, [name]))[0]?.value;
}

const der = (pem: string): string => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

/** A member's own identity, checked the way a peer checks it (mnet_peer::check_credentials()). */
async function assertIdentity(n: Name): Promise<Identity> {
  const root = await wwwroot(n);
  const id = await identity(n);
  assert.ok(id, `${n} has a key pair in config_plugins mnet/openssl`);
  const x = new X509Certificate(id.cert);
  assert.equal(x.checkPrivateKey(createPrivateKey(id.key)), true, `${n}: certificate and private key belong together`);
  assert.equal(x.verify(x.publicKey), true, `${n}: self-signed`);
  const subject = x.subject.split('\n');
  assert.ok(subject.includes(`CN=${root}`), `${n}: CN is the wwwroot (${x.subject})`);
  assert.ok(subject.includes(`subjectAltName=${root}`), `${n}: subjectAltName DN attribute is the wwwroot`);
  assert.equal(x.subjectAltName, undefined, `${n}: no subjectAltName extension`);
  assert.ok(new Date(x.validTo).getTime() > Date.now() + 86_400_000, `${n}: not expired`);
  assert.equal(der(id.localCert), der(id.cert), `${n}: local host row carries the certificate`);
  assert.equal(id.localExpires, Math.floor(new Date(x.validTo).getTime() / 1000));
  assert.equal(id.localWwwroot, root);
  assert.equal(await config(n, 'mnet_dispatcher_mode'), 'strict');
  assert.ok((await config(n, 'auth'))!.split(',').includes('mnet'), `${n}: auth_mnet enabled`);
  return id;
}

/**
 * Every member has exactly one live row per other member, holding that member's current
 * certificate, with the pair's services published and subscribed; nothing else is live.
 */
async function assertMesh(members: Name[], servicesOf: (a: Name, b: Name) => string[] = () => SSO, extraPeers: Partial<Record<Name, Name[]>> = {}): Promise<void> {
  const ids = new Map<Name, Identity>();
  for (const m of members) ids.set(m, await assertIdentity(m));
  for (const m of members) {
    const expected = [...members.filter((p) => p !== m), ...(extraPeers[m] ?? [])];
    const live = (await peerRows(m)).filter((r) => !r.deleted);
    const roots = await Promise.all(expected.map((p) => wwwroot(p)));
    assert.deepEqual(live.map((r) => r.wwwroot).sort(), [...roots].sort(), `${m}: exactly ${expected.length} live peers`);
    for (const p of expected) {
      const row = live.find((r) => r.wwwroot === roots[expected.indexOf(p)])!;
      const peerId = ids.get(p) ?? (await identity(p))!;
      assert.equal(der(row.public_key), der(peerId.cert), `${m} holds ${p}'s current certificate`);
      const x = new X509Certificate(row.public_key);
      assert.ok(x.subject.split('\n').includes(`subjectAltName=${await wwwroot(p)}`));
      assert.equal(Number(row.public_key_expires), Math.floor(new Date(x.validTo).getTime() / 1000));
      const want = Object.fromEntries(servicesOf(m, p).sort().map((s) => [s, [1, 1]]));
      assert.deepEqual(await switches(m, row.id), want, `${m}'s services for ${p}`);
    }
  }
}

/** Terraform prints an error's summary, the attribute's line in the configuration, then the detail. */
function located(summary: string, resource: string, attribute: string, detail: string): RegExp {
  return new RegExp(
    `Error: ${summary}\\s+with vmoodle_mnet_subnetwork\\.${resource},\\n[^\\n]*in resource "vmoodle_mnet_subnetwork" "${resource}":\\n\\s+\\d+:\\s+${attribute}\\s+= [^\\n]*\\n\\s*${detail}`,
  );
}

before(async () => {
  fleet = await startFleet();
  fleet.ws.write({ 'main.tf': configFor({}) });
  const init = await run(['init']);
  assert.equal(init.code, 0, init.out);
});

after(async () => {
  await fleet?.stop();
});

test('validate names the attribute for a duplicate member, an unknown service and a bad renewal window', async () => {
  fleet.ws.write({
    'main.tf': configFor({}),
    'bad.tf': `
resource "vmoodle_mnet_subnetwork" "dup" {
  name    = "dup"
  members = ["default/moodle_alpha", "default/moodle_beta", "default/moodle_alpha"]
}
resource "vmoodle_mnet_subnetwork" "svc" {
  name     = "svc"
  members  = ["default/moodle_alpha"]
  services = ["sso_idp", "mnet_admin"]
}
resource "vmoodle_mnet_subnetwork" "window" {
  name              = "window"
  members           = ["default/moodle_alpha"]
  key_lifetime_days = 10
  renew_before_days = 10
}
`,
  });
  const r = await run(['validate']);
  fleet.ws.write({ 'bad.tf': '' });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, located('Duplicate tenant', 'dup', 'members', '"default/moodle_alpha" is listed twice \\(elements 0 and 2\\)'));
  assert.match(r.out, located('Unknown MNet service', 'svc', 'services', 'services: "mnet_admin" is not an MNet service'));
  assert.match(r.out, located('Renewal window too long', 'window', 'renew_before_days', 'renew_before_days must be less than key_lifetime_days'));
});

test('a 4-tenant subnetwork created with its tenants: every member has 3 valid peers; a tenant outside has none', async () => {
  await apply({ campus: ['alpha', 'beta', 'gamma', 'delta'] });
  await assertMesh(['alpha', 'beta', 'gamma', 'delta']);
  assert.deepEqual(await peerRows('epsilon'), [], 'a tenant in no subnetwork has no peer rows');
  assert.equal(await identity('epsilon'), null, 'and no MNet identity');
  assert.equal(await config('epsilon', 'mnet_dispatcher_mode'), 'off');
  const members = await rows<{ tenant_id: string }>(`SELECT tenant_id FROM ${REGISTRY_DB}.vmoodle_mnet_member WHERE subnetwork = 'campus' ORDER BY position`);
  assert.deepEqual(members.map((m) => m.tenant_id), ['default/moodle_alpha', 'default/moodle_beta', 'default/moodle_gamma', 'default/moodle_delta']);
  await assertEmptyPlan();
});

test('a 5th member peers with all and all with it', async () => {
  const before = await identity('alpha');
  await apply({ campus: ['alpha', 'beta', 'gamma', 'delta', 'epsilon'] });
  await assertMesh(['alpha', 'beta', 'gamma', 'delta', 'epsilon']);
  assert.equal((await identity('alpha'))!.cert, before!.cert, 'existing members keep their keys');
  await assertEmptyPlan();
});

test('a removed member is unpeered on both sides (rows marked deleted, as Moodle does)', async () => {
  await apply({ campus: ['alpha', 'gamma', 'delta', 'epsilon'] });
  await assertMesh(['alpha', 'gamma', 'delta', 'epsilon']);
  const betaRoot = await wwwroot('beta');
  for (const m of ['alpha', 'gamma', 'delta', 'epsilon'] as Name[]) {
    const row = (await peerRows(m)).find((r) => r.wwwroot === betaRoot)!;
    assert.equal(Number(row.deleted), 1, `${m}'s row for beta is deleted`);
    assert.deepEqual(await switches(m, row.id), {});
  }
  const own = await peerRows('beta');
  assert.equal(own.length, 4);
  assert.ok(own.every((r) => Number(r.deleted) === 1), "beta's own peer rows are all deleted");
  await assertEmptyPlan();
});

test('two subnetworks sharing a tenant: the pair exchanges both sets of services; the data source shows it', async () => {
  await apply({ campus: ['alpha', 'gamma', 'delta', 'epsilon'], research: ['beta', 'delta'], peersOf: 'delta' });
  const research = (a: Name, b: Name): string[] => ([a, b].includes('beta') ? ['mnet_enrol', ...SSO] : SSO);
  await assertMesh(['alpha', 'gamma', 'delta', 'epsilon'], research, { delta: ['beta'] });
  await assertMesh(['beta', 'delta'], research, { delta: ['alpha', 'gamma', 'epsilon'] });

  const out = await run(['output', '-json', 'peers']);
  assert.equal(out.code, 0, out.out);
  const view = JSON.parse(out.out) as { wwwroot: string; mnet_enabled: boolean; certificate_expires: string; peers: Array<{ wwwroot: string; tenant_id: string; certificate_valid: boolean; services: Record<string, { publish: boolean; subscribe: boolean }> }> };
  assert.equal(view.wwwroot, 'https://delta.example.edu');
  assert.equal(view.mnet_enabled, true);
  assert.match(view.certificate_expires, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(view.peers.map((p) => p.tenant_id), ['default/moodle_alpha', 'default/moodle_beta', 'default/moodle_epsilon', 'default/moodle_gamma']);
  assert.ok(view.peers.every((p) => p.certificate_valid));
  assert.deepEqual(view.peers.find((p) => p.tenant_id === 'default/moodle_beta')!.services, {
    mnet_enrol: { publish: true, subscribe: true },
    sso_idp: { publish: true, subscribe: true },
    sso_sp: { publish: true, subscribe: true },
  });
  await assertEmptyPlan();
});

test("renaming a member's host reissues its certificate for the new wwwroot and updates its peers in the same apply", async () => {
  const before = (await identity('alpha'))!;
  const out = await apply({ hosts: { alpha: 'alpha-new.example.edu' }, campus: ['alpha', 'gamma', 'delta', 'epsilon'], research: ['beta', 'delta'] });
  assert.match(out, /1 changed/);
  assert.equal(await wwwroot('alpha'), 'https://alpha-new.example.edu');
  const after = await assertIdentity('alpha');
  assert.equal(after.key, before.key, 'a rename keeps the key');
  assert.notEqual(after.cert, before.cert);
  assert.equal(new X509Certificate(after.cert).validTo, new X509Certificate(before.cert).validTo, 'and the expiry');
  for (const m of ['gamma', 'delta', 'epsilon'] as Name[]) {
    assert.equal((await peerRows(m)).filter((r) => r.wwwroot === 'https://alpha.example.edu' && !r.deleted).length, 0, `${m} has no live row for the old wwwroot`);
  }
  const research = (a: Name, b: Name): string[] => ([a, b].includes('beta') ? ['mnet_enrol', ...SSO] : SSO);
  await assertMesh(['alpha', 'gamma', 'delta', 'epsilon'], research, { delta: ['beta'] });
  const [m] = await rows<{ wwwroot: string }>(`SELECT wwwroot FROM ${REGISTRY_DB}.vmoodle_mnet_member WHERE tenant_id = 'default/moodle_alpha'`);
  assert.equal(m!.wwwroot, 'https://alpha-new.example.edu');
  await assertEmptyPlan();
});

const renamed: Step = { hosts: { alpha: 'alpha-new.example.edu' }, campus: ['alpha', 'gamma', 'delta', 'epsilon'], research: ['beta', 'delta'] };

test('drift: a peer row deleted or a key changed by hand shows in plan, and apply repairs it', async () => {
  await fleet.admin.query(`DELETE FROM ${db('gamma')}.mdl_mnet_host WHERE wwwroot = ?`, [await wwwroot('delta')]);
  const stranger = (await identity('beta'))!.cert;
  await fleet.admin.query(`UPDATE ${db('epsilon')}.mdl_mnet_host SET public_key = ? WHERE wwwroot = ?`, [stranger, await wwwroot('alpha')]);
  fleet.ws.write({ 'main.tf': configFor(renamed) });
  const plan = await run(['plan', '-detailed-exitcode']);
  assert.equal(plan.code, 2, plan.out);
  assert.match(plan.out, /vmoodle_mnet_subnetwork\.campus will be updated in-place/);
  assert.match(plan.out, /"default\/moodle_gamma" = \{[\s\S]*?~ peers\s+= \[[\s\S]*?\+ "default\/moodle_delta"/);
  assert.match(plan.out, /"default\/moodle_epsilon" = \{[\s\S]*?~ peers\s+= \[[\s\S]*?\+ "default\/moodle_alpha"/);
  assert.match(plan.out, /no live peer row for\s+https:\/\/delta\.example\.edu/);
  assert.match(plan.out, /Plan: 0 to add, 1 to change, 0 to destroy/);
  await apply(renamed);
  await assertMesh(['alpha', 'gamma', 'delta', 'epsilon'], (a, b) => ([a, b].includes('beta') ? ['mnet_enrol', ...SSO] : SSO), { delta: ['beta'] });
  await assertEmptyPlan();
});

test('certificates inside the renewal window show in plan and are renewed with every peer copy, across subnetworks', async () => {
  const before = new Map<Name, Identity>();
  for (const n of NAMES) before.set(n, (await identity(n))!);
  const step: Step = { ...renamed, campusExtra: 'key_lifetime_days = 60\n  renew_before_days = 30' };
  fleet.ws.write({ 'main.tf': configFor(step) });
  const plan = await run(['plan', '-detailed-exitcode']);
  assert.equal(plan.code, 2, plan.out);
  assert.equal((plan.out.match(/~ certificate_expires = "[^"]+" -> \(known after apply\)/g) ?? []).length, 4, plan.out);
  assert.match(plan.out, /MNet certificate due for renewal/);
  await apply(step);
  for (const n of ['alpha', 'gamma', 'delta', 'epsilon'] as Name[]) {
    const now = (await identity(n))!;
    assert.notEqual(now.key, before.get(n)!.key, `${n} has a new key`);
    const days = (new Date(new X509Certificate(now.cert).validTo).getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 59 && days <= 60, `${n}: 60-day certificate (${days})`);
    const [history] = await rows<{ value: string }>(`SELECT value FROM ${db(n)}.mdl_config_plugins WHERE plugin = 'mnet' AND name = 'openssl_history'`);
    assert.match(history!.value, /^a:1:\{i:0;a:3:\{s:11:"certificate";s:\d+:"-----BEGIN CERTIFICATE-----/);
  }
  assert.equal((await identity('beta'))!.key, before.get('beta')!.key, 'beta (research only) keeps its key');
  // beta holds delta's renewed certificate although only campus renewed it.
  await assertMesh(['beta', 'delta'], (a, b) => ([a, b].includes('beta') ? ['mnet_enrol', ...SSO] : SSO), { delta: ['alpha', 'gamma', 'epsilon'] });
  await assertMesh(['alpha', 'gamma', 'delta', 'epsilon'], (a, b) => ([a, b].includes('beta') ? ['mnet_enrol', ...SSO] : SSO), { delta: ['beta'] });
  await assertEmptyPlan();
});

const renewedStep: Step = { ...renamed, campusExtra: 'key_lifetime_days = 60\n  renew_before_days = 30' };

test('a subnetwork imports by name, with an empty plan after it', async () => {
  fleet.ws.write({ 'main.tf': configFor(renewedStep) });
  const rm = await run(['state', 'rm', 'vmoodle_mnet_subnetwork.campus']);
  assert.equal(rm.code, 0, rm.out);
  const imp = await run(['import', 'vmoodle_mnet_subnetwork.campus', 'campus']);
  assert.equal(imp.code, 0, imp.out);
  assert.match(imp.out, /Import successful/);
  await assertEmptyPlan();
  const missing = await run(['import', 'vmoodle_mnet_subnetwork.research', 'no-such-net']);
  assert.equal(missing.code, 1, missing.out);
  assert.match(missing.out, /Cannot import non-existent remote object/);
});

test('plan names the member element for an unknown tenant and refuses a second subnetwork of the same name', async () => {
  fleet.ws.write({
    'main.tf': configFor(renewedStep),
    'bad.tf': `
resource "vmoodle_mnet_subnetwork" "typo" {
  name    = "typo"
  members = [vmoodle_tenant.gamma.id, "default/moodle_gamma_typo"]
}
resource "vmoodle_mnet_subnetwork" "again" {
  name    = "campus"
  members = [vmoodle_tenant.gamma.id]
}
`,
  });
  const plan = await run(['plan']);
  fleet.ws.write({ 'bad.tf': '' });
  assert.equal(plan.code, 1, plan.out);
  assert.match(plan.out, located('Unknown tenant', 'typo', 'members', 'No active tenant has id "default/moodle_gamma_typo"'));
  assert.match(plan.out, located('Subnetwork already exists', 'again', 'name', 'An MNet subnetwork named "campus" is already registered'));
});

test('deleting a subnetwork unpeers only the pairs it alone held', async () => {
  await apply({ ...renewedStep, research: null });
  await assertMesh(['alpha', 'gamma', 'delta', 'epsilon']);
  assert.ok((await peerRows('beta')).every((r) => Number(r.deleted) === 1), 'beta has no live peers');
  const [left] = await rows<{ n: number }>(`SELECT COUNT(*) AS n FROM ${REGISTRY_DB}.vmoodle_mnet_subnetwork WHERE name = 'research'`);
  assert.equal(Number(left!.n), 0);
  await assertEmptyPlan();
});
