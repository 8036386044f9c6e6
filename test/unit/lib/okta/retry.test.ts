import { describe, expect, it } from 'vitest';
import { oktaClientFor } from '../../../../functions/lib/okta/client.js';
import { backoffDelay, neverReachedOkta, RetryBudget } from '../../../../functions/lib/okta/retry.js';
import { apiTokenConnection, fakeClock, json, networkError, scriptedFetch, timeoutError } from './fake-okta.js';
import { match } from '../../../support/match.js';

function client(fetch: typeof globalThis.fetch, clock = fakeClock()) {
  return oktaClientFor(apiTokenConnection(), {
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
    rateLimitReserve: 0.1,
  });
}

describe('okta-client: retries of failures', () => {
  it('retries a GET after a 503 with growing backoff', async () => {
    const clock = fakeClock();
    const { fetch, requests } = scriptedFetch(
      json({ errorCode: 'E0000009' }, 503),
      json({ errorCode: 'E0000009' }, 503),
      json({ id: 1 }),
    );
    const response = await client(fetch, clock).request({ method: 'GET', path: '/api/v1/users/00u1' });
    expect(response).toMatchObject({ status: 200, retries: 2 });
    expect(requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([125, 250]);
  });

  it('retries a DELETE after a timeout', async () => {
    const { fetch, requests } = scriptedFetch(timeoutError(), new Response(null, { status: 204 }));
    const response = await client(fetch).request({ method: 'DELETE', path: '/api/v1/groups/00g1/users/00u1' });
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect(requests).toHaveLength(2);
  });

  it('retries a PUT after a connection reset', async () => {
    const { fetch, requests } = scriptedFetch(networkError('ECONNRESET'), new Response(null, { status: 204 }));
    await client(fetch).request({ method: 'PUT', path: '/api/v1/groups/00g1/users/00u1' });
    expect(requests).toHaveLength(2);
  });

  it('does not retry a POST after a timeout: Okta may have acted on it', async () => {
    const { fetch, requests } = scriptedFetch(timeoutError(), json({ id: 'dup' }));
    await expect(
      client(fetch).request({ method: 'POST', path: '/api/v1/users', body: { profile: {} } }),
    ).rejects.toMatchObject({ name: 'OktaUnavailable', message: match.stringContaining('did not answer in time') });
    expect(requests).toHaveLength(1);
  });

  it('does not retry a POST after a reset or a 5xx', async () => {
    for (const failure of [networkError('ECONNRESET'), json({ errorCode: 'E0000009' }, 500)]) {
      const { fetch, requests } = scriptedFetch(failure, json({}));
      await expect(
        client(fetch).request({ method: 'POST', path: '/api/v1/users/00u1/lifecycle/suspend' }),
      ).rejects.toMatchObject({ name: 'OktaUnavailable' });
      expect(requests).toHaveLength(1);
    }
  });

  it('retries a POST after a refused connection: it never reached Okta', async () => {
    const { fetch, requests } = scriptedFetch(
      networkError('ECONNREFUSED'),
      networkError('ENOTFOUND'),
      json({ id: '00u9' }),
    );
    const response = await client(fetch).request({ method: 'POST', path: '/api/v1/users', body: { profile: {} } });
    expect(response.body).toEqual({ id: '00u9' });
    expect(requests).toHaveLength(3);
  });

  it('gives OktaUnavailable when the retries are used up', async () => {
    const { fetch, requests } = scriptedFetch(
      json({ errorCode: 'E0000009', errorSummary: 'Internal Server Error' }, 500),
    );
    await expect(client(fetch).request({ method: 'GET', path: '/api/v1/users/00u1' })).rejects.toMatchObject({
      name: 'OktaUnavailable',
      oktaErrorCode: 'E0000009',
      oktaStatus: 500,
    });
    expect(requests).toHaveLength(4);
  });

  it('does not start a retry whose backoff would end after the deadline', async () => {
    const clock = fakeClock();
    const { fetch, requests } = scriptedFetch(json({}, 502));
    await expect(
      client(fetch, clock).request({ method: 'GET', path: '/api/v1/users/00u1' }, { deadline: clock.now() + 100 }),
    ).rejects.toMatchObject({ name: 'OktaUnavailable' });
    expect(requests).toHaveLength(1);
  });

  it('sets a timeout on every attempt', async () => {
    const signals: (AbortSignal | null | undefined)[] = [];
    const fetch = ((_url: URL, init: RequestInit) => {
      signals.push(init.signal);
      return Promise.resolve(json({}));
    }) as unknown as typeof globalThis.fetch;
    await client(fetch).request({ method: 'GET', path: '/api/v1/users/00u1' });
    expect(signals[0]).toBeInstanceOf(AbortSignal);
  });
});

describe('okta-retry', () => {
  it.each([
    ['ECONNREFUSED', true],
    ['ENOTFOUND', true],
    ['EAI_AGAIN', true],
    ['UND_ERR_CONNECT_TIMEOUT', true],
    ['ECONNRESET', false],
    ['UND_ERR_SOCKET', false],
    ['EPIPE', false],
  ])('knows whether %s means the request never reached Okta (%s)', (code, expected) => {
    expect(neverReachedOkta(networkError(code))).toBe(expected);
  });

  it('treats a timeout as possibly delivered', () => {
    expect(neverReachedOkta(timeoutError())).toBe(false);
  });

  it('doubles the backoff step each attempt, up to a cap', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, () => 1))).toEqual([250, 500, 1000, 2000, 8000]);
    expect(backoffDelay(2, () => 0)).toBe(500);
  });
});

describe('RetryBudget: one budget of retries per request', () => {
  it('allows each reason its own number of retries and counts them all together', async () => {
    const clock = fakeClock();
    const budget = new RetryBudget(clock.now() + 600_000, clock);
    const failures: boolean[] = [];
    for (let i = 0; i < 5; i += 1) failures.push(await budget.retry('failure', 10));
    expect(failures).toEqual([true, true, true, false, false]);
    expect([await budget.retry('sign-in'), await budget.retry('sign-in')]).toEqual([true, false]);
    expect(budget.attempts('failure')).toBe(3);
    expect(budget.retries).toBe(4);
    expect(clock.sleeps).toEqual([10, 10, 10]);
  });

  it('refuses, without waiting, a retry whose wait would end past the deadline', async () => {
    const clock = fakeClock();
    const budget = new RetryBudget(clock.now() + 1_000, clock);
    expect(await budget.retry('rate-limit', 1_001)).toBe(false);
    expect(clock.sleeps).toEqual([]);
    expect(budget.retries).toBe(0);
  });
});
