import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuth, type OAuthServer } from '../../local/okta-sim/oauth/oauth.js';
import type { OAuthClient } from '../../local/okta-sim/types.js';
import { createFakeOrg, serveRoutes, type FakeOrg, type RouteServer } from '../support/fake-org.js';
import { match } from '../support/match.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

let org: FakeOrg;
let oauth: OAuthServer;
let server: RouteServer;
let web: OAuthClient;

interface Flow {
  verifier: string;
  state: string;
  params: URLSearchParams;
}

function startFlow(scope = 'okta.users.read offline_access', client: OAuthClient = web): Flow {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  return { verifier, state, params };
}

/** Posts the consent form as a browser would after the user filled it in. */
function submitForm(flow: Flow, fields: Record<string, string>): Promise<Response> {
  const form = new URLSearchParams(flow.params);
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return fetch(`${server.url}/oauth2/v1/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
}

async function signInForCode(flow: Flow): Promise<string> {
  const response = await submitForm(flow, {
    username: 'ada@example.com',
    password: 'Correct-horse-1',
    decision: 'allow',
  });
  return new URL(response.headers.get('location') ?? '').searchParams.get('code') ?? '';
}

function tokenRequest(form: Record<string, string>, client: OAuthClient = web): Promise<Response> {
  return fetch(`${server.url}/oauth2/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret ?? ''}`).toString('base64')}`,
    },
    body: new URLSearchParams(form).toString(),
  });
}

async function exchange(flow: Flow, code: string): Promise<Record<string, string>> {
  const response = await tokenRequest({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: flow.verifier,
  });
  return (await response.json()) as Record<string, string>;
}

beforeAll(async () => {
  org = createFakeOrg();
  org.users.set('ada@example.com', {
    password: 'Correct-horse-1',
    user: { id: '00uada', login: 'ada@example.com', status: 'ACTIVE' },
  });
  oauth = createOAuth(org.services);
  server = await serveRoutes(
    [
      ...oauth.routes,
      {
        method: 'GET',
        pattern: '/api/v1/users/me',
        scopes: ['okta.users.read'],
        handler: (req) => ({ status: 200, body: req.principal }),
      },
    ],
    oauth.authenticateAccessToken,
  );
  org.setBaseUrl(server.url);
  web = oauth.registerClient({
    label: 'Okta connector',
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [REDIRECT_URI],
    grantedScopes: ['okta.users.read'],
    clientSecret: 'web-secret-value',
  });
});

afterAll(async () => {
  await server.close();
});

describe('the sign-in and consent page', () => {
  it('shows a form with username, password and an Allow access button', async () => {
    const response = await fetch(`${server.url}/oauth2/v1/authorize?${startFlow().params}`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toMatch(/<input id="username" name="username"/);
    expect(html).toMatch(/<input id="password" name="password" type="password"/);
    expect(html).toMatch(/<button id="allow" name="decision" value="allow" type="submit">Allow access<\/button>/);
  });

  it('shows an error page, and does not redirect, for an unknown client', async () => {
    const flow = startFlow();
    flow.params.set('client_id', '0oanobody');

    const response = await fetch(`${server.url}/oauth2/v1/authorize?${flow.params}`, { redirect: 'manual' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      '<p id="error-description">Invalid value for &#39;client_id&#39; parameter.</p>',
    );
  });

  it('shows an error page, and does not redirect, for a redirect URI the app did not register', async () => {
    const flow = startFlow();
    flow.params.set('redirect_uri', 'https://attacker.example/cb');

    const response = await fetch(`${server.url}/oauth2/v1/authorize?${flow.params}`, { redirect: 'manual' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('must be a Login redirect URI in the client app settings');
  });

  it('redirects with invalid_scope for a scope the app was not granted', async () => {
    const flow = startFlow('okta.users.manage');

    const response = await fetch(`${server.url}/oauth2/v1/authorize?${flow.params}`, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');

    expect(response.status).toBe(302);
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('state')).toBe(flow.state);
  });

  it('redirects with a code and the state after sign-in and consent', async () => {
    const flow = startFlow();

    const response = await submitForm(flow, {
      username: 'ada@example.com',
      password: 'Correct-horse-1',
      decision: 'allow',
    });
    const location = new URL(response.headers.get('location') ?? '');

    expect(response.status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('code')).toEqual(match.any(String));
    expect(location.searchParams.get('state')).toBe(flow.state);
  });

  it('redirects with access_denied when the user does not allow access', async () => {
    const flow = startFlow();

    const response = await submitForm(flow, {
      username: 'ada@example.com',
      password: 'Correct-horse-1',
      decision: 'deny',
    });
    const location = new URL(response.headers.get('location') ?? '');

    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe(flow.state);
  });

  it('shows the page again with an error when the password is wrong', async () => {
    const response = await submitForm(startFlow(), {
      username: 'ada@example.com',
      password: 'wrong',
      decision: 'allow',
    });

    expect(response.status).toBe(401);
    expect(await response.text()).toContain('<p id="error" role="alert">Unable to sign in</p>');
  });
});

describe('the authorization code grant', () => {
  it('exchanges the code for tokens that act as the signed-in user', async () => {
    const flow = startFlow();
    const tokens = await exchange(flow, await signInForCode(flow));

    const me = await fetch(`${server.url}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });

    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'okta.users.read offline_access' });
    expect(await me.json()).toMatchObject({ kind: 'oauth', clientId: web.clientId, userId: '00uada' });
  });

  it('issues no refresh token without offline_access', async () => {
    const flow = startFlow('okta.users.read');

    const tokens = await exchange(flow, await signInForCode(flow));

    expect(tokens.access_token).toEqual(match.any(String));
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('refuses a code_verifier that does not match the challenge', async () => {
    const flow = startFlow();
    const code = await signInForCode(flow);

    const response = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: randomBytes(32).toString('base64url'),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'PKCE verification failed.' });
  });

  it('refuses a code used twice', async () => {
    const flow = startFlow();
    const code = await signInForCode(flow);
    await exchange(flow, code);

    const again = await exchange(flow, code);

    expect(again).toEqual({
      error: 'invalid_grant',
      error_description: 'The authorization code is invalid or has expired.',
    });
  });

  it('refuses a redirect_uri other than the one of the authorize request', async () => {
    const flow = startFlow();

    const response = await tokenRequest({
      grant_type: 'authorization_code',
      code: await signInForCode(flow),
      redirect_uri: 'http://127.0.0.1:9/other',
      code_verifier: flow.verifier,
    });

    expect(((await response.json()) as { error_description: string }).error_description).toBe(
      "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
    );
  });

  it('refuses a wrong client secret', async () => {
    const response = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { ...web, clientSecret: 'nope' },
    );

    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
  });
});

describe('OpenID: the ID token and the issuer on the redirect', () => {
  it('names the org as iss on every redirect back, success and refusal (RFC 9207)', async () => {
    const allowed = await submitForm(startFlow(), {
      username: 'ada@example.com',
      password: 'Correct-horse-1',
      decision: 'allow',
    });
    const denied = await submitForm(startFlow(), { decision: 'deny' });

    expect(new URL(allowed.headers.get('location') ?? '').searchParams.get('iss')).toBe(server.url);
    expect(new URL(denied.headers.get('location') ?? '').searchParams.get('iss')).toBe(server.url);
  });

  it("returns an ID token signed by a key of /oauth2/v1/keys, for the app, the user and the authorize request's nonce", async () => {
    const flow = startFlow('openid profile okta.users.read offline_access');
    flow.params.set('nonce', 'nonce-of-this-consent');
    const tokens = await exchange(flow, await signInForCode(flow));
    const keys = await fetch(`${server.url}/oauth2/v1/keys`);

    expect(keys.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const { payload, protectedHeader } = await jwtVerify(
      tokens.id_token ?? '',
      createLocalJWKSet((await keys.json()) as JSONWebKeySet),
      { issuer: server.url, audience: web.clientId },
    );
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: '00uada',
      nonce: 'nonce-of-this-consent',
      preferred_username: 'ada@example.com',
    });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
  });

  it('returns no ID token without openid, and names the JWKS in the metadata', async () => {
    const flow = startFlow();
    const tokens = await exchange(flow, await signInForCode(flow));
    const metadata = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;

    expect(tokens.id_token).toBeUndefined();
    expect(metadata).toMatchObject({ issuer: server.url, jwks_uri: `${server.url}/oauth2/v1/keys` });
  });
});

describe('refresh token rotation', () => {
  async function refresh(refreshToken: string, client: OAuthClient = web): Promise<Record<string, string>> {
    const response = await tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }, client);
    return (await response.json()) as Record<string, string>;
  }
  const reuseEvents = () => org.events.filter((event) => event.eventType === 'app.oauth2.token.detect_reuse');
  const me = (accessToken: string) =>
    fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  async function consent(client: OAuthClient = web): Promise<Record<string, string>> {
    const flow = startFlow('okta.users.read offline_access', client);
    const code = await signInForCode(flow);
    const response = await tokenRequest(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: flow.verifier },
      client,
    );
    return (await response.json()) as Record<string, string>;
  }
  /** A web app with its own rotation settings, set through the control API as a test against `npm start` would. */
  async function webClient(settings: Record<string, unknown>): Promise<OAuthClient> {
    const client = oauth.registerClient({
      label: 'Rotating',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [REDIRECT_URI],
      grantedScopes: ['okta.users.read'],
    });
    const response = await fetch(`${server.url}/__sim/oauth-clients/${client.clientId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as OAuthClient;
  }

  it('hands out a new refresh token on every refresh', async () => {
    const first = await consent();

    const second = await refresh(first.refresh_token as string);

    expect(second.access_token).toEqual(match.any(String));
    expect(second.refresh_token).toEqual(match.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
  });

  it("keeps the old refresh token working during Okta's default 30 s grace period", async () => {
    const first = await consent();
    const second = await refresh(first.refresh_token as string);
    org.clock.advance(29 * 1000);

    const again = await refresh(first.refresh_token as string);

    expect(again.access_token).toEqual(match.any(String));
    expect((await me(second.access_token as string)).status).toBe(200);
    expect(reuseEvents()).toHaveLength(0);
  });

  it('answers invalid_grant to a reuse past the grace period, revokes the whole family and logs the reuse', async () => {
    const first = await consent();
    const second = await refresh(first.refresh_token as string);
    const third = await refresh(second.refresh_token as string);
    const before = reuseEvents().length;
    org.clock.advance(31 * 1000);

    const reused = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string });

    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'The refresh token is invalid or expired.',
    });
    // The newest refresh token and every access token of the consent stop working.
    expect(await refresh(third.refresh_token as string)).toMatchObject({ error: 'invalid_grant' });
    expect((await me(third.access_token as string)).status).toBe(401);
    expect((await me(first.access_token as string)).status).toBe(401);
    const events = reuseEvents().slice(before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      severity: 'WARN',
      outcome: { result: 'FAILURE' },
      actor: { id: '00uada', type: 'User' },
      target: [{ id: web.appId, type: 'AppInstance' }],
    });
  });

  it("leaves another consent's tokens working when one family is revoked", async () => {
    const other = await consent();
    const first = await consent();
    await refresh(first.refresh_token as string);
    org.clock.advance(31 * 1000);

    await refresh(first.refresh_token as string);

    expect((await me(other.access_token as string)).status).toBe(200);
    expect((await refresh(other.refresh_token as string)).access_token).toEqual(match.any(String));
  });

  it('logs no reuse for an unknown refresh token', async () => {
    const before = reuseEvents().length;

    expect(await refresh('never-issued')).toMatchObject({ error: 'invalid_grant' });
    expect(reuseEvents()).toHaveLength(before);
  });

  it('takes a grace period of 0 to 60 s per client from the control API: 0 makes any second use a reuse', async () => {
    const strict = await webClient({ refreshTokenLeewaySeconds: 0 });
    const first = await consent(strict);
    const second = await refresh(first.refresh_token as string, strict);
    const before = reuseEvents().length;
    org.clock.advance(1);

    expect(await refresh(first.refresh_token as string, strict)).toMatchObject({ error: 'invalid_grant' });
    expect(await refresh(second.refresh_token as string, strict)).toMatchObject({ error: 'invalid_grant' });
    expect(reuseEvents()).toHaveLength(before + 1);
  });

  it('takes a grace period of 60 s: the old token works at 59 s and is a reuse at 61 s', async () => {
    const lenient = await webClient({ refreshTokenLeewaySeconds: 60 });
    const first = await consent(lenient);
    await refresh(first.refresh_token as string, lenient);

    org.clock.advance(59 * 1000);
    expect((await refresh(first.refresh_token as string, lenient)).access_token).toEqual(match.any(String));
    org.clock.advance(2 * 1000);
    expect(await refresh(first.refresh_token as string, lenient)).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a grace period over 60 s', async () => {
    const response = await fetch(`${server.url}/__sim/oauth-clients/${web.clientId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshTokenLeewaySeconds: 61 }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'refreshTokenLeewaySeconds must be 0-60' });
  });

  it('keeps the same refresh token, usable again and again, when the rotation is STATIC (persistent)', async () => {
    const persistent = await webClient({ refreshTokenRotation: 'STATIC' });
    const first = await consent(persistent);
    const before = reuseEvents().length;

    const second = await refresh(first.refresh_token as string, persistent);
    org.clock.advance(120 * 1000);
    const third = await refresh(first.refresh_token as string, persistent);

    expect(second.refresh_token).toBe(first.refresh_token);
    expect(third.refresh_token).toBe(first.refresh_token);
    expect((await me(third.access_token as string)).status).toBe(200);
    expect(reuseEvents()).toHaveLength(before);
  });
});
