// Moodle's MNet certificate, built the way mnet_generate_keypair() (mnet/lib.php) makes it, so peers
// accept it (research: moodle-facts.md E3/E4): a self-signed RSA certificate whose subject is
// C, ST, L, O, OU=Moodle, CN = first 64 characters of wwwroot, then the full wwwroot as a
// *subject DN attribute* "subjectAltName" (OID 2.5.29.17, not an X.509v3 extension), then
// emailAddress. Peers check exactly those two: subjectAltName must equal the wwwroot and CN must
// equal its first 64 characters (mnet_peer::check_credentials()).
// Differences from PHP that peers never see: SHA-256 instead of openssl.cnf's digest (often SHA-1),
// and the v3_ca extensions written explicitly rather than taken from openssl.cnf.
import { createHash, createPublicKey, generateKeyPair, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { bitString, bool, children, context, decodeOid, decodeString, derNull, ia5, octets, oid, printable, readNode, seq, set, smallInteger, time, utf8, DerError, TAG, type Node } from '../../../lib/der';

const generateKeyPairAsync = promisify(generateKeyPair);

export const OID = {
  countryName: '2.5.4.6',
  stateOrProvinceName: '2.5.4.8',
  localityName: '2.5.4.7',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  commonName: '2.5.4.3',
  subjectAltName: '2.5.29.17',
  emailAddress: '1.2.840.113549.1.9.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  basicConstraints: '2.5.29.19',
} as const;

/** Moodle's defaults when no admin user (country, city) is acting: mnet_generate_keypair(). */
export const DEFAULT_COUNTRY = 'NZ';
export const DEFAULT_LOCALITY = 'Wellington';

export interface MnetSubject {
  wwwroot: string;
  /** Site full name (course id 1). */
  organization: string;
  /** $CFG->noreplyaddress, else noreply@<host>. */
  email: string;
  country?: string;
  locality?: string;
}

/** PHP's core_text::substr on characters, as Moodle applies its DN limits. */
function cut(s: string, n: number): string {
  return [...s].slice(0, n).join('');
}

/** CN as Moodle computes it: substr(wwwroot, 0, 64) then one trailing "/" removed. */
export function commonNameFor(wwwroot: string): string {
  return cut(wwwroot, 64).replace(/\/$/, '');
}

/** The subject's attributes in Moodle's order, with its length limits applied. */
export function subjectAttributes(s: MnetSubject): Array<[string, string]> {
  return [
    [OID.countryName, cut(s.country ?? DEFAULT_COUNTRY, 2)],
    [OID.stateOrProvinceName, cut(s.locality ?? DEFAULT_LOCALITY, 128)],
    [OID.localityName, cut(s.locality ?? DEFAULT_LOCALITY, 128)],
    [OID.organizationName, cut(s.organization, 64)],
    [OID.organizationalUnitName, 'Moodle'],
    [OID.commonName, commonNameFor(s.wwwroot)],
    [OID.subjectAltName, s.wwwroot],
    [OID.emailAddress, cut(s.email, 128)],
  ];
}

/**
 * The subject Name in DER, string types as OpenSSL picks them for PHP (utf8only mask):
 * countryName PrintableString, emailAddress IA5String, everything else UTF8String.
 */
export function encodeSubject(s: MnetSubject): Buffer {
  const rdns = subjectAttributes(s).map(([id, value]) => {
    const v = id === OID.countryName ? printable(value) : id === OID.emailAddress ? ia5(value) : utf8(value);
    return set(seq(oid(id), v));
  });
  return seq(...rdns);
}

export interface IssuedCertificate {
  certificatePem: string;
  /** PKCS#8 PEM, unencrypted, as openssl_pkey_export() writes it. Secret. */
  privateKeyPem: string;
  notBefore: Date;
  notAfter: Date;
}

function pem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

/** SHA-1 of the subjectPublicKey bits: the "hash" method of RFC 5280 4.2.1.2, as openssl uses it. */
function keyIdentifier(spki: Buffer): Buffer {
  const [, key] = children(readNode(spki));
  if (!key || key.tag !== TAG.bitString) throw new DerError('bad SubjectPublicKeyInfo');
  return createHash('sha1').update(key.content.subarray(1)).digest();
}

export interface IssueOptions {
  subject: MnetSubject;
  days: number;
  now?: Date;
  /** Reuse this key (a reissue for a new wwwroot keeps the key); a new 2048-bit RSA key otherwise. */
  privateKey?: KeyObject;
  /** Overrides now + days (a reissue keeps the old expiry). */
  notAfter?: Date;
}

export async function issueCertificate(opts: IssueOptions): Promise<IssuedCertificate> {
  const privateKey = opts.privateKey ?? (await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 })).privateKey;
  if (privateKey.asymmetricKeyType !== 'rsa') throw new DerError('MNet keys must be RSA: Moodle seals messages to them with openssl_seal()');
  const spki = createPublicKeyDer(privateKey);
  const now = new Date(Math.floor((opts.now ?? new Date()).getTime() / 1000) * 1000);
  const notAfter = opts.notAfter ?? new Date(now.getTime() + opts.days * 86_400_000);
  const name = encodeSubject(opts.subject);
  const algorithm = seq(oid(OID.sha256WithRSAEncryption), derNull());
  const kid = keyIdentifier(spki);
  // openssl.cnf's v3_ca, which PHP's openssl_csr_sign() applies by default.
  const extensions = seq(
    seq(oid(OID.subjectKeyIdentifier), octets(octets(kid))),
    seq(oid(OID.authorityKeyIdentifier), octets(seq(context(0, false, kid)))),
    seq(oid(OID.basicConstraints), bool(true), octets(seq(bool(true)))),
  );
  const tbs = seq(
    context(0, true, smallInteger(2)),
    // openssl_csr_sign()'s default serial, which every Moodle certificate carries.
    smallInteger(0),
    algorithm,
    name,
    seq(time(now), time(notAfter)),
    name,
    spki,
    context(3, true, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, algorithm, bitString(signature));
  return {
    certificatePem: pem('CERTIFICATE', der),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    notBefore: now,
    notAfter,
  };
}

function createPublicKeyDer(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
}

// ---------------------------------------------------------------------------------------------
// Reading a stored certificate

export interface CertificateFacts {
  /** Subject attributes by OID, in order (a name may repeat). */
  subject: Array<[string, string]>;
  commonName: string | null;
  /** The subject DN attribute 2.5.29.17 Moodle writes; null when absent. */
  subjectAltName: string | null;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER certificate, hex lower case. */
  fingerprint: string;
  x509: X509Certificate;
}

function pemBody(text: string): Buffer | null {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  if (!m) return null;
  const b64 = m[1]!.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length === 0) return null;
  return Buffer.from(b64, 'base64');
}

function subjectOf(der: Buffer): Array<[string, string]> {
  const [tbs] = children(readNode(der));
  if (!tbs) throw new DerError('empty certificate');
  const fields = children(tbs);
  const hasVersion = fields[0]?.tag === 0xa0;
  const subject: Node | undefined = fields[hasVersion ? 5 : 4];
  if (!subject || subject.tag !== TAG.sequence) throw new DerError('certificate has no subject');
  const out: Array<[string, string]> = [];
  for (const rdn of children(subject)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (!type || !value) throw new DerError('bad subject attribute');
      out.push([decodeOid(type), decodeString(value)]);
    }
  }
  return out;
}

/** Parses a certificate PEM; null when it is not one. */
export function readCertificate(text: string): CertificateFacts | null {
  const der = pemBody(text);
  if (!der) return null;
  try {
    const x509 = new X509Certificate(der);
    const subject = subjectOf(der);
    const first = (id: string): string | null => subject.find(([k]) => k === id)?.[1] ?? null;
    return {
      subject,
      commonName: first(OID.commonName),
      subjectAltName: first(OID.subjectAltName),
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
      fingerprint: createHash('sha256').update(der).digest('hex'),
      x509,
    };
  } catch {
    return null;
  }
}

/**
 * Why a peer would reject this certificate for wwwroot (mnet_peer::check_credentials()), or null
 * when it would accept it. `now` also rejects an expired certificate, which Moodle refuses to use.
 */
export function credentialProblem(facts: CertificateFacts, wwwroot: string, now: Date): string | null {
  if (facts.subjectAltName !== null && facts.subjectAltName !== wwwroot) return `its subjectAltName is ${facts.subjectAltName}, not ${wwwroot}`;
  if (facts.commonName !== commonNameFor(wwwroot)) return `its CN is ${facts.commonName ?? '(none)'}, not ${commonNameFor(wwwroot)}`;
  if (facts.notAfter.getTime() <= now.getTime()) return `it expired on ${facts.notAfter.toISOString()}`;
  return null;
}

/** Certificate text normalised for comparison (Moodle re-wraps PEM it stores). */
export function sameCertificate(a: string, b: string): boolean {
  const da = pemBody(a);
  const db = pemBody(b);
  return da !== null && db !== null && da.equals(db);
}
