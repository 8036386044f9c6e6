/**
 * Okta's org-wide rate limits: a per-minute budget per bucket (defaults: the last published Workforce column,
 * facts §4), windows on the sim clock that start with the first request, `X-Rate-Limit-*` on every response,
 * and a concurrency limit on requests in flight.
 */

export type RateLimitBucket =
  'logs' | 'users' | 'user-get' | 'user-write' | 'groups' | 'group' | 'apps' | 'app' | 'oauth2' | 'other';

export const DEFAULT_RATE_LIMITS: Record<RateLimitBucket, number> = {
  logs: 120,
  users: 600,
  'user-get': 2000,
  'user-write': 600,
  groups: 500,
  group: 1000,
  apps: 100,
  app: 500,
  // The org authorization server's endpoints (/oauth2/v1/*): their Workforce figure is UNVERIFIED in the facts;
  // 2000 keeps token requests from ever being what limits a benchmark.
  oauth2: 2000,
  other: 1200,
};

const WINDOW_MS = 60_000;

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

interface Window {
  resetAt: number;
  used: number;
}

export interface RateLimiter {
  /** Counts one request against the bucket and says whether it may proceed. */
  take(bucket: string): RateLimitDecision;
  /** The headers of a concurrency 429: limit and remaining 0, reset an estimate (RL-MON). */
  concurrencyHeaders(): Record<string, string>;
  /** Sets buckets' per-minute limits from now on, the window in use included (as an admin's change in Okta). */
  setLimits(limits: Partial<Record<RateLimitBucket, number>>): void;
  /** Current state, for the control API. */
  snapshot(): Record<string, { limit: number; used: number; resetAt: number }>;
  reset(): void;
}

/**
 * Maps an `/api/v1` request to its bucket by Okta's longest-prefix rule. Which bucket lifecycle and other
 * sub-paths of `/users/{id}` count against is UNVERIFIED: GETs count as "get user", writes as "user writes".
 */
export function bucketOf(method: string, path: string): RateLimitBucket {
  if (path.startsWith('/oauth2/')) return 'oauth2';
  const parts = path.split('/').filter(Boolean).slice(2);
  const [resource, id] = parts;
  if (resource === 'logs') return 'logs';
  if (resource === 'users') {
    if (id === undefined) return 'users';
    return method === 'GET' ? 'user-get' : 'user-write';
  }
  if (resource === 'groups') return id === undefined ? 'groups' : 'group';
  if (resource === 'apps') return id !== undefined && parts.length === 2 ? 'app' : 'apps';
  return 'other';
}

/** Whether `name` is one of the simulator's bucket names. */
export function isRateLimitBucket(name: string): name is RateLimitBucket {
  return Object.hasOwn(DEFAULT_RATE_LIMITS, name);
}

export function createRateLimiter(
  now: () => number,
  limits: Partial<Record<string, number>> | false | undefined,
): RateLimiter {
  const configured: Record<string, number> = { ...DEFAULT_RATE_LIMITS, ...(limits || {}) };
  const windows = new Map<string, Window>();
  const disabled = limits === false;
  return {
    take(bucket) {
      const limit = configured[bucket] ?? configured.other ?? 1200;
      const time = now();
      let window = windows.get(bucket);
      if (!window || time >= window.resetAt) {
        window = { resetAt: time + WINDOW_MS, used: 0 };
        windows.set(bucket, window);
      }
      const allowed = disabled || window.used < limit;
      if (allowed) window.used++;
      return {
        allowed,
        headers: {
          'x-rate-limit-limit': String(limit),
          'x-rate-limit-remaining': String(Math.max(0, limit - window.used)),
          'x-rate-limit-reset': String(Math.ceil(window.resetAt / 1000)),
        },
      };
    },
    concurrencyHeaders() {
      return {
        'x-rate-limit-limit': '0',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(Math.ceil((now() + 1000) / 1000)),
      };
    },
    setLimits(limits) {
      Object.assign(configured, limits);
    },
    snapshot() {
      const out: Record<string, { limit: number; used: number; resetAt: number }> = {};
      for (const [bucket, window] of windows)
        out[bucket] = { limit: configured[bucket] ?? 0, used: window.used, resetAt: window.resetAt };
      return out;
    },
    reset() {
      windows.clear();
    },
  };
}
