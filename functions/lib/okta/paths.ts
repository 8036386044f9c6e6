/**
 * Okta API paths built from caller-given ids. Every id is checked and `encodeURIComponent`-ed, so no input can
 * change which resource a request reaches (`../`, `/`, `\` or their percent-encodings are refused even though the
 * catalog's `path-segment` format already refused them: this is the last check before the URL).
 */
import { InvalidInput } from '../errors.js';

const PATH_BREAKER = /[/\\]|%(2f|5c|2e)/i;

/** One path segment from an id or login; `InvalidInput` naming `field` when it could escape its segment. */
export function segment(value: string, field: string): string {
  if (value === '' || value === '.' || value === '..' || PATH_BREAKER.test(value)) {
    throw new InvalidInput([
      { field, problem: 'must be an id or login without "/", "\\", ".." or their percent-encodings' },
    ]);
  }
  return encodeURIComponent(value);
}

/** `/api/v1/users/{id}` (an id or a login). */
export function userPath(userId: string, field = 'userId'): string {
  return `/api/v1/users/${segment(userId, field)}`;
}

/** `/api/v1/groups/{groupId}`. */
export function groupPath(groupId: string, field = 'groupId'): string {
  return `/api/v1/groups/${segment(groupId, field)}`;
}

/** A SCIM string literal for Okta's `search`/`filter`: backslash and double quote escaped, in double quotes. */
export function scimString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
