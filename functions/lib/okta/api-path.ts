/**
 * The path of a raw Okta request (`okta-request`): only Okta's management and org OAuth APIs of the connection's
 * own org. Anything that could reach another host or another part of the org is `InvalidInput`: absolute URLs,
 * `//host`, a query or fragment in the path, `.`/`..` segments, backslashes, empty segments, percent-encoded
 * dots, slashes and backslashes, and characters outside RFC 3986's path characters.
 */
import { InvalidInput } from '../errors.js';

/** The API roots a raw request may use. */
export const API_ROOTS = ['/api/v1/', '/oauth2/v1/'] as const;

/** RFC 3986 `pchar` and `/`: unreserved, sub-delims, `:`, `@` and percent-escapes. */
const PATH_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const ENCODED_BREAKER = /%(2e|2f|5c)/i;
const ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/** Returns `path` when it is a plain path under API_ROOTS; `InvalidInput` naming `field` otherwise. */
export function oktaApiPath(path: string, field = 'path'): string {
  const refuse = (problem: string) => new InvalidInput([{ field, problem }]);
  if (!API_ROOTS.some((root) => path.startsWith(root))) {
    throw refuse(`must start with ${API_ROOTS.join(' or ')} (a path of the connection's own org, not a URL)`);
  }
  if (!PATH_CHARACTERS.test(path)) {
    throw refuse('may hold only URL path characters (no query, fragment, backslash or spaces: use `query`)');
  }
  if (ESCAPE.test(path)) throw refuse('has a "%" that is not a percent-escape');
  if (ENCODED_BREAKER.test(path)) throw refuse('may not percent-encode ".", "/" or "\\"');
  const segments = path.split('/').slice(1);
  // The last segment may be empty (a trailing slash); no other may, and none may be "." or "..".
  if (segments.slice(0, -1).some((s) => s === '') || segments.some((s) => s === '.' || s === '..')) {
    throw refuse('may not hold empty, "." or ".." segments');
  }
  return path;
}
