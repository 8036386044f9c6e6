import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_VERSION, oktaClientFor } from '../../../functions/lib/okta-client.js';
import { API_TOKEN, apiTokenConnection, fakeClock, json, scriptedFetch } from './fake-okta.js';

function client(fetch: typeof globalThis.fetch, clock = fakeClock()) {
  return oktaClientFor(apiTokenConnection(), { fetch, now: clock.now, sleep: clock.sleep, random: () => 0.5, rateLimitReserve: 0.1 });
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
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
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
    await client(fetch).request({ method: 'POST', path: '/api/v1/users', query: { activate: false, provider: undefined }, body: { profile: { login: 'a@b.c' } } });
    expect(requests[0]?.url.search).toBe('?activate=false');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ profile: { login: 'a@b.c' } });
    expect(requests[0]?.headers['content-length']).toBeUndefined();
  });
});
