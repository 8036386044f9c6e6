import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_VERSION, oktaClientFor } from '../../../../functions/lib/okta/client.js';
import { API_TOKEN, apiTokenConnection, fakeClock, json, scriptedFetch } from './fake-okta.js';

function client(fetch: typeof globalThis.fetch, clock = fakeClock()) {
  return oktaClientFor(apiTokenConnection(), {
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    rateLimitReserve: 0.1,
  });
}

describe('okta-client: requests', () => {
  it('sends Accept, Content-Type, the User-Agent and the SSWS token', async () => {
    const { fetch, requests } = scriptedFetch(json({ id: '00u1' }));
    const response = await client(fetch).request({ method: 'GET', path: '/api/v1/users/00u1' });
    expect(response.body).toEqual({ id: '00u1' });
    expect(requests[0]?.url.href).toBe('https://acme.okta.com/api/v1/users/00u1');
    expect(requests[0]?.headers).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json',
      'user-agent': `okta-connector/${CONNECTOR_VERSION}`,
      authorization: `SSWS ${API_TOKEN}`,
    });
  });

  it('names the version of package.json in the User-Agent', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(CONNECTOR_VERSION).toBe(pkg.version);
  });

  it('sends Content-Length: 0 on a POST without a body', async () => {
    const { fetch, requests } = scriptedFetch(json({}));
    await client(fetch).request({ method: 'POST', path: '/api/v1/users/00u1/lifecycle/suspend' });
    expect(requests[0]?.headers['content-length']).toBe('0');
    expect(requests[0]?.body).toBeUndefined();
  });

  it('sends a JSON body and the query parameters that are set', async () => {
    const { fetch, requests } = scriptedFetch(json({ id: '00u2' }));
    await client(fetch).request({
      method: 'POST',
      path: '/api/v1/users',
      query: { activate: false, provider: undefined },
      body: { profile: { login: 'a@b.c' } },
    });
    expect(requests[0]?.url.search).toBe('?activate=false');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ profile: { login: 'a@b.c' } });
    expect(requests[0]?.headers['content-length']).toBeUndefined();
  });
});

describe('okta-client: paging', () => {
  const base = 'https://acme.okta.com/api/v1/users';

  it('follows rel="next" over several pages sent as separate Link header lines', async () => {
    const { fetch, requests } = scriptedFetch(
      json([{ id: 1 }, { id: 2 }], 200, [
        ['link', `<${base}?limit=2>; rel="self"`],
        ['link', `<${base}?after=p2&limit=2>; rel="next"`],
      ]),
      json([{ id: 3 }, { id: 4 }], 200, [
        ['link', `<${base}?after=p2&limit=2>; rel="self"`],
        ['link', `<${base}?after=p3&limit=2>; rel="next"`],
      ]),
      json([{ id: 5 }], 200, [['link', `<${base}?after=p3&limit=2>; rel="self"`]]),
    );
    const seen: unknown[] = [];
    for await (const page of client(fetch).pages({ method: 'GET', path: '/api/v1/users', query: { limit: 2 } }))
      seen.push(...page.items);
    expect(seen).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }]);
    expect(requests.map((r) => r.url.search)).toEqual(['?limit=2', '?after=p2&limit=2', '?after=p3&limit=2']);
  });

  it('reads the next link from one joined Link header', async () => {
    const { fetch, requests } = scriptedFetch(
      json([{ id: 1 }], 200, { link: `<${base}?limit=1>; rel="self", <${base}?after=x%2Cy&limit=1>; rel="next"` }),
      json([{ id: 2 }], 200, { link: `<${base}?after=x%2Cy&limit=1>; rel="self"` }),
    );
    const pages = [];
    for await (const page of client(fetch).pages({ method: 'GET', path: '/api/v1/users', query: { limit: 1 } }))
      pages.push(page);
    expect(pages.map((p) => p.next)).toEqual([`${base}?after=x%2Cy&limit=1`, undefined]);
    expect(requests[1]?.url.searchParams.get('after')).toBe('x,y');
  });

  it('stops at a limit on a page boundary and returns the cursor to go on from', async () => {
    const { fetch, requests } = scriptedFetch(
      json([{ id: 1 }, { id: 2 }], 200, { link: `<${base}?after=a2&limit=2>; rel="next"` }),
      json([{ id: 3 }], 200, { link: `<${base}?after=a3&limit=1>; rel="next"` }),
    );
    const result = await client(fetch).list({ method: 'GET', path: '/api/v1/users' }, { limit: 3, pageSize: 2 });
    expect(result).toEqual({ items: [{ id: 1 }, { id: 2 }, { id: 3 }], after: 'a3' });
    expect(requests.map((r) => r.url.searchParams.get('limit'))).toEqual(['2', '1']);
  });

  it('returns every item and no cursor when the list ends before the limit', async () => {
    const { fetch } = scriptedFetch(json([{ id: 1 }], 200, {}));
    expect(await client(fetch).list({ method: 'GET', path: '/api/v1/groups' }, { limit: 10 })).toEqual({
      items: [{ id: 1 }],
    });
  });

  it('ends the walk on an empty page even when a next link is present (a caught-up System Log poll)', async () => {
    const { fetch, requests } = scriptedFetch(
      json([], 200, { link: `<https://acme.okta.com/api/v1/logs?after=z>; rel="next"` }),
    );
    const pages = [];
    for await (const page of client(fetch).pages({ method: 'GET', path: '/api/v1/logs' })) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.next).toBe('https://acme.okta.com/api/v1/logs?after=z');
    expect(requests).toHaveLength(1);
  });

  it("refuses to follow a next link to another host with the connection's credentials", async () => {
    const { fetch, requests } = scriptedFetch(
      json([{ id: 1 }], 200, { link: '<https://evil.example.com/api/v1/users?after=1>; rel="next"' }),
    );
    await expect(client(fetch).list({ method: 'GET', path: '/api/v1/users' })).rejects.toMatchObject({
      name: 'InternalError',
    });
    expect(requests).toHaveLength(1);
  });
});

describe('okta-client: rate limits', () => {
  const resetIn = (clock: { now: () => number }, seconds: number) => String(Math.floor(clock.now() / 1000) + seconds);

  it('waits out a 429 until X-Rate-Limit-Reset plus jitter, then retries', async () => {
    const clock = fakeClock();
    const { fetch, requests } = scriptedFetch(
      json({ errorCode: 'E0000047' }, 429, {
        'x-rate-limit-limit': '600',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': resetIn(clock, 20),
      }),
      json({ id: '00u1' }),
    );
    const response = await oktaClientFor(apiTokenConnection(), {
      fetch,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0.25,
      rateLimitReserve: 0.1,
    }).request({ method: 'GET', path: '/api/v1/users/00u1' }, { deadline: clock.now() + 60_000 });
    expect(response.retries).toBe(1);
    expect(requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([20_000 + 250]);
  });

  it('gives OktaRateLimited with retryAfterSeconds when the reset is past the deadline', async () => {
    const clock = fakeClock();
    const { fetch, requests } = scriptedFetch(
      json({ errorCode: 'E0000047', errorId: 'oaeX' }, 429, {
        'x-rate-limit-limit': '600',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': resetIn(clock, 45),
      }),
    );
    const error = await client(fetch, clock)
      .request({ method: 'GET', path: '/api/v1/users/00u1' }, { deadline: clock.now() + 10_000 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'OktaRateLimited',
      retryAfterSeconds: 46,
      oktaErrorCode: 'E0000047',
      oktaErrorId: 'oaeX',
    });
    expect(requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('backs off exponentially on a concurrency 429 (limit and remaining 0)', async () => {
    const clock = fakeClock();
    const concurrency = json({ errorCode: 'E0000047' }, 429, {
      'x-rate-limit-limit': '0',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': resetIn(clock, 60),
    });
    const { fetch, requests } = scriptedFetch(concurrency, concurrency, concurrency, json({ ok: true }));
    const okta = oktaClientFor(apiTokenConnection(), {
      fetch,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 1,
      rateLimitReserve: 0.1,
    });
    await okta.request({ method: 'GET', path: '/api/v1/users/00u1' }, { deadline: clock.now() + 30_000 });
    expect(requests).toHaveLength(4);
    expect(clock.sleeps).toEqual([250, 500, 1000]);
  });

  it('spreads the calls left over the window once Remaining is under the reserve', async () => {
    const clock = fakeClock();
    let remaining = 12;
    const reset = resetIn(clock, 10);
    const { fetch } = scriptedFetch(() => {
      remaining -= 1;
      return json({}, 200, {
        'x-rate-limit-limit': '100',
        'x-rate-limit-remaining': String(remaining),
        'x-rate-limit-reset': reset,
      });
    });
    const okta = client(fetch, clock);
    for (let i = 0; i < 5; i += 1)
      await okta.request({ method: 'GET', path: '/api/v1/users/00u1' }, { deadline: clock.now() + 60_000 });
    // Remaining 11 and 10 are at or above the 10% reserve; from 9 on, each call waits (reset − now) / (remaining + 1).
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[0]).toBe(1000);
    expect(clock.sleeps[1]).toBe(Math.ceil(9000 / 9));
    expect(okta.rateLimit('/api/v1/users/00u2')).toMatchObject({
      bucket: 'GET /api/v1/users/{id}',
      limit: 100,
      remaining: 7,
    });
  });

  it("sends a bucket's first call alone: concurrent callers wait for the answer that tells the window", async () => {
    const clock = fakeClock();
    let inFlight = 0;
    let mostInFlight = 0;
    const { fetch, requests } = scriptedFetch(async () => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return json({}, 200, {
        'x-rate-limit-limit': '600',
        'x-rate-limit-remaining': String(600 - requests.length),
        'x-rate-limit-reset': resetIn(clock, 60),
      });
    });
    const okta = client(fetch, clock);
    const calls = Array.from({ length: 5 }, () => okta.request({ method: 'GET', path: '/api/v1/users/00u1' }));
    await new Promise((resolve) => setTimeout(resolve, 2));
    // The first call is out; the four others wait for its X-Rate-Limit-* headers.
    expect(requests).toHaveLength(1);
    await Promise.all(calls);
    expect(requests).toHaveLength(5);
    expect(mostInFlight).toBe(4);
  });

  it('counts calls in flight against Remaining, so a burst is held to the reserve as a sequence would be', async () => {
    const clock = fakeClock();
    const reset = resetIn(clock, 60);
    let remaining = 20;
    const { fetch, requests } = scriptedFetch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      remaining -= 1;
      return json({}, 200, {
        'x-rate-limit-limit': '100',
        'x-rate-limit-remaining': String(remaining),
        'x-rate-limit-reset': reset,
      });
    });
    const okta = client(fetch, clock);
    await okta.request({ method: 'GET', path: '/api/v1/groups' });
    // 19 left, the reserve is 10: ten concurrent calls go at once, the others are spread over the window.
    await Promise.all(
      Array.from({ length: 15 }, () =>
        okta.request({ method: 'GET', path: '/api/v1/groups' }, { deadline: clock.now() + 600_000 }),
      ),
    );
    expect(requests).toHaveLength(16);
    expect(clock.sleeps).toHaveLength(5);
    expect(Math.min(...clock.sleeps)).toBeGreaterThan(0);
  });

  it('fails with OktaRateLimited rather than spend the reserve when its turn would come after the deadline', async () => {
    const clock = fakeClock();
    const { fetch, requests } = scriptedFetch(
      json({}, 200, {
        'x-rate-limit-limit': '100',
        'x-rate-limit-remaining': '1',
        'x-rate-limit-reset': resetIn(clock, 40),
      }),
    );
    const okta = client(fetch, clock);
    await okta.request({ method: 'GET', path: '/api/v1/groups' });
    // Under the reserve, the call's turn is (reset − now) / (remaining + 1) = 20 s away: past a 4 s deadline.
    await expect(
      okta.request({ method: 'GET', path: '/api/v1/groups' }, { deadline: clock.now() + 4_000 }),
    ).rejects.toMatchObject({ name: 'OktaRateLimited', retryAfterSeconds: 20 });
    expect(requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not pace when the caller checks headroom itself (paceNearLimit: false)', async () => {
    const clock = fakeClock();
    const { fetch } = scriptedFetch(
      json({}, 200, {
        'x-rate-limit-limit': '100',
        'x-rate-limit-remaining': '1',
        'x-rate-limit-reset': resetIn(clock, 30),
      }),
    );
    const okta = client(fetch, clock);
    await okta.request({ method: 'GET', path: '/api/v1/logs' });
    await okta.request({ method: 'GET', path: '/api/v1/logs' }, { paceNearLimit: false });
    expect(clock.sleeps).toEqual([]);
  });

  it('fails fast with OktaRateLimited when the window is spent and resets after the deadline', async () => {
    const clock = fakeClock();
    const { fetch, requests } = scriptedFetch(
      json({}, 200, {
        'x-rate-limit-limit': '100',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': resetIn(clock, 50),
      }),
    );
    const okta = client(fetch, clock);
    await okta.request({ method: 'GET', path: '/api/v1/groups' });
    await expect(
      okta.request({ method: 'GET', path: '/api/v1/groups' }, { deadline: clock.now() + 5_000 }),
    ).rejects.toMatchObject({ name: 'OktaRateLimited', retryAfterSeconds: 50 });
    expect(requests).toHaveLength(1);
  });
});
