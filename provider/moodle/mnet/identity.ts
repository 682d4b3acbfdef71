// A site's own MNet identity: the key pair in config_plugins(mnet, openssl) and its mirror in the
// local mnet_host row. Decides whether the stored identity is usable for the site's current
// wwwroot, and makes new ones (issue, renew, reissue for a new wwwroot) with Moodle's DN.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { TenantRow } from '../../../registry/writer';
import { hostOfWwwroot } from '../wwwroot';
import { credentialProblem, issueCertificate, readCertificate, sameCertificate, type CertificateFacts, type IssuedCertificate, type MnetSubject } from './cert';
import { KEYPAIR_SEPARATOR, type SiteSnapshot } from './site';
import { decodeHistory, encodeHistory } from './php-serialize';

export interface KeyPair {
  certificatePem: string;
  /** Secret. */
  privateKeyPem: string;
}

export function parseKeypair(value: string | null): KeyPair | null {
  if (!value) return null;
  const at = value.indexOf(KEYPAIR_SEPARATOR);
  if (at < 0) return null;
  return { certificatePem: value.slice(0, at), privateKeyPem: value.slice(at + KEYPAIR_SEPARATOR.length) };
}

export interface IdentityStatus {
  keypair: KeyPair | null;
  privateKey: KeyObject | null;
  facts: CertificateFacts | null;
  /** Why the stored pair cannot serve this wwwroot (null: it can). Never contains key material. */
  problem: string | null;
  /** The local mnet_host row carries this certificate, its expiry and the wwwroot. */
  localRowOk: boolean;
}

export const unixSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);

export function evaluateIdentity(s: SiteSnapshot, wwwroot: string, now: Date): IdentityStatus {
  const keypair = parseKeypair(s.keypair);
  const none = (problem: string): IdentityStatus => ({ keypair, privateKey: null, facts: null, problem, localRowOk: false });
  if (!keypair) return none(s.keypair ? 'config_plugins mnet/openssl is not a certificate and key joined by @@@@@@@@' : 'it has no MNet key pair');
  const facts = readCertificate(keypair.certificatePem);
  if (!facts) return none('its stored MNet certificate cannot be parsed');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(keypair.privateKeyPem);
  } catch {
    return { ...none('its stored MNet private key cannot be parsed'), facts };
  }
  let problem: string | null = null;
  if (privateKey.asymmetricKeyType !== 'rsa') problem = 'its MNet key is not RSA';
  else if (!facts.x509.checkPrivateKey(privateKey)) problem = 'its MNet certificate does not match its private key';
  else {
    const why = credentialProblem(facts, wwwroot, now);
    if (why) problem = `its MNet certificate is not valid for ${wwwroot}: ${why}`;
  }
  const row = s.localRow;
  const localRowOk =
    row !== null && !row.deleted && row.wwwroot === wwwroot && sameCertificate(row.publicKey, keypair.certificatePem) && row.publicKeyExpires === unixSeconds(facts.notAfter);
  return { keypair, privateKey, facts, problem, localRowOk };
}

/** The certificate subject mnet_generate_keypair() would write for this site now. */
export function subjectFor(s: SiteSnapshot, row: TenantRow, wwwroot: string): MnetSubject {
  const host = hostOfWwwroot(wwwroot);
  const email = s.noreplyAddress && /^[\x21-\x7e]+$/.test(s.noreplyAddress) ? s.noreplyAddress : `noreply@${host}`;
  // OpenSSL refuses an empty organisation; the site name is the closest stand-in.
  const organization = s.siteName?.trim() || row.name.trim() || 'Moodle';
  return { wwwroot, organization, email };
}

export interface NewIdentity extends IssuedCertificate {
  /** PHP-serialized openssl_history to store with it, or null to leave the stored one. */
  history: string | null;
  generations: number | null;
}

/** Moodle's default for config_plugins(mnet, openssl_generations). */
const DEFAULT_GENERATIONS = 3;

/**
 * A fresh key pair and certificate, as mnet_environment::get_keypair() rotates: the previous pair
 * (if any) goes to the front of openssl_history, which keeps openssl_generations entries.
 */
export async function renewIdentity(s: SiteSnapshot, row: TenantRow, wwwroot: string, days: number, now: Date): Promise<NewIdentity> {
  const issued = await issueCertificate({ subject: subjectFor(s, row, wwwroot), days, now });
  const previous = parseKeypair(s.keypair);
  let history: string | null = null;
  const generations = s.generations ?? DEFAULT_GENERATIONS;
  if (previous) {
    const items = decodeHistory(s.history);
    items.unshift({ certificate: previous.certificatePem, keypairPem: previous.privateKeyPem, expires: s.localRow?.publicKeyExpires ?? 0 });
    history = encodeHistory(items.slice(0, generations));
  } else if (s.history === null) {
    history = encodeHistory([]);
  }
  return { ...issued, history, generations: s.generations === null ? generations : null };
}

/**
 * The same key certified for a new wwwroot (a domain switch), keeping the expiry when it is still
 * ahead, so a rename is not a renewal. Null when there is no usable key to keep.
 */
export async function reissueIdentity(s: SiteSnapshot, row: TenantRow, wwwroot: string, fallbackDays: number, now: Date): Promise<NewIdentity | null> {
  const pair = parseKeypair(s.keypair);
  if (!pair) return null;
  const facts = readCertificate(pair.certificatePem);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pair.privateKeyPem);
  } catch {
    return null;
  }
  if (!facts || privateKey.asymmetricKeyType !== 'rsa' || !facts.x509.checkPrivateKey(privateKey)) return null;
  const keep = facts.notAfter.getTime() > now.getTime() + 86_400_000;
  const issued = await issueCertificate({ subject: subjectFor(s, row, wwwroot), days: fallbackDays, now, privateKey, notAfter: keep ? facts.notAfter : undefined });
  return { ...issued, history: null, generations: null };
}
