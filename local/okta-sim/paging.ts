/**
 * Cursor paging as Okta does it: `limit` and an opaque `after`, with `self` and `next` links as separate `link`
 * header lines (`<url>; rel="self"`).
 */
import { OktaApiError } from './errors.js';
import type { Org } from './org.js';
import type { SimRequest } from './types.js';

export interface LimitRule {
  defaultLimit: number;
  max: number;
}

/**
 * Reads `limit`. Over the maximum or not a non-negative integer is refused (thrown) as 400 E0000001 naming `limit`
 * (UNVERIFIED: Okta documents the maxima, not the answer to exceeding them; some endpoints may clamp instead).
 */
export function readLimit(req: SimRequest, rule: LimitRule): number {
  const raw = req.query.get('limit');
  if (raw === null || raw === '') return rule.defaultLimit;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new OktaApiError('E0000001', {
      causes: [`limit: The field must be a non-negative integer`],
      summaryArgument: 'limit',
    });
  }
  if (limit > rule.max) {
    throw new OktaApiError('E0000001', {
      causes: [`limit: The field cannot exceed ${rule.max}`],
      summaryArgument: 'limit',
    });
  }
  return limit;
}

/**
 * The `link` header lines: `self` always, `next` with `nextParams` applied to the request's query (a null value
 * removes that parameter).
 */
export function linkHeaders(org: Org, req: SimRequest, nextParams?: Record<string, string | null>): string[] {
  const base = org.baseUrl();
  const self = `${base}${req.url.pathname}${req.url.search}`;
  const links = [`<${self}>; rel="self"`];
  if (nextParams) {
    const query = new URLSearchParams(req.query);
    for (const [name, value] of Object.entries(nextParams)) {
      if (value === null) query.delete(name);
      else query.set(name, value);
    }
    links.push(`<${base}${req.url.pathname}?${query.toString()}>; rel="next"`);
  }
  return links;
}
