// The authorization-code flow end to end on the simulated org: a user created through the API signs in on the
// consent page, the browser-like client follows the redirect to its callback, and the code becomes a token that
// acts as that user.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import type { OAuthClient } from '../../local/okta-sim/types.js';
import { match } from '../support/match.js';

let sim: OktaSim;
let callback: Server;
let callbackUrl: string;
const callbackHits: URL[] = [];

beforeAll(async () => {
  sim = await startOktaSim({ seed: 'empty' });
  callback = createServer((request, response) => {
    callbackHits.push(new URL(request.url ?? '/', callbackUrl));
    response.writeHead(200, { 'content-type': 'text/plain' }).end('signed in');
  });
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
});

afterAll(async () => {
  await sim.close();
  callback.closeAllConnections();
  await new Promise((resolve) => callback.close(resolve));
});

/** Creates a user, signs it in on the consent page and redeems the code: the user's id, its client and tokens. */
async function signInNewUser(
  login: string,
): Promise<{ userId: string; client: OAuthClient; tokens: { access_token: string; refresh_token?: string } }> {
  const created = await fetch(`${sim.url}/api/v1/users?activate=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `SSWS ${sim.apiToken}` },
    body: JSON.stringify({
      profile: { firstName: 'Ada', lastName: 'Lovelace', email: login, login },
      credentials: { password: { value: 'Analytical-Engine-1' } },
    }),
  });
  const userId = ((await created.json()) as { id: string }).id;
  const client = (await (
    await fetch(`${sim.url}/__sim/oauth-clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        label: 'Okta connector',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [callbackUrl],
        grantedScopes: ['okta.users.read'],
      }),
    })
  ).json()) as OAuthClient;
  const verifier = randomBytes(32).toString('base64url');
  const authorizeParams = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: callbackUrl,
    scope: 'okta.users.read offline_access',
    state: 'xyz',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const page = await fetch(`${sim.url}/oauth2/v1/authorize?${authorizeParams}`);
  expect(await page.text()).toContain('id="allow"');

  const landed = await fetch(`${sim.url}/oauth2/v1/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      ...Object.fromEntries(authorizeParams),
      username: login,
      password: 'Analytical-Engine-1',
      decision: 'allow',
    }),
  });
  expect(await landed.text()).toBe('signed in');
  const code = callbackHits.at(-1)?.searchParams.get('code') ?? '';
  expect(callbackHits.at(-1)?.searchParams.get('state')).toBe('xyz');

  const tokens = (await (
    await fetch(`${sim.url}/oauth2/v1/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret ?? ''}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: callbackUrl,
        code_verifier: verifier,
      }),
    })
  ).json()) as { access_token: string; refresh_token?: string };
  return { userId, client, tokens };
}

const asUser = (accessToken: string) =>
  fetch(`${sim.url}/api/v1/users/me`, {
    headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
  });

it('signs a user in on the consent page and issues tokens that act as that user', async () => {
  const { userId, tokens } = await signInNewUser('ada@example.com');
  const me = await asUser(tokens.access_token);

  expect(tokens.refresh_token).toEqual(match.any(String));
  expect(((await me.json()) as { id: string }).id).toBe(userId);
});

// SPEC revokeUserSessions: `oauthTokens=true` also revokes the user's OAuth access and refresh tokens.
it("clearing a user's sessions with oauthTokens=true revokes the tokens issued to the user", async () => {
  const { userId, client, tokens } = await signInNewUser('grace@example.com');
  expect((await asUser(tokens.access_token)).status).toBe(200);
  const cleared = await fetch(`${sim.url}/api/v1/users/${userId}/sessions?oauthTokens=true`, {
    method: 'DELETE',
    headers: { authorization: `SSWS ${sim.apiToken}` },
  });
  expect(cleared.status).toBe(204);

  expect((await asUser(tokens.access_token)).status).toBe(401);
  const refreshed = await fetch(`${sim.url}/oauth2/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret ?? ''}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }),
  });
  expect(refreshed.status).toBe(400);
  expect(((await refreshed.json()) as { error: string }).error).toBe('invalid_grant');
});

// Okta's refresh-token rotation guide: a reuse past the grace period revokes the tokens of the consent and is
// logged as `app.oauth2.token.detect_reuse` (the org authorization server's event type).
it('logs a refresh-token reuse past the grace period in the System Log, and revokes the newest tokens', async () => {
  const { client, tokens } = await signInNewUser('linus@example.com');
  const refresh = (refreshToken: string) =>
    fetch(`${sim.url}/oauth2/v1/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret ?? ''}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
  const rotated = (await (await refresh(tokens.refresh_token ?? '')).json()) as { access_token: string };
  sim.control.advanceClock(31_000);

  const reused = await refresh(tokens.refresh_token ?? '');
  const logs = await fetch(
    `${sim.url}/api/v1/logs?${new URLSearchParams({ filter: 'eventType eq "app.oauth2.token.detect_reuse"', since: new Date(sim.clock.now() - 120_000).toISOString() })}`,
    { headers: { accept: 'application/json', authorization: `SSWS ${sim.apiToken}` } },
  );

  expect(reused.status).toBe(400);
  expect(((await reused.json()) as { error: string }).error).toBe('invalid_grant');
  expect((await asUser(rotated.access_token)).status).toBe(401);
  const events = (await logs.json()) as Array<{ eventType: string; target: Array<{ id: string }> }>;
  expect(events).toHaveLength(1);
  expect(events[0]?.target[0]?.id).toBe(client.appId);
});
