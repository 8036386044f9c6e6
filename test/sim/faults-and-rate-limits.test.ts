// Injected faults fire as configured; rate-limit headers count down and reset with the sim clock.
import { Client } from '@okta/okta-sdk-nodejs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';

let sim: OktaSim;

const get = (path: string) => fetch(`${sim.url}${path}`, { headers: { authorization: `SSWS ${sim.apiToken}` } });

beforeAll(async () => {
  sim = await startOktaSim({ seed: 'empty', rateLimits: { 'user-get': 3 } });
});

afterEach(() => {
  sim.control.clearFaults();
  sim.control.resetRateLimits();
});

afterAll(async () => {
  await sim.close();
});

describe('faults', () => {
  it('answers a rate-limit fault with 429 E0000047 and remaining 0', async () => {
    sim.control.addFault({ type: 'rate-limit', path: '^/api/v1/users$', count: 1 });
    const response = await get('/api/v1/users');
    expect([
      response.status,
      ((await response.json()) as { errorCode: string }).errorCode,
      response.headers.get('x-rate-limit-remaining'),
    ]).toEqual([429, 'E0000047', '0']);
  });

  it('fires only as many times as its count', async () => {
    sim.control.addFault({ type: 'server-error', path: '^/api/v1/users$', count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/api/v1/users')).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('answers a server-error fault with the status and Okta error code asked for', async () => {
    sim.control.addFault({ type: 'server-error', status: 503, errorCode: 'E0000009', method: 'GET' });
    const response = await get('/api/v1/groups');
    expect([response.status, ((await response.json()) as { errorCode: string }).errorCode]).toEqual([503, 'E0000009']);
  });

  it('leaves requests that do not match alone', async () => {
    sim.control.addFault({ type: 'server-error', method: 'POST', path: '^/api/v1/users$' });
    expect((await get('/api/v1/users')).status).toBe(200);
  });

  it('delays a response by the time asked for', async () => {
    sim.control.addFault({ type: 'delay', delayMs: 150, count: 1 });
    const started = Date.now();
    await get('/api/v1/users');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drops the connection before any response', async () => {
    sim.control.addFault({ type: 'drop', count: 1 });
    await expect(get('/api/v1/users')).rejects.toThrow();
  });

  it('answers a concurrency fault with limit and remaining both 0', async () => {
    sim.control.addFault({ type: 'concurrency-limit', count: 1 });
    const response = await get('/api/v1/users');
    expect([
      response.status,
      response.headers.get('x-rate-limit-limit'),
      response.headers.get('x-rate-limit-remaining'),
    ]).toEqual([429, '0', '0']);
  });

  it('is installed over HTTP through /__sim/faults too', async () => {
    await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'server-error', status: 502, count: 1 }),
    });
    expect((await get('/api/v1/users')).status).toBe(502);
  });

  it('lets okta-sdk-nodejs retry a 429 and succeed', async () => {
    sim.control.addFault({ type: 'rate-limit', path: '^/api/v1/groups$', count: 1 });
    const client = new Client({ orgUrl: sim.url, token: sim.apiToken, cacheMiddleware: null });
    const groups = [];
    for await (const group of await client.groupApi.listGroups({})) groups.push(group?.profile?.name);
    expect(groups).toEqual(['Everyone']);
  });
});

describe('rate limits', () => {
  const userPath = () => `/api/v1/users/${sim.org.adminUserId}`;

  it('counts down X-Rate-Limit-Remaining request by request', async () => {
    const remaining = [];
    for (let i = 0; i < 3; i++) remaining.push((await get(userPath())).headers.get('x-rate-limit-remaining'));
    expect(remaining).toEqual(['2', '1', '0']);
  });

  it('refuses the request over the limit with 429', async () => {
    for (let i = 0; i < 3; i++) await get(userPath());
    expect((await get(userPath())).status).toBe(429);
  });

  it('opens a new window once the sim clock passes the reset time', async () => {
    for (let i = 0; i < 4; i++) await get(userPath());
    sim.clock.advance(61_000);
    const response = await get(userPath());
    expect([response.status, response.headers.get('x-rate-limit-remaining')]).toEqual([200, '2']);
  });

  it('gives the reset time in epoch seconds of the sim clock', async () => {
    const response = await get(userPath());
    const reset = Number(response.headers.get('x-rate-limit-reset'));
    expect(reset * 1000 - sim.clock.now()).toBeGreaterThan(58_000);
    expect(reset * 1000 - sim.clock.now()).toBeLessThanOrEqual(61_000);
  });

  it('keeps separate buckets per endpoint', async () => {
    for (let i = 0; i < 4; i++) await get(userPath());
    const response = await get('/api/v1/logs');
    expect([response.status, response.headers.get('x-rate-limit-limit')]).toEqual([200, '120']);
  });

  it('answers 429 with limit and remaining 0 beyond the concurrency limit', async () => {
    const crowded = await startOktaSim({ seed: 'empty', concurrencyLimit: 2 });
    crowded.control.addFault({ type: 'delay', delayMs: 200 });
    const calls = Array.from({ length: 4 }, () =>
      fetch(`${crowded.url}/api/v1/groups`, { headers: { authorization: `SSWS ${crowded.apiToken}` } }),
    );
    const responses = await Promise.all(calls);
    await crowded.close();
    const refused = responses.filter((response) => response.status === 429);
    expect(refused.map((response) => response.headers.get('x-rate-limit-limit'))).toEqual(['0', '0']);
  });
});
