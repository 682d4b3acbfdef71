// Self-signed server certificate for go-plugin's AutoMTLS, built by hand in DER.
// node:crypto can generate keys and sign but cannot create X.509 certificates; a library for that
// costs ~400 ms of require() per provider process (and Terraform starts 3-5 per command), openssl
// as a subprocess ~60 ms plus a runtime dependency. A P-256 key and a few dozen bytes of DER cost ~2 ms.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export interface ServerCertificate {
  /** PEM of the certificate, for the TLS server. */
  certPem: string;
  /** PEM (PKCS#8) of the private key, for the TLS server. */
  keyPem: string;
  /** base64 (no padding) of the DER certificate: the 6th field of go-plugin's handshake line. */
  handshakeField: string;
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
const set = (...c: Buffer[]): Buffer => tlv(0x31, ...c);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const stack: number[] = [part & 0x7f];
    let rest = Math.floor(part / 128);
    while (rest > 0) {
      stack.unshift((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function positiveInteger(bytes: Buffer): Buffer {
  const b = Buffer.from(bytes);
  b[0] = b[0]! & 0x7f;
  if (b[0] === 0) b[0] = 1;
  return tlv(0x02, b);
}

function utcTime(d: Date): Buffer {
  // UTCTime covers 1950-2049; GeneralizedTime after that, as RFC 5280 requires.
  const pad = (n: number): string => String(n).padStart(2, '0');
  const body =
    pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + pad(d.getUTCHours()) + pad(d.getUTCMinutes()) + pad(d.getUTCSeconds()) + 'Z';
  const year = d.getUTCFullYear();
  return year < 2050 ? tlv(0x17, Buffer.from(pad(year % 100) + body)) : tlv(0x18, Buffer.from(String(year) + body));
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
    positiveInteger(randomBytes(16)),
    ECDSA_WITH_SHA256,
    name,
    seq(utcTime(notBefore), utcTime(notAfter)),
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
