/**
 * Okta's cursor pagination (CORE "Pagination"): follow the `rel="next"` Link of each page, never build an `after`
 * cursor, and hand the caller the opaque `after` of the last next link to go on from.
 */
import { nextLink } from './link-header.js';
import type { CallOptions, OktaPage, OktaRequest, OktaResponse } from './types.js';

type Send = <T>(req: OktaRequest, options?: CallOptions) => Promise<OktaResponse<T>>;

/** Pages of a list, following next links. */
export async function* walkPages<T>(
  send: Send,
  req: OktaRequest,
  options: CallOptions = {},
): AsyncGenerator<OktaPage<T>> {
  let current: OktaRequest = req;
  for (;;) {
    const response = await send<T[]>(current, options);
    const items = Array.isArray(response.body) ? response.body : [];
    const next = nextLink(response.headers);
    yield { items, next, response };
    // An empty page ends the walk even with a next link: a System Log polling query always has one (CORE).
    if (!next || items.length === 0) return;
    current = { method: 'GET', path: next, headers: req.headers };
  }
}

/**
 * Items of a list up to `limit`. Each page asks for min(pageSize, what is still wanted), so the limit falls on a
 * page boundary and the last next link's `after` is exactly where to go on from.
 */
export async function listItems<T>(
  send: Send,
  req: OktaRequest,
  options: CallOptions & { limit?: number; pageSize?: number } = {},
): Promise<{ items: T[]; after?: string }> {
  const { limit, pageSize: wanted, ...callOptions } = options;
  const pageSize = wanted ?? positiveNumber(req.query?.limit) ?? (limit === undefined ? undefined : 200);
  const items: T[] = [];
  let current = limitedTo(req, limit, pageSize, 0);
  for (;;) {
    const response = await send<T[]>(current, callOptions);
    const got = Array.isArray(response.body) ? response.body : [];
    const next = nextLink(response.headers);
    items.push(...got.slice(0, limit === undefined ? got.length : limit - items.length));
    const full = limit !== undefined && items.length >= limit;
    if (!next || got.length === 0 || full) return next ? { items, after: afterOf(next) } : { items };
    current = limitedTo({ method: 'GET', path: next, headers: req.headers }, limit, pageSize, items.length);
  }
}

/** The request for one page: `limit` set to what is still wanted (a next link's own `limit` is replaced). */
function limitedTo(
  req: OktaRequest,
  limit: number | undefined,
  pageSize: number | undefined,
  have: number,
): OktaRequest {
  if (pageSize === undefined) return req;
  const size = limit === undefined ? pageSize : Math.min(pageSize, limit - have);
  return { ...req, query: { ...req.query, limit: size } };
}

/** The opaque `after` cursor of a next link, handed back as is. */
function afterOf(next: string): string | undefined {
  return new URL(next).searchParams.get('after') ?? undefined;
}

function positiveNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
