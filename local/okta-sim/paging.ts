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

/** Okta's answer to an `after` cursor it did not issue: 400 E0000029 "Invalid paging request." (facts §10.2). */
export function invalidCursor(): OktaApiError {
  return new OktaApiError('E0000029', { causes: ['Invalid cursor.'] });
}

/**
 * The `link` header lines, as Okta writes them: `self` always, with the query rewritten (`after` first if the
 * request had one, then `limit`, added with the page size in effect when the request had none, then the other
 * parameters in request order); `next` when `nextParams` is given, with its `after` first, then `limit`, then
 * the other parameters with `nextParams` applied (a null value removes that parameter).
 */
export function linkHeaders(
  org: Org,
  req: SimRequest,
  limit: number,
  nextParams?: Record<string, string | null>,
): string[] {
  const url = (entries: Array<[string, string]>) =>
    `${org.baseUrl()}${req.url.pathname}?${new URLSearchParams(entries).toString()}`;
  const rest = [...req.query].filter(([name]) => name !== 'after' && name !== 'limit');
  const after = req.query.get('after');
  const selfEntries: Array<[string, string]> = [
    ...(after !== null ? ([['after', after]] as Array<[string, string]>) : []),
    ['limit', String(limit)],
    ...rest,
  ];
  const links = [`<${url(selfEntries)}>; rel="self"`];
  if (nextParams) {
    const { after: nextAfter, ...changes } = nextParams;
    const nextRest = new URLSearchParams(rest);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) nextRest.delete(name);
      else nextRest.set(name, value);
    }
    const nextEntries: Array<[string, string]> = [
      ...(nextAfter ? ([['after', nextAfter]] as Array<[string, string]>) : []),
      ['limit', String(limit)],
      ...nextRest,
    ];
    links.push(`<${url(nextEntries)}>; rel="next"`);
  }
  return links;
}
