// Optional bearer token. Compared in constant time over fixed-length digests, so neither the
// content nor the length of the expected token leaks through response timing.
import { createHash, timingSafeEqual } from 'node:crypto';

export type TokenCheck = (authorization: string | undefined) => boolean;

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Returns a checker for `Authorization: Bearer <token>`; with no token configured, everything passes. */
export function bearerTokenCheck(token: string | undefined): TokenCheck {
  if (token === undefined || token === '') return () => true;
  const expected = digest(token);
  return (authorization) => {
    if (typeof authorization !== 'string' || authorization.length > 4096) return false;
    // RFC 6750: the scheme is case-insensitive.
    if (authorization.length < 7 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') return false;
    return timingSafeEqual(digest(authorization.slice(7).trim()), expected);
  };
}
