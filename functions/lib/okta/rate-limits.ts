/**
 * Okta rate limits as the client sees them: which endpoint bucket a request counts against, the latest
 * `X-Rate-Limit-*` values per bucket, and how long to wait so the connector leaves the org's other apps their share.
 *
 * Okta's limits are per org and per endpoint; the buckets follow its last published table (OKTA-API-FACTS §4,
 * RL-OLD), matched by longest prefix (RL "Match requests"), so `/api/v1/users/{id}/lifecycle/*` counts against the
 * `/api/v1/users/{id}` bucket of its method (inference: Okta does not document the subpaths).
 */
import type { HeaderReader } from './http-transport.js';

export interface RateLimitState {
  bucket: string;
  limit: number;
  remaining: number;
  /** Epoch ms when the window resets. */
  resetAt: number;
}

/** The endpoint bucket of a request, e.g. `GET /api/v1/users/{id}`; `path` may be a full URL and carry a query. */
export function rateLimitBucket(method: string, path: string): string {
  const pathname = (
    path.startsWith('http://') || path.startsWith('https://') ? new URL(path).pathname : (path.split('?')[0] ?? '')
  ).replace(/\/+$/, '');
  const verb = method.toUpperCase();
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments[0] !== 'api' || segments[1] !== 'v1') return segments[0] === 'oauth2' ? '/oauth2' : 'other';
  const [resource, id] = [segments[2], segments[3]];
  const deeper = segments.length > 4;
  switch (resource) {
    case 'users':
      if (id === undefined) return '/api/v1/users';
      return verb === 'GET' ? 'GET /api/v1/users/{id}' : 'POST, PUT, DELETE /api/v1/users/{id}';
    case 'groups':
      return id === undefined ? '/api/v1/groups' : '/api/v1/groups/{id}';
    case 'apps':
      // Only the exact app URL has the larger limit; the list and every subpath share the small one.
      return id !== undefined && !deeper ? '/api/v1/apps/{id}' : '/api/v1/apps';
    case 'logs':
      return '/api/v1/logs';
    default:
      return '/api/v1';
  }
}

/** The latest rate-limit headers per bucket of one connection. */
export class RateLimits {
  private readonly states = new Map<string, RateLimitState>();

  /** Records the `X-Rate-Limit-*` headers of a response; returns what they say, or undefined when absent. */
  record(bucket: string, headers: HeaderReader): RateLimitState | undefined {
    const limit = headerNumber(headers, 'x-rate-limit-limit', Math.min);
    const remaining = headerNumber(headers, 'x-rate-limit-remaining', Math.min);
    const reset = headerNumber(headers, 'x-rate-limit-reset', Math.max);
    if (limit === undefined || remaining === undefined || reset === undefined) return undefined;
    const state = { bucket, limit, remaining, resetAt: reset * 1000 };
    // A concurrency 429 says nothing about the bucket's window (limit and remaining are 0, the reset a guess).
    if (!isConcurrencyLimit(state)) this.states.set(bucket, state);
    return state;
  }

  get(bucket: string): RateLimitState | undefined {
    return this.states.get(bucket);
  }
}

/** A concurrency 429: Okta reports limit and remaining as 0 and the reset is only an estimate (RL-MON). */
export function isConcurrencyLimit(state: RateLimitState | undefined): boolean {
  return state !== undefined && state.limit === 0 && state.remaining === 0;
}

/**
 * How long to wait before the next call so that, once `remaining` is under the reserve (a share of `limit`), the
 * calls left are spread over the rest of the window instead of spent at once. 0 above the reserve or after reset.
 */
export function pacingDelay(state: RateLimitState | undefined, now: number, reserve: number): number {
  if (!state || state.limit <= 0 || state.resetAt <= now) return 0;
  if (state.remaining >= state.limit * reserve && state.remaining > 0) return 0;
  return Math.ceil((state.resetAt - now) / (state.remaining + 1));
}

/** A numeric header; when a proxy or a duplicated header joined several values, `pick` chooses among them. */
function headerNumber(headers: HeaderReader, name: string, pick: (...values: number[]) => number): number | undefined {
  const raw = headers.get(name);
  if (raw === null) return undefined;
  const values = raw
    .split(',')
    .map((v) => Number(v.trim()))
    .filter((v) => Number.isFinite(v));
  return values.length === 0 ? undefined : pick(...values);
}
