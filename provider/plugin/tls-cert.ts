// Self-signed server certificate for go-plugin's AutoMTLS, built by hand in DER.
// node:crypto can generate keys and sign but cannot create X.509 certificates; a library for that
// costs ~400 ms of require() per provider process (and Terraform starts 3-5 per command), openssl
// as a subprocess ~60 ms plus a runtime dependency. A P-256 key and a few dozen bytes of DER cost ~2 ms.
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { tlv, seq, set, octets, utf8, bool, oid, unsignedInteger, time } from '../../lib/der';

export interface ServerCertificate {
  /** PEM of the certificate, for the TLS server. */
  certPem: string;
  /** PEM (PKCS#8) of the private key, for the TLS server. */
  keyPem: string;
  /** base64 (no padding) of the DER certificate: the 6th field of go-plugin's handshake line. */
  handshakeField: string;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

const ECDSA_WITH_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

/**
 * Mirrors go-plugin's own template (O=HashiCorp, CN=localhost, SAN localhost, CA, server+client
 * auth): Terraform pins this exact leaf as its only root and verifies the SAN "localhost".
 */
export function createServerCertificate(now: Date = new Date()): ServerCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return certificateFor(publicKey, privateKey, now);
}

function certificateFor(publicKey: KeyObject, privateKey: KeyObject, now: Date): ServerCertificate {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = seq(set(seq(oid('2.5.4.10'), utf8('HashiCorp'))), set(seq(oid('2.5.4.3'), utf8('localhost'))));
  const notBefore = new Date(now.getTime() - 30_000);
  const notAfter = new Date(now.getTime() + 365 * 24 * 3600 * 1000);
  const extensions = seq(
    // basicConstraints: CA
    extension('2.5.29.19', true, seq(bool(true))),
    // keyUsage: digitalSignature, keyEncipherment, keyAgreement, keyCertSign (2 unused bits)
    extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x02, 0xac]))),
    // extKeyUsage: serverAuth, clientAuth
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))),
    // subjectAltName: dNSName localhost
    extension('2.5.29.17', false, seq(tlv(0x82, Buffer.from('localhost')))),
  );
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([0x02]))),
    unsignedInteger(randomBytes(16)),
    ECDSA_WITH_SHA256,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    spki,
    tlv(0xa3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ECDSA_WITH_SHA256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = der.toString('base64');
  const certPem = `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  return {
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    handshakeField: b64.replace(/=+$/, ''),
  };
}
