// Host names and tenant addresses: one normalisation shared by the provider (plan-time validation of
// declared hosts), the sidecar (every lookup) and, mirrored in PHP, sidecar/php/vmoodle.php.
//
// The Host header is untrusted input. The rules are an allow-list, checked in one pass over the
// characters without regular expressions (no backtracking, no surprises on long inputs), after a cap
// on the input length that runs first.
//
// Decisions (documented here because the PHP include must make the same ones):
// - Lowercase; strip one `:port` (digits only, 1..65535; an empty port is refused); strip ONE trailing
//   dot (`example.org.` is the fully-qualified spelling of `example.org`; `example.org..` is refused).
// - Internationalised names are converted to punycode with WHATWG/UTS-46 rules (`node:url`
//   `domainToASCII`), exactly as browsers do before they send a Host header; `xn--` labels given
//   in ASCII must be valid punycode.
// - Labels: 1..63 characters of [a-z0-9-], not starting or ending with `-`; whole name ≤ 253.
// - Single-label names (`localhost`, `moodle`) are ALLOWED: intranet sites use them, and a name only
//   ever resolves to a tenant that was declared with exactly that name, so allowing them opens nothing.
// - IP literals are refused: `[v6]`, dotted IPv4, and anything a URL parser would read as IPv4
//   (a last label that is all digits or `0x…` hex, e.g. `0x7f.1`, `2130706433`). A site is a name.
// - Everything else is refused: whitespace, control characters, CR/LF, `_`, `%`, quotes, backslash,
//   `/`, `@`, more than one `:`.
// Failure reasons are fixed strings: they never echo the input (which may be huge or hostile).
import { domainToASCII } from 'node:url';

/** Longest host name (RFC 1035, without the trailing dot). */
export const MAX_HOST_LENGTH = 253;
/** Longest label. */
export const MAX_LABEL_LENGTH = 63;
/** Longest subpath segment. */
export const MAX_SUBPATH_LENGTH = 64;
/** Longest tenant key: the registry's `vmoodle_tenant.host` column is VARCHAR(255). */
export const MAX_TENANT_KEY_LENGTH = 255;
/**
 * Inputs longer than this are refused before any other work. Generous enough for a Unicode name
 * whose UTS-46 mapping shrinks it (ignored code points, full-width forms), plus a port.
 */
export const MAX_HOST_INPUT_LENGTH = 1024;

export type HostResult = { ok: true; host: string } | { ok: false; reason: string };

export type TenantAddressResult =
  | { ok: true; host: string; subpath?: string; key: string }
  | { ok: false; reason: string };

export interface NormaliseOptions {
  /** Accept and strip `:port` (default true: a Host header carries one). Tenant addresses refuse it. */
  allowPort?: boolean;
}

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

const R_EMPTY = 'host is empty';
const R_TOO_LONG = 'host is too long';
const R_CHAR = 'host contains a character that is not allowed (only letters, digits, "-", "." and one ":port")';
const R_IP = 'IP literals are not tenant hosts';
const R_PORT = 'port must be 1 to 5 digits, at most 65535';
const R_NO_PORT = 'a tenant address has no port (the port of a request is ignored; put it in wwwroot)';
const R_IDN = 'host is not a valid internationalised domain name';
const R_LABEL_EMPTY = 'host has an empty label (leading dot or "..")';
const R_LABEL_LONG = 'a host label is longer than 63 characters';
const R_LABEL_HYPHEN = 'a host label starts or ends with "-"';
const R_PUNYCODE = 'a host label starts with "xn--" but is not valid punycode';

const CH_DOT = 0x2e;
const CH_HYPHEN = 0x2d;
const CH_COLON = 0x3a;

function isLowerAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/**
 * Normalises and validates a host (a Host header value, or a declared tenant host).
 * Returns the canonical ASCII form used as the registry and snapshot key.
 */
export function normaliseHost(input: string, opts: NormaliseOptions = {}): HostResult {
  if (typeof input !== 'string') return fail(R_EMPTY);
  const len = input.length;
  if (len === 0) return fail(R_EMPTY);
  if (len > MAX_HOST_INPUT_LENGTH) return fail(R_TOO_LONG);

  // Pass 1: classify characters; find the port separator.
  let ascii = true;
  let upper = false;
  let colon = -1;
  for (let i = 0; i < len; i++) {
    const c = input.charCodeAt(i);
    if (isLowerAlnum(c) || c === CH_HYPHEN || c === CH_DOT) continue;
    if (c >= 0x41 && c <= 0x5a) {
      upper = true;
      continue;
    }
    if (c === CH_COLON) {
      // Two colons can only be an unbracketed IPv6 literal.
      if (colon !== -1) return fail(R_IP);
      colon = i;
      continue;
    }
    if (c === 0x5b || c === 0x5d) return fail(R_IP); // [v6]
    // Non-ASCII goes to UTS-46 below, which refuses what it must (and the result is re-checked).
    // C1 controls and U+2028/2029 are refused here, so they never reach any later step.
    if (c >= 0xa0 && c !== 0x2028 && c !== 0x2029) {
      ascii = false;
      continue;
    }
    return fail(R_CHAR);
  }

  let name = input;
  if (colon !== -1) {
    if (opts.allowPort === false) return fail(R_NO_PORT);
    const portLen = len - colon - 1;
    if (portLen < 1 || portLen > 5) return fail(R_PORT);
    let port = 0;
    for (let i = colon + 1; i < len; i++) {
      const c = input.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return fail(R_PORT);
      port = port * 10 + (c - 0x30);
    }
    if (port < 1 || port > 65535) return fail(R_PORT);
    name = input.slice(0, colon);
  }

  if (!ascii) {
    // domainToASCII lowercases, maps (full-width forms, ideographic full stop) and punycodes;
    // it returns '' for anything UTS-46 disallows. Its output is validated like any ASCII input.
    name = domainToASCII(name);
    if (name === '') return fail(R_IDN);
  } else if (upper) {
    name = name.toLowerCase();
  }

  let end = name.length;
  if (end > 0 && name.charCodeAt(end - 1) === CH_DOT) end--;
  if (end === 0) return fail(R_EMPTY);
  if (end > MAX_HOST_LENGTH) return fail(R_TOO_LONG);
  if (end !== name.length) name = name.slice(0, end);

  // Pass 2: labels.
  let labelStart = 0;
  let sawPunycode = false;
  for (let i = 0; i <= end; i++) {
    const c = i === end ? CH_DOT : name.charCodeAt(i);
    if (c !== CH_DOT) {
      // After UTS-46 the output may contain ASCII we refuse (e.g. "_"): check again.
      if (!isLowerAlnum(c) && c !== CH_HYPHEN) return fail(ascii ? R_CHAR : R_IDN);
      continue;
    }
    const labelLen = i - labelStart;
    if (labelLen === 0) return fail(R_LABEL_EMPTY);
    if (labelLen > MAX_LABEL_LENGTH) return fail(R_LABEL_LONG);
    if (name.charCodeAt(labelStart) === CH_HYPHEN || name.charCodeAt(i - 1) === CH_HYPHEN) return fail(R_LABEL_HYPHEN);
    if (
      labelLen >= 4 &&
      name.charCodeAt(labelStart) === 0x78 && // x
      name.charCodeAt(labelStart + 1) === 0x6e && // n
      name.charCodeAt(labelStart + 2) === CH_HYPHEN &&
      name.charCodeAt(labelStart + 3) === CH_HYPHEN
    ) {
      sawPunycode = true;
    }
    labelStart = i + 1;
  }

  // The last label decides whether a URL parser would read the name as an IPv4 address.
  if (looksNumeric(name, labelStartOfLast(name, end), end)) return fail(R_IP);

  // Punycode typed in ASCII must decode; the round trip is only paid for xn-- names.
  if (sawPunycode && ascii && domainToASCII(name) !== name) return fail(R_PUNYCODE);

  return { ok: true, host: name };
}

function labelStartOfLast(name: string, end: number): number {
  for (let i = end - 1; i >= 0; i--) if (name.charCodeAt(i) === CH_DOT) return i + 1;
  return 0;
}

/** All digits, or `0x` followed by hex digits (WHATWG's IPv4 number syntax). */
function looksNumeric(name: string, start: number, end: number): boolean {
  if (end - start >= 2 && name.charCodeAt(start) === 0x30 && name.charCodeAt(start + 1) === 0x78) {
    for (let i = start + 2; i < end; i++) {
      const c = name.charCodeAt(i);
      if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
    }
    return true;
  }
  for (let i = start; i < end; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** True when `s` is a valid subpath segment: `[a-z0-9][a-z0-9._-]{0,63}`. */
export function isValidSubpath(s: string, start = 0, end = s.length): boolean {
  const n = end - start;
  if (n < 1 || n > MAX_SUBPATH_LENGTH) return false;
  if (!isLowerAlnum(s.charCodeAt(start))) return false;
  for (let i = start + 1; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!isLowerAlnum(c) && c !== CH_DOT && c !== CH_HYPHEN && c !== 0x5f) return false;
  }
  return true;
}

/** The key of a tenant in the registry, the snapshot and the PHP map: `host` or `host/subpath`. */
export function tenantKey(host: string, subpath?: string): string {
  return subpath ? `${host}/${subpath}` : host;
}

/**
 * Parses a declared tenant address, `host` or `host/subpath` (one trailing `/` is tolerated).
 * The host part follows normaliseHost but refuses a port; the subpath is case-sensitive like any URL
 * path and must already be lowercase.
 */
export function parseTenantAddress(input: string): TenantAddressResult {
  if (typeof input !== 'string' || input.length === 0) return fail(R_EMPTY);
  if (input.length > MAX_HOST_INPUT_LENGTH) return fail(R_TOO_LONG);
  const slash = input.indexOf('/');
  const hostPart = slash === -1 ? input : input.slice(0, slash);
  const host = normaliseHost(hostPart, { allowPort: false });
  if (!host.ok) return host;
  if (slash === -1) return { ok: true, host: host.host, key: host.host };

  let end = input.length;
  if (end === slash + 1) return { ok: true, host: host.host, key: host.host }; // "host/"
  if (input.charCodeAt(end - 1) === 0x2f) end--; // "host/sub/"
  if (!isValidSubpath(input, slash + 1, end)) {
    return fail('subpath must be one segment of [a-z0-9][a-z0-9._-], at most 64 characters');
  }
  const subpath = input.slice(slash + 1, end);
  const key = tenantKey(host.host, subpath);
  if (key.length > MAX_TENANT_KEY_LENGTH) return fail('host/subpath is longer than 255 characters');
  return { ok: true, host: host.host, subpath, key };
}

/**
 * The subpath candidate of a request path: its first segment when that segment is a valid subpath
 * (`/moodle1/course/view.php?id=2` → `moodle1`; `/moodle1` → `moodle1`), else undefined.
 * The path is not percent-decoded: an encoded segment is simply not a subpath.
 */
export function subpathOfRequestPath(path: string | undefined): string | undefined {
  if (typeof path !== 'string' || path.length < 2 || path.charCodeAt(0) !== 0x2f) return undefined;
  const limit = Math.min(path.length, MAX_SUBPATH_LENGTH + 2);
  let end = 1;
  while (end < limit) {
    const c = path.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23) break; // / ? #
    end++;
  }
  // A segment cut at the limit is 65 characters or more: isValidSubpath refuses it.
  return isValidSubpath(path, 1, end) ? path.slice(1, end) : undefined;
}
