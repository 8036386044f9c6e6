import { createHash } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDb } from '../../../functions/lib/aws-clients.js';
import type { Connection, StoredSignIn } from '../../../functions/lib/connections.js';
import { callbackUrl, createAuthorizeHandler } from '../../../functions/oauth/authorize.js';
import { createCallbackHandler } from '../../../functions/oauth/callback.js';
import { CONSENT_COOKIE } from '../../../functions/oauth/consent-pages.js';
import { createStartConsentHandler } from '../../../functions/oauth/start-consent.js';
import { json, scriptedFetch } from '../lib/okta/fake-okta.js';
import { startConnectorTable, TABLE_NAME } from './connector-table.js';
import { match } from '../../support/match.js';

// The consent (issue 14.1, 14.15, 14.16) with its table on dynalite and Okta's answers scripted: an operator's
// IAM-signed start, the browser's authorize step bound by a __Host- cookie, and the callback's checks.
const CLIENT_SECRET = 'web-app-client-secret';
const ISSUER = 'https://acme.okta.com';
const NOW = Date.UTC(2026, 10, 29, 9, 0, 0);
const REDIRECT_URI = 'https://abc.execute-api.eu-west-1.amazonaws.com/v1/oauth/callback';
const ENV = { OAUTH_REDIRECT_URI: REDIRECT_URI, AUTHORIZATION_CODE_CONNECTIONS: 'acme' };
const ADA = { sub: '00uada', login: 'ada@acme.example' };

const webConnection = (): Connection => ({
  name: 'acme',
  baseUrl: ISSUER,
  auth: {
    type: 'authorization-code',
    clientId: '0oaWeb',
    clientSecret: CLIENT_SECRET,
    scopes: ['okta.users.read', 'okta.groups.manage'],
  },
});

let table: { close(): Promise<void> };
let orgKey: CryptoKey;
let otherKey: CryptoKey;
let jwks: { keys: unknown[] };
beforeAll(async () => {
  table = await startConnectorTable();
  const pair = await generateKeyPair('RS256');
  orgKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'org-key', alg: 'RS256', use: 'sig' }] };
});
afterAll(async () => {
  await table.close();
});

function recorder() {
  const logs: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const metrics: { name: string; dimensions: Record<string, string> }[] = [];
  const log = (level: string) => (message: string, extra: Record<string, unknown>) =>
    void logs.push({ level, message, extra });
  return {
    logs,
    metrics,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    count: (name: string, dimensions: Record<string, string>) => void metrics.push({ name, dimensions }),
  };
}

function browserEvent(path: string, query: Record<string, string>, cookie?: string): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path,
    headers: { Host: 'attacker.example', ...(cookie ? { Cookie: `other=1; ${CONSENT_COOKIE}=${cookie}` } : {}) },
    multiValueHeaders: {},
    queryStringParameters: query,
    requestContext: { path: `/v1${path}`, stage: 'v1' },
  } as unknown as APIGatewayProxyEvent;
}

async function start(
  input: Record<string, unknown> = { connection: 'acme' },
  options: { refreshToken?: string; load?: (name: string) => Promise<Connection>; now?: number } = {},
) {
  const record = recorder();
  const stored: StoredSignIn = { secret: {}, ...(options.refreshToken ? { refreshToken: options.refreshToken } : {}) };
  const result = await createStartConsentHandler({
    loadConnection: options.load ?? (() => Promise.resolve(webConnection())),
    readSignIn: () => Promise.resolve(stored),
    tableName: () => TABLE_NAME,
    now: () => options.now ?? NOW,
    env: ENV,
    ...record,
  })(input);
  return { ...result, ...record };
}

function authorize(now = NOW) {
  const record = recorder();
  const handler = createAuthorizeHandler({
    tableName: () => TABLE_NAME,
    now: () => now,
    env: { OAUTH_REDIRECT_URI: REDIRECT_URI },
    ...record,
  });
  return { handler, ...record };
}

/** Opens a consent link in a browser: the redirect to Okta, and the cookie the browser now holds. */
async function openLink(url: string, now = NOW) {
  const ticket = new URL(url).searchParams.get('consent') ?? '';
  const response = await authorize(now).handler(browserEvent('/oauth/authorize', { consent: ticket }));
  const setCookie = String(response.headers?.['set-cookie'] ?? '');
  return {
    response,
    setCookie,
    cookie: new RegExp(`^${CONSENT_COOKIE}=([^;]+)`).exec(setCookie)?.[1] ?? '',
    location: new URL(String(response.headers?.location ?? 'about:blank')),
  };
}

/** A consent started and opened in a browser, up to Okta's redirect back. */
async function consentInBrowser(input: Record<string, unknown> = { connection: 'acme' }) {
  const started = await start(input);
  const opened = await openLink(started.url);
  return { ...opened, state: opened.location.searchParams.get('state') ?? '' };
}

function idToken(claims: JWTPayload, key = orgKey) {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'org-key' })
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 3600)
    .sign(key);
}

function validClaims(nonce: string): JWTPayload {
  return { iss: ISSUER, aud: '0oaWeb', sub: ADA.sub, nonce, preferred_username: ADA.login };
}

/** Okta's token endpoint (the code exchange) and JWKS, in the order the callback calls them. */
function okta(options: { idToken?: string; tokens?: Response } = {}) {
  return Promise.resolve(
    scriptedFetch(
      options.tokens ??
        json({
          token_type: 'Bearer',
          expires_in: 3600,
          access_token: 'at',
          refresh_token: 'first-refresh-token',
          scope: 'openid profile okta.users.read offline_access',
          ...(options.idToken ? { id_token: options.idToken } : {}),
        }),
      json(jwks),
    ),
  );
}

function callback(
  fetch: typeof globalThis.fetch,
  options: { saved?: string[]; refreshToken?: string; now?: number } = {},
) {
  const record = recorder();
  const handler = createCallbackHandler({
    loadConnection: () => Promise.resolve(webConnection()),
    readSignIn: () =>
      Promise.resolve({
        secret: {},
        ...(options.refreshToken ? { refreshToken: options.refreshToken } : {}),
      }),
    saveRefreshToken: (_connection, token) => {
      options.saved?.push(token);
      return Promise.resolve();
    },
    tableName: () => TABLE_NAME,
    now: () => options.now ?? NOW,
    fetch,
    ...record,
  });
  return { handler, ...record };
}

/** The nonce the authorize step sent to Okta for this state. */
function nonceOf(location: URL): string {
  return location.searchParams.get('nonce') ?? '';
}

function expectGenericPage(page: APIGatewayProxyResult) {
  expect(page.body).not.toContain('acme');
  expect(page.body).not.toContain('authorization-code');
  expect(page.body).not.toContain('okta-connector/');
  expect(page.body).not.toContain(CLIENT_SECRET);
}

describe('starting a consent (the IAM-invoked function, issue 14.1)', () => {
  it('answers a one-time URL beside the callback, valid ten minutes, and logs and counts the start', async () => {
    const started = await start({ connection: 'acme', consenter: ADA.login });

    const url = new URL(started.url);
    expect(url.origin + url.pathname).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/v1/oauth/authorize');
    expect(url.searchParams.get('consent')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.expiresAt).toBe(new Date(NOW + 600_000).toISOString());
    expect(started.logs).toContainEqual(
      match.objectContaining({
        message: 'OAuth consent started',
        extra: match.objectContaining({ consenter: ADA.login }),
      }),
    );
    expect(started.metrics).toEqual([{ name: 'ConsentStarted', dimensions: { connection: 'acme' } }]);
  });

  it("keeps only the connection's non-secret settings in the ticket", async () => {
    const started = await start();
    const ticket = new URL(started.url).searchParams.get('consent');
    const item = await dynamoDb().send(
      new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: `oauth-consent#${ticket}` } } }),
    );

    expect(item.Item).toMatchObject({
      connection: { S: 'acme' },
      issuer: { S: ISSUER },
      clientId: { S: '0oaWeb' },
      scopes: { S: 'openid profile okta.users.read okta.groups.manage offline_access' },
      replace: { BOOL: false },
      expiresAt: { N: String(NOW / 1000 + 600) },
    });
    expect(JSON.stringify(item.Item)).not.toContain(CLIENT_SECRET);
  });

  it('refuses a connection that already has a refresh token unless replace is set', async () => {
    await expect(start({ connection: 'acme' }, { refreshToken: 'rt-old' })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: match.stringContaining('replace'),
    });
    await expect(start({ connection: 'acme', replace: true }, { refreshToken: 'rt-old' })).resolves.toMatchObject({
      connection: 'acme',
    });
  });

  it('refuses a name that is not an authorization-code connection of the deployment before reading anything', async () => {
    const loaded: string[] = [];
    const load = (name: string): Promise<Connection> => {
      loaded.push(name);
      return Promise.resolve(webConnection());
    };
    await expect(start({ connection: 'prod' }, { load })).rejects.toMatchObject({ name: 'InvalidInput' });
    expect(loaded).toEqual([]);
    const apiToken = (): Promise<Connection> =>
      Promise.resolve({
        name: 'acme',
        baseUrl: ISSUER,
        auth: { type: 'api-token', token: 't' },
      });
    await expect(start({ connection: 'acme' }, { load: apiToken })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: match.stringContaining('api-token'),
    });
  });

  it.each([
    ['not an object', ['acme']],
    ['no connection', {}],
    ['an unknown field', { connection: 'acme', isAdmin: true }],
    ['replace not a boolean', { connection: 'acme', replace: 'yes' }],
    ['a consenter with a space', { connection: 'acme', consenter: 'ada lovelace' }],
  ])('refuses %s with InvalidInput', async (_label, input) => {
    await expect(start(input as Record<string, unknown>)).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});

describe('GET /oauth/authorize?consent=<ticket> (the browser opens the link)', () => {
  it("redirects to the org with openid, the scopes, offline_access, a nonce, PKCE and the stack's callback URL", async () => {
    const { response, location } = await consentInBrowser();

    expect(response.statusCode).toBe(302);
    expect(location.origin + location.pathname).toBe(`${ISSUER}/oauth2/v1/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: '0oaWeb',
      response_type: 'code',
      scope: 'openid profile okta.users.read okta.groups.manage offline_access',
      redirect_uri: REDIRECT_URI,
      code_challenge_method: 'S256',
    });
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(nonceOf(location)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  });

  it('binds the consent to this browser with a __Host- cookie, HttpOnly, Secure, SameSite=Lax, Path=/', async () => {
    const { setCookie, cookie, state } = await consentInBrowser();
    const item = await dynamoDb().send(
      new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: `oauth-state#${state}` } } }),
    );

    expect(setCookie).toMatch(
      new RegExp(`^${CONSENT_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=600$`),
    );
    expect(setCookie).not.toMatch(/Domain=/i);
    // The table keeps the cookie's hash, never the cookie.
    expect(item.Item?.browserBinding?.S).toBe(createHash('sha256').update(cookie).digest('base64url'));
    expect(JSON.stringify(item.Item)).not.toContain(cookie);
  });

  it('opens a link once: a second open is a generic page', async () => {
    const started = await start();
    await openLink(started.url);
    const again = await openLink(started.url);

    expect(again.response.statusCode).toBe(400);
    expect(again.response.body).toContain('This consent link is not valid');
    expect(again.setCookie).toMatch(/Max-Age=0/);
    expectGenericPage(again.response);
  });

  it('refuses an expired link, and a link it never issued, with generic pages and security headers', async () => {
    const started = await start();
    const late = await openLink(started.url, NOW + 601_000);
    const forged = await authorize().handler(browserEvent('/oauth/authorize', { consent: 'x'.repeat(43) }));
    const malformed = await authorize().handler(browserEvent('/oauth/authorize', { connection: 'acme' }));

    expect(late.response.body).toContain('This consent link has expired');
    for (const page of [late.response, forged, malformed]) {
      expect(page.statusCode).toBe(400);
      expectGenericPage(page);
      expect(page.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'content-security-policy': match.stringContaining("frame-ancestors 'none'"),
      });
    }
  });

  it('refuses to run without OAUTH_REDIRECT_URI (issue 14.15: never derived from the Host header)', () => {
    expect(() => callbackUrl({})).toThrow(/OAUTH_REDIRECT_URI/);
  });
});

describe('GET /oauth/callback', () => {
  it('exchanges the code with the verifier, checks the ID token, stores the refresh token and names who consented', async () => {
    const { location, state, cookie } = await consentInBrowser();
    const { fetch, requests } = await okta({ idToken: await idToken(validClaims(nonceOf(location))) });
    const saved: string[] = [];
    const run = callback(fetch, { saved });

    const page = await run.handler(browserEvent('/oauth/callback', { code: 'code-1', state, iss: ISSUER }, cookie));

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Connection &quot;acme&quot; is ready');
    expect(page.body).toContain('ada@acme.example (Okta user 00uada)');
    expect(String(page.headers?.['set-cookie'])).toMatch(/Max-Age=0/);
    expect(saved).toEqual(['first-refresh-token']);
    const form = Object.fromEntries(new URLSearchParams(requests[0]?.body));
    expect(form).toMatchObject({ grant_type: 'authorization_code', code: 'code-1', redirect_uri: REDIRECT_URI });
    expect(
      createHash('sha256')
        .update(form.code_verifier ?? '')
        .digest('base64url'),
    ).toBe(location.searchParams.get('code_challenge'));
    expect(requests[1]?.url.toString()).toBe(`${ISSUER}/oauth2/v1/keys`);
    expect(page.body).not.toContain('first-refresh-token');
    expect(run.metrics).toEqual([{ name: 'ConsentCompleted', dimensions: { connection: 'acme' } }]);
    expect(run.logs).toContainEqual(
      match.objectContaining({
        message: 'OAuth consent completed',
        extra: match.objectContaining({ consenter: ADA.sub, login: ADA.login, replaced: false }),
      }),
    );
  });

  it('refuses a callback without the cookie, and leaves the consent to the browser that holds it', async () => {
    const { location, state, cookie } = await consentInBrowser();
    const { fetch } = await okta({ idToken: await idToken(validClaims(nonceOf(location))) });
    const saved: string[] = [];

    const noCookie = await callback(fetch, { saved }).handler(browserEvent('/oauth/callback', { code: 'c', state }));
    const otherBrowser = await callback(fetch, { saved }).handler(
      browserEvent('/oauth/callback', { code: 'c', state }, 'a-cookie-of-another-browser'),
    );
    const rightBrowser = await callback(fetch, { saved }).handler(
      browserEvent('/oauth/callback', { code: 'c', state }, cookie),
    );

    for (const page of [noCookie, otherBrowser]) {
      expect(page.statusCode).toBe(400);
      expect(page.body).toContain('This consent was not started in this browser');
      expectGenericPage(page);
    }
    expect(rightBrowser.statusCode).toBe(200);
    expect(saved).toEqual(['first-refresh-token']);
  });

  it('accepts a state once, and not after ten minutes', async () => {
    const first = await consentInBrowser();
    const { fetch } = await okta({ idToken: await idToken(validClaims(nonceOf(first.location))) });
    const run = callback(fetch);
    await run.handler(browserEvent('/oauth/callback', { code: 'c', state: first.state }, first.cookie));
    const again = await run.handler(browserEvent('/oauth/callback', { code: 'c', state: first.state }, first.cookie));
    const late = await consentInBrowser();
    const expired = await callback(fetch, { now: NOW + 601_000 }).handler(
      browserEvent('/oauth/callback', { code: 'c', state: late.state }, late.cookie),
    );

    expect(again.statusCode).toBe(400);
    expect(expired.body).toContain('This consent link has expired');
  });

  it("refuses an answer whose RFC 9207 iss is not the org's, before any token request", async () => {
    const { state, cookie } = await consentInBrowser();
    const { fetch, requests } = await okta();
    const run = callback(fetch);

    const page = await run.handler(
      browserEvent('/oauth/callback', { code: 'c', state, iss: 'https://evil.okta.com' }, cookie),
    );

    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('did not come from the expected Okta org');
    expect(requests).toHaveLength(0);
    expect(run.metrics).toEqual([{ name: 'ConsentRefused', dimensions: { step: 'callback', reason: 'iss-mismatch' } }]);
  });

  it.each([
    ['a nonce of another consent', (nonce: string) => ({ ...validClaims(nonce), nonce: 'another' }), orgKey],
    ['another app as audience', (nonce: string) => ({ ...validClaims(nonce), aud: '0oaOther' }), orgKey],
    ['another issuer', (nonce: string) => ({ ...validClaims(nonce), iss: 'https://evil.okta.com' }), orgKey],
    ['no sub', (nonce: string) => ({ ...validClaims(nonce), sub: undefined }), orgKey],
    ['a key outside the org JWKS', validClaims, 'other'],
  ])('refuses an ID token with %s, and stores nothing', async (_label, claims, key) => {
    const { location, state, cookie } = await consentInBrowser();
    const token = await idToken(claims(nonceOf(location)), key === 'other' ? otherKey : (key as CryptoKey));
    const saved: string[] = [];
    const run = callback((await okta({ idToken: token })).fetch, { saved });

    const page = await run.handler(browserEvent('/oauth/callback', { code: 'c', state }, cookie));

    expect(page.statusCode).toBe(502);
    expect(page.body).toContain('answer could not be verified');
    expect(saved).toEqual([]);
    expect(run.metrics).toEqual([{ name: 'ConsentRefused', dimensions: { step: 'callback', reason: 'id-token' } }]);
  });

  it('refuses an expired ID token and a token response without one', async () => {
    const expired = await consentInBrowser();
    const stale = await new SignJWT({ ...validClaims(nonceOf(expired.location)) })
      .setProtectedHeader({ alg: 'RS256', kid: 'org-key' })
      .setIssuedAt(NOW / 1000 - 7200)
      .setExpirationTime(NOW / 1000 - 3600)
      .sign(orgKey);
    const none = await consentInBrowser();

    const pages = [
      await callback((await okta({ idToken: stale })).fetch).handler(
        browserEvent('/oauth/callback', { code: 'c', state: expired.state }, expired.cookie),
      ),
      await callback((await okta()).fetch).handler(
        browserEvent('/oauth/callback', { code: 'c', state: none.state }, none.cookie),
      ),
    ];
    expect(pages.map((page) => page.statusCode)).toEqual([502, 502]);
  });

  it('stores nothing when another user than the consenter the operator named signs in', async () => {
    const { location, state, cookie } = await consentInBrowser({
      connection: 'acme',
      consenter: 'svc-okta@acme.example',
    });
    const saved: string[] = [];
    const run = callback((await okta({ idToken: await idToken(validClaims(nonceOf(location))) })).fetch, { saved });

    const page = await run.handler(browserEvent('/oauth/callback', { code: 'c', state }, cookie));

    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Signed in as another user');
    expect(saved).toEqual([]);
  });

  it('accepts the named consenter by login, in any case, or by user id', async () => {
    for (const consenter of ['ADA@acme.example', '00uada']) {
      const { location, state, cookie } = await consentInBrowser({ connection: 'acme', consenter });
      const run = callback((await okta({ idToken: await idToken(validClaims(nonceOf(location))) })).fetch);
      expect((await run.handler(browserEvent('/oauth/callback', { code: 'c', state }, cookie))).statusCode).toBe(200);
    }
  });

  it('keeps an existing refresh token unless the consent was started with replace', async () => {
    const kept = await consentInBrowser();
    const { fetch, requests } = await okta({ idToken: await idToken(validClaims(nonceOf(kept.location))) });
    const saved: string[] = [];
    const refused = await callback(fetch, { saved, refreshToken: 'rt-old' }).handler(
      browserEvent('/oauth/callback', { code: 'c', state: kept.state }, kept.cookie),
    );
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('--replace');
    expect(requests).toHaveLength(0);

    const replacing = await consentInBrowser({ connection: 'acme', replace: true });
    const run = callback((await okta({ idToken: await idToken(validClaims(nonceOf(replacing.location))) })).fetch, {
      saved,
      refreshToken: 'rt-old',
    });
    const replaced = await run.handler(
      browserEvent('/oauth/callback', { code: 'c', state: replacing.state }, replacing.cookie),
    );
    expect(replaced.statusCode).toBe(200);
    expect(saved).toEqual(['first-refresh-token']);
    expect(run.logs).toContainEqual(match.objectContaining({ extra: match.objectContaining({ replaced: true }) }));
  });

  it("maps Okta's known error codes to fixed messages and reflects nothing of the query (issue 14.16)", async () => {
    const denied = await consentInBrowser();
    const deniedPage = await callback((await okta()).fetch).handler(
      browserEvent(
        '/oauth/callback',
        {
          error: 'access_denied',
          error_description: 'User is not assigned to the client application.',
          state: denied.state,
        },
        denied.cookie,
      ),
    );
    const odd = await consentInBrowser();
    const run = callback((await okta()).fetch);
    const oddPage = await run.handler(
      browserEvent(
        '/oauth/callback',
        {
          error: '<script>alert(1)</script>',
          error_description: '<img src=x onerror=alert(2)> call +1-555',
          state: odd.state,
        },
        odd.cookie,
      ),
    );

    expect(deniedPage.statusCode).toBe(403);
    expect(deniedPage.body).toContain('Access was denied');
    expect(deniedPage.body).not.toContain('User is not assigned');
    expect(oddPage.statusCode).toBe(400);
    expect(oddPage.body).toContain('Okta refused the consent; the connector logs say more.');
    for (const text of ['script', 'alert', 'img', '555']) expect(oddPage.body).not.toContain(text);
    expect(run.metrics).toEqual([{ name: 'ConsentRefused', dimensions: { step: 'callback', reason: 'okta-other' } }]);
    expect(run.logs[0]?.extra).toMatchObject({ error: '<script>alert(1)</script>' });
  });

  it('answers a generic page when Okta refuses the code, with the client secret nowhere', async () => {
    const { state, cookie } = await consentInBrowser();
    const { fetch } = scriptedFetch(
      json({ error: 'invalid_grant', error_description: 'The authorization code is invalid or has expired.' }, 400),
    );
    const run = callback(fetch);

    const page = await run.handler(browserEvent('/oauth/callback', { code: 'stale', state }, cookie));

    expect(page.statusCode).toBe(500);
    expect(page.body).toContain('The consent could not be completed');
    expect(page.body).not.toContain('invalid_grant');
    expect(JSON.stringify(run.logs)).not.toContain(CLIENT_SECRET);
    expect(run.logs[0]?.extra).toMatchObject({ reason: 'okta-exchange', errorType: 'OktaAuthFailed' });
  });

  it('explains a missing refresh token (the app lacks the refresh-token grant) and stores nothing', async () => {
    const { location, state, cookie } = await consentInBrowser();
    const { fetch } = scriptedFetch(
      json({
        token_type: 'Bearer',
        expires_in: 3600,
        access_token: 'at',
        id_token: await idToken(validClaims(nonceOf(location))),
      }),
      json(jwks),
    );
    const page = await callback(fetch).handler(browserEvent('/oauth/callback', { code: 'c', state }, cookie));
    expect(page.statusCode).toBe(502);
    expect(page.body).toContain('Enable the Refresh Token grant');
  });
});
