import { describe, expect, it } from 'vitest';
import { pacingDelay, rateLimitBucket, RateLimits } from '../../../../functions/lib/okta/rate-limits.js';

describe("rate-limits: buckets as in Okta's table", () => {
  it.each([
    ['GET', '/api/v1/users', '/api/v1/users'],
    ['POST', '/api/v1/users?activate=true', '/api/v1/users'],
    ['GET', '/api/v1/users/00u1', 'GET /api/v1/users/{id}'],
    ['GET', '/api/v1/users/me', 'GET /api/v1/users/{id}'],
    ['GET', '/api/v1/users/00u1/groups', 'GET /api/v1/users/{id}'],
    ['POST', '/api/v1/users/00u1', 'POST, PUT, DELETE /api/v1/users/{id}'],
    ['PUT', '/api/v1/users/00u1', 'POST, PUT, DELETE /api/v1/users/{id}'],
    ['DELETE', '/api/v1/users/00u1', 'POST, PUT, DELETE /api/v1/users/{id}'],
    ['POST', '/api/v1/users/00u1/lifecycle/suspend', 'POST, PUT, DELETE /api/v1/users/{id}'],
    ['GET', '/api/v1/groups', '/api/v1/groups'],
    ['GET', '/api/v1/groups/00g1', '/api/v1/groups/{id}'],
    ['PUT', '/api/v1/groups/00g1/users/00u1', '/api/v1/groups/{id}'],
    ['GET', '/api/v1/apps', '/api/v1/apps'],
    ['GET', '/api/v1/apps/0oa1/users', '/api/v1/apps'],
    ['GET', '/api/v1/apps/0oa1', '/api/v1/apps/{id}'],
    ['GET', '/api/v1/logs', '/api/v1/logs'],
    ['GET', 'https://acme.okta.com/api/v1/logs?after=1', '/api/v1/logs'],
    ['GET', '/api/v1/eventHooks', '/api/v1'],
    ['POST', '/oauth2/v1/token', '/oauth2'],
  ])('%s %s counts against %s', (method, path, bucket) => {
    expect(rateLimitBucket(method, path)).toBe(bucket);
  });
});

describe('rate-limits: state and pacing', () => {
  it('keeps the latest headers per bucket, the reset in epoch ms', () => {
    const limits = new RateLimits();
    limits.record(
      '/api/v1/logs',
      new Headers({ 'x-rate-limit-limit': '120', 'x-rate-limit-remaining': '7', 'x-rate-limit-reset': '1700000060' }),
    );
    expect(limits.get('/api/v1/logs')).toEqual({
      bucket: '/api/v1/logs',
      limit: 120,
      remaining: 7,
      resetAt: 1_700_000_060_000,
    });
    expect(limits.get('/api/v1/users')).toBeUndefined();
  });

  it('reads duplicated headers cautiously (least remaining, latest reset)', () => {
    const limits = new RateLimits();
    const state = limits.record(
      'b',
      new Headers([
        ['x-rate-limit-limit', '600'],
        ['x-rate-limit-limit', '100'],
        ['x-rate-limit-remaining', '50'],
        ['x-rate-limit-remaining', '3'],
        ['x-rate-limit-reset', '10'],
        ['x-rate-limit-reset', '20'],
      ]),
    );
    expect(state).toEqual({ bucket: 'b', limit: 100, remaining: 3, resetAt: 20_000 });
  });

  it("does not take a concurrency 429 (limit and remaining 0) for the state of the bucket's window", () => {
    const limits = new RateLimits();
    limits.record(
      'b',
      new Headers({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '500', 'x-rate-limit-reset': '100' }),
    );
    const concurrency = limits.record(
      'b',
      new Headers({ 'x-rate-limit-limit': '0', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '101' }),
    );
    expect(concurrency).toMatchObject({ limit: 0, remaining: 0 });
    expect(limits.get('b')).toMatchObject({ limit: 600, remaining: 500 });
  });

  it('does not pace above the reserve, nor after the window reset', () => {
    expect(pacingDelay({ bucket: 'b', limit: 100, remaining: 10, resetAt: 60_000 }, 0, 0.1)).toBe(0);
    expect(pacingDelay({ bucket: 'b', limit: 100, remaining: 1, resetAt: 60_000 }, 61_000, 0.1)).toBe(0);
    expect(pacingDelay(undefined, 0, 0.1)).toBe(0);
  });

  it('spreads the calls left over the rest of the window under the reserve', () => {
    expect(pacingDelay({ bucket: 'b', limit: 100, remaining: 9, resetAt: 30_000 }, 0, 0.1)).toBe(3000);
    expect(pacingDelay({ bucket: 'b', limit: 100, remaining: 0, resetAt: 30_000 }, 10_000, 0.1)).toBe(20_000);
  });
});
