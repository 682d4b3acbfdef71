// The MNet certificate builder against the two things that judge it: OpenSSL (which PHP's
// openssl_csr_new()/openssl_csr_sign() use, so `openssl req -subj` gives the subject Moodle writes)
// and Moodle's own acceptance rule (mnet_peer::check_credentials()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { issueCertificate, encodeSubject, readCertificate, credentialProblem, commonNameFor, sameCertificate, OID, type MnetSubject } from '../../provider/moodle/mnet/cert';
import { readNode, children } from '../../lib/der';
import { encodeHistory, decodeHistory, phpSerialize, phpUnserialize } from '../../provider/moodle/mnet/php-serialize';
import { evaluateIdentity, reissueIdentity, renewIdentity, parseKeypair } from '../../provider/moodle/mnet/identity';
import { KEYPAIR_SEPARATOR, type SiteSnapshot } from '../../provider/moodle/mnet/site';
import type { TenantRow } from '../../registry/writer';

const dir = mkdtempSync(join(tmpdir(), 'vmoodle-mnet-cert-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The subject Name DER of a certificate (tbsCertificate field 6, after the version tag). */
function subjectDer(pem: string): Buffer {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const [tbs] = children(readNode(der));
  return children(tbs!)[5]!.raw;
}

/** What `openssl req -subj` makes of Moodle's DN array (E3, after its length limits), with the same key. */
function opensslReference(subject: MnetSubject, keyPem: string): string {
  const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\//g, '\\/');
  const organization = [...subject.organization].slice(0, 64).join('');
  const subj =
    `/C=NZ/ST=Wellington/L=Wellington/O=${esc(organization)}/OU=Moodle` +
    `/CN=${esc(commonNameFor(subject.wwwroot))}/subjectAltName=${esc(subject.wwwroot)}/emailAddress=${esc(subject.email)}`;
  const keyFile = join(dir, 'ref.key');
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  const out = join(dir, 'ref.pem');
  openssl(['req', '-new', '-x509', '-utf8', '-key', keyFile, '-days', '28', '-subj', subj, '-out', out]);
  return readFileSync(out, 'utf8');
}

const physics: MnetSubject = { wwwroot: 'https://physics.example.edu', organization: 'Faculty of Physics', email: 'noreply@physics.example.edu' };

test('the subject is byte-for-byte what OpenSSL (and so PHP) writes for Moodle\'s DN', async () => {
  const subjects: MnetSubject[] = [
    physics,
    { wwwroot: 'https://moodle.example.edu/chemistry', organization: 'Département de Chimie – Université', email: 'noreply@moodle.example.edu' },
    // Longer than 64 characters: CN is cut, subjectAltName keeps the whole wwwroot.
    { wwwroot: 'https://a-very-long-faculty-name.departments.university.example.edu/moodle/site', organization: 'x'.repeat(80), email: 'no-reply@example.edu' },
  ];
  for (const s of subjects) {
    const issued = await issueCertificate({ subject: s, days: 28 });
    const reference = opensslReference(s, issued.privateKeyPem);
    assert.deepEqual(subjectDer(issued.certificatePem), subjectDer(reference), s.wwwroot);
    assert.deepEqual(encodeSubject(s), subjectDer(reference));
  }
});

test('openssl reads the certificate: v3, serial 0, self-signed CA, wwwroot in CN and as a subject attribute, not as an extension', async () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const issued = await issueCertificate({ subject: physics, days: 28, now });
  const file = join(dir, 'physics.pem');
  writeFileSync(file, issued.certificatePem);
  const text = openssl(['x509', '-in', file, '-noout', '-text', '-nameopt', 'multiline,show_type']);
  assert.match(text, /Version: 3 \(0x2\)/);
  assert.match(text, /Serial Number: 0 \(0x0\)/);
  assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
  assert.match(text, /Public-Key: \(2048 bit\)/);
  assert.match(text, /commonName\s+= UTF8STRING:https:\/\/physics\.example\.edu/);
  assert.match(text, /X509v3 Subject Alternative Name = UTF8STRING:https:\/\/physics\.example\.edu/);
  assert.match(text, /emailAddress\s+= IA5STRING:noreply@physics\.example\.edu/);
  assert.match(text, /organizationalUnitName\s+= UTF8STRING:Moodle/);
  assert.match(text, /Not Before: Mar  1 10:00:00 2026 GMT/);
  assert.match(text, /Not After : Mar 29 10:00:00 2026 GMT/);
  // The subjectAltName is a subject attribute only: no X509v3 extension of that name.
  assert.doesNotMatch(text, /X509v3 Subject Alternative Name:\s*\n/);
  assert.match(text, /CA:TRUE/);
  // Self-signed and verifiable with itself as the only trust anchor.
  assert.match(openssl(['verify', '-no_check_time', '-CAfile', file, file]), /OK/);
});

test('node:crypto agrees: the key matches, the signature verifies, the dates are exact', async () => {
  const now = new Date('2026-05-10T08:30:15.750Z');
  const issued = await issueCertificate({ subject: physics, days: 10, now });
  const x = new X509Certificate(issued.certificatePem);
  assert.equal(x.checkPrivateKey(createPrivateKey(issued.privateKeyPem)), true);
  assert.equal(x.verify(x.publicKey), true);
  assert.equal(x.publicKey.asymmetricKeyType, 'rsa');
  assert.equal(new Date(x.validFrom).toISOString(), '2026-05-10T08:30:15.000Z');
  assert.equal(new Date(x.validTo).toISOString(), '2026-05-20T08:30:15.000Z');
  assert.match(issued.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(issued.certificatePem, /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)+[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
  const facts = readCertificate(issued.certificatePem)!;
  assert.equal(facts.commonName, 'https://physics.example.edu');
  assert.equal(facts.subjectAltName, 'https://physics.example.edu');
  assert.deepEqual(facts.subject.map(([k]) => k), [OID.countryName, OID.stateOrProvinceName, OID.localityName, OID.organizationName, OID.organizationalUnitName, OID.commonName, OID.subjectAltName, OID.emailAddress]);
});

test('Moodle\'s acceptance rule: wwwroot must equal subjectAltName and its first 64 characters the CN', async () => {
  const now = new Date();
  const long = 'https://a-very-long-faculty-name.departments.university.example.edu/moodle/site';
  const issued = await issueCertificate({ subject: { ...physics, wwwroot: long }, days: 28, now });
  const facts = readCertificate(issued.certificatePem)!;
  assert.equal(facts.commonName, long.slice(0, 64));
  assert.equal(facts.subjectAltName, long);
  assert.equal(credentialProblem(facts, long, now), null);
  assert.match(credentialProblem(facts, 'https://other.example.edu', now)!, /subjectAltName/);
  const p = readCertificate((await issueCertificate({ subject: physics, days: 28, now })).certificatePem)!;
  assert.equal(credentialProblem(p, physics.wwwroot, now), null);
  assert.match(credentialProblem(p, physics.wwwroot, new Date(now.getTime() + 29 * 86_400_000))!, /expired/);
  assert.equal(commonNameFor('https://x.example.edu/'), 'https://x.example.edu');
  assert.equal(readCertificate('not a certificate'), null);
  assert.equal(readCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), null);
  // Moodle re-wraps stored PEM; the comparison is on the DER.
  assert.equal(sameCertificate(issued.certificatePem, issued.certificatePem.replace(/\n/g, '\r\n') + '\n'), true);
  assert.equal(sameCertificate(issued.certificatePem, p.x509.toString()), false);
});

test('openssl_history is PHP serialize() of Moodle\'s key sets, byte lengths and all', () => {
  assert.equal(
    encodeHistory([{ certificate: 'ab', keypairPem: 'é', expires: 5 }]),
    'a:1:{i:0;a:3:{s:11:"certificate";s:2:"ab";s:11:"keypair_PEM";s:2:"é";s:7:"expires";i:5;}}',
  );
  assert.equal(encodeHistory([]), 'a:0:{}');
  const items = [
    { certificate: '-----BEGIN CERTIFICATE-----\n"quoted";\n', keypairPem: 'k1', expires: 1767225600 },
    { certificate: 'c2', keypairPem: 'k2', expires: 0 },
  ];
  assert.deepEqual(decodeHistory(encodeHistory(items)), items);
  assert.deepEqual(decodeHistory('garbage'), []);
  assert.deepEqual(decodeHistory(null), []);
  assert.deepEqual(phpUnserialize(phpSerialize([['a', true], [3, null]])), [['a', true], [3, null]]);
});

function snapshot(keypair: string | null, localCert: string, localExpires: number, wwwroot: string): SiteSnapshot {
  return {
    localHostId: 1,
    allHostsId: 2,
    dispatcherMode: 'strict',
    auth: ['email', 'mnet'],
    noreplyAddress: 'noreply@physics.example.edu',
    siteName: 'Faculty of Physics',
    keypair,
    history: null,
    generations: null,
    localRow: { id: 1, deleted: false, wwwroot, name: '', publicKey: localCert, publicKeyExpires: localExpires, applicationId: 1 },
    peers: [],
    services: new Map(),
    switches: new Map(),
    moodleApplicationId: 1,
  };
}

const row = { id: 'default/moodle_physics', name: 'Physics', wwwroot: physics.wwwroot } as TenantRow;

test('a stored identity is judged the way a peer would judge it', async () => {
  const now = new Date();
  const a = await issueCertificate({ subject: physics, days: 28, now });
  const b = await issueCertificate({ subject: physics, days: 28, now });
  const exp = Math.floor(a.notAfter.getTime() / 1000);
  const good = evaluateIdentity(snapshot(a.certificatePem + KEYPAIR_SEPARATOR + a.privateKeyPem, a.certificatePem, exp, physics.wwwroot), physics.wwwroot, now);
  assert.equal(good.problem, null);
  assert.equal(good.localRowOk, true);
  // A certificate with someone else's key.
  const mixed = evaluateIdentity(snapshot(a.certificatePem + KEYPAIR_SEPARATOR + b.privateKeyPem, a.certificatePem, exp, physics.wwwroot), physics.wwwroot, now);
  assert.match(mixed.problem!, /does not match its private key/);
  // After a domain switch, until it is reissued.
  const moved = evaluateIdentity(snapshot(a.certificatePem + KEYPAIR_SEPARATOR + a.privateKeyPem, a.certificatePem, exp, 'https://phys.example.edu'), 'https://phys.example.edu', now);
  assert.match(moved.problem!, /not valid for https:\/\/phys\.example\.edu/);
  // The local host row lost its copy.
  const lost = evaluateIdentity(snapshot(a.certificatePem + KEYPAIR_SEPARATOR + a.privateKeyPem, '', 0, physics.wwwroot), physics.wwwroot, now);
  assert.equal(lost.problem, null);
  assert.equal(lost.localRowOk, false);
  assert.match(evaluateIdentity(snapshot(null, '', 0, physics.wwwroot), physics.wwwroot, now).problem!, /no MNet key pair/);
});

test('a domain switch reissues with the same key and expiry; a renewal archives the old pair', async () => {
  const now = new Date();
  const a = await issueCertificate({ subject: physics, days: 20, now });
  const s = snapshot(a.certificatePem + KEYPAIR_SEPARATOR + a.privateKeyPem, a.certificatePem, Math.floor(a.notAfter.getTime() / 1000), physics.wwwroot);
  const re = (await reissueIdentity({ ...s, noreplyAddress: 'noreply@phys.example.edu' }, row, 'https://phys.example.edu', 28, now))!;
  assert.equal(re.notAfter.getTime(), a.notAfter.getTime());
  assert.equal(re.privateKeyPem, a.privateKeyPem);
  const facts = readCertificate(re.certificatePem)!;
  assert.equal(credentialProblem(facts, 'https://phys.example.edu', now), null);
  assert.match(facts.x509.subject, /emailAddress=noreply@phys\.example\.edu/);
  assert.equal(re.history, null);

  const renewed = await renewIdentity(s, row, physics.wwwroot, 60, now);
  assert.notEqual(renewed.privateKeyPem, a.privateKeyPem);
  assert.equal(Math.round((renewed.notAfter.getTime() - now.getTime()) / 86_400_000), 60);
  const history = decodeHistory(renewed.history);
  assert.equal(history.length, 1);
  assert.equal(history[0]!.certificate, a.certificatePem);
  assert.equal(history[0]!.keypairPem, a.privateKeyPem);
  assert.equal(renewed.generations, 3);
  // At most openssl_generations entries, newest first.
  const full = { ...s, history: encodeHistory([1, 2, 3].map((i) => ({ certificate: `c${i}`, keypairPem: `k${i}`, expires: i }))), generations: 3 };
  const again = decodeHistory((await renewIdentity(full, row, physics.wwwroot, 28, now)).history);
  assert.deepEqual(again.map((h) => h.keypairPem), [a.privateKeyPem, 'k1', 'k2']);
  assert.deepEqual(parseKeypair(`x${KEYPAIR_SEPARATOR}y`), { certificatePem: 'x', privateKeyPem: 'y' });
});
