import { generateKeyPairSync } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearConnectionCache } from '../../../functions/lib/connections.js';
import { oktaClient } from '../../../functions/lib/okta/client-cache.js';
import { createAuthorizeHandler } from '../../../functions/oauth/authorize.js';
import { handler as callback } from '../../../functions/oauth/callback.js';
import { createStartConsentHandler } from '../../../functions/oauth/start-consent.js';
import { countRequests, startSandbox, type Sandbox } from './sandbox.js';

const ADMIN = { username: 'admin@okta-sim.example.com', password: 'Sim-Admin-Passw0rd!' };
let sandbox: Sandbox;

/** Registers a service app with a fresh key pair through the simulator's control API; returns its connection secret. */
async function serviceApp(options: { dpop?: boolean; alg?: 'RS256' | 'ES256' } = {}) {
  const pair =
    options.alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `kid-${Math.random().toString(36).slice(2, 8)}`;
  const { body: client } = await sandbox.admin.control<{ clientId: string }>('POST', '/__sim/oauth-clients', {
    label: 'okta-connector',
    jwks: [{ ...pair.publicKey.export({ format: 'jwk' }), kid }],
    grantedScopes: ['okta.users.read', 'okta.groups.read'],
    dpopBoundAccessTokens: options.dpop ?? false,
  });
  return {
    domain: sandbox.sim.url,
    auth: {
      type: 'client-credentials',
      clientId: client.clientId,
      keyId: kid,
      privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      scopes: ['okta.users.read', 'okta.groups.read'],
    },
  };
}

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe('client-credentials sign-in on the wire', () => {
  it('signs in with private_key_jwt and makes 20 calls for one token request', async () => {
    sandbox.aws.secrets.put('okta-connector/svc', await serviceApp());
    const counter = countRequests(sandbox.sim);
    const okta = await oktaClient('svc');
    for (let i = 0; i < 20; i += 1) await okta.request({ method: 'GET', path: '/api/v1/users', query: { limit: 1 } });
    counter.stop();
    expect(counter.token()).toBe(1);
    expect(counter.api()).toBe(20);
  });

  it('signs in with an ES256 key and shares one token request among concurrent first calls', async () => {
    sandbox.aws.secrets.put('okta-connector/svc-ec', await serviceApp({ alg: 'ES256' }));
    const counter = countRequests(sandbox.sim);
    const okta = await oktaClient('svc-ec');
    await Promise.all(Array.from({ length: 10 }, () => okta.request({ method: 'GET', path: '/api/v1/groups' })));
    counter.stop();
    expect(counter.token()).toBe(1);
  });

  it('gets a DPoP-bound token through the nonce exchange and calls with DPoP proofs', async () => {
    sandbox.aws.secrets.put('okta-connector/svc-dpop', await serviceApp({ dpop: true }));
    const schemes: string[] = [];
    const counter = countRequests(sandbox.sim);
    const stop = sandbox.sim.observe((req, res) => {
      if (req.path.startsWith('/api/v1')) schemes.push(`${req.headers.authorization?.split(' ')[0]} ${res.status}`);
    });
    const okta = await oktaClient('svc-dpop');
    const login = sandbox.sim.org.users()[1]?.profile as { login: string };
    await okta.request({ method: 'GET', path: `/api/v1/users/${encodeURIComponent(login.login)}` });
    await okta.request({ method: 'GET', path: '/api/v1/users', query: { limit: 2 } });
    stop();
    counter.stop();
    // No proof (invalid_dpop_proof), a proof without nonce (use_dpop_nonce), then the token.
    expect(counter.token()).toBe(3);
    expect(schemes).toEqual(['DPoP 200', 'DPoP 200']);
  });

  it('gives OktaForbidden for a scope the app was not granted', async () => {
    const secret = await serviceApp();
    sandbox.aws.secrets.put('okta-connector/svc-scope', {
      ...secret,
      auth: { ...secret.auth, scopes: ['okta.users.manage'] },
    });
    await expect(
      (await oktaClient('svc-scope')).request({ method: 'GET', path: '/api/v1/users' }),
    ).rejects.toMatchObject({ name: 'OktaForbidden', oktaErrorCode: 'invalid_scope' });
  });
});

describe('authorization-code: the consent and the refresh-token sign-in on the wire', () => {
  const redirectUri = 'https://connector.example.test/v1/oauth/callback';
  // What the stack sets on the consent functions (infra/okta-connector.ts).
  const env = { ...process.env, OAUTH_REDIRECT_URI: redirectUri, AUTHORIZATION_CODE_CONNECTIONS: 'web' };
  const startConsent = createStartConsentHandler({ env });
  const authorize = createAuthorizeHandler({ env });

  function browserEvent(path: string, query: Record<string, string>, cookie?: string): APIGatewayProxyEvent {
    return {
      httpMethod: 'GET',
      path,
      headers: { Host: 'connector.example.test', ...(cookie ? { Cookie: cookie } : {}) },
      queryStringParameters: query,
      requestContext: { path: `/v1${path}`, stage: 'v1' },
    } as unknown as APIGatewayProxyEvent;
  }

  /** The org's sign-in form, filled in and posted as the browser would; the redirect back to the connector. */
  async function signInAtOrg(authorizeUrl: URL, decision = 'allow'): Promise<URL> {
    const page = await fetch(authorizeUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('consent-form');
    const form = new URLSearchParams(authorizeUrl.searchParams);
    form.set('username', ADMIN.username);
    form.set('password', ADMIN.password);
    form.set('decision', decision);
    const signedIn = await fetch(`${sandbox.sim.url}/oauth2/v1/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    expect(signedIn.status).toBe(302);
    return new URL(signedIn.headers.get('location') ?? '');
  }

  /** Starts a consent as the operator would and opens its link: the cookie set and Okta's redirect back. */
  async function consentOnce(input: Record<string, unknown> = { connection: 'web' }, decision = 'allow') {
    const started = await startConsent(input);
    const opened = await authorize(
      browserEvent('/oauth/authorize', { consent: new URL(started.url).searchParams.get('consent') ?? '' }),
    );
    expect(opened.statusCode).toBe(302);
    const cookie = String(opened.headers?.['set-cookie']).split(';')[0] ?? '';
    const back = await signInAtOrg(new URL(String(opened.headers?.location)), decision);
    return { cookie, back, query: Object.fromEntries(back.searchParams) };
  }

  const storedRefreshToken = () =>
    (JSON.parse(sandbox.aws.secrets.get('okta-connector/web') ?? '{}') as { auth: { refreshToken?: string } }).auth
      .refreshToken;

  it("starts with the operator's call, consents on the org's form, checks the ID token and signs in with the refresh token", async () => {
    const { body: web } = await sandbox.admin.control<{ clientId: string; clientSecret: string }>(
      'POST',
      '/__sim/oauth-clients',
      {
        label: 'okta-connector (web)',
        tokenEndpointAuthMethod: 'client_secret_basic',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [redirectUri],
        grantedScopes: ['okta.users.read'],
        refreshTokenRotation: 'ROTATE',
        refreshTokenLeewaySeconds: 0,
      },
    );
    sandbox.aws.secrets.put('okta-connector/web', {
      domain: sandbox.sim.url,
      auth: {
        type: 'authorization-code',
        clientId: web.clientId,
        clientSecret: web.clientSecret,
        scopes: ['okta.users.read'],
      },
    });

    // 1-2. The operator starts it; the browser opens the link and is sent to the org, where the admin allows access.
    const { cookie, back, query } = await consentOnce({ connection: 'web', consenter: ADMIN.username });
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(query.iss).toBe(sandbox.sim.url);

    // 3. The org sends the browser to the callback, which checks the org's ID token and stores the refresh token.
    const done = await callback(browserEvent('/oauth/callback', query, cookie));
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain(`${ADMIN.username} (Okta user ${sandbox.sim.org.adminUserId})`);
    const firstRefresh = storedRefreshToken();
    expect(firstRefresh).toMatch(/\S{20,}/);

    // The same answer cannot be used twice.
    expect((await callback(browserEvent('/oauth/callback', query, cookie))).statusCode).toBe(400);

    // 4. Calls now sign in as the admin with the refresh token, and the rotated token is written back.
    const okta = await oktaClient('web');
    const me = await okta.request<{ id: string }>({ method: 'GET', path: '/api/v1/users/me' });
    expect(me.body.id).toBe(sandbox.sim.org.adminUserId);
    const rotated = (
      JSON.parse(sandbox.aws.secrets.get('okta-connector/web') ?? '{}') as {
        auth: { refreshToken?: string; clientSecret: string };
      }
    ).auth;
    expect(rotated.refreshToken).toMatch(/\S{20,}/);
    expect(rotated.refreshToken).not.toBe(firstRefresh);
    expect(rotated.clientSecret).toBe(web.clientSecret);

    // 5. A later invocation in the same container reuses the client and its token: no new refresh.
    clearConnectionCache();
    const counter = countRequests(sandbox.sim);
    await (await oktaClient('web')).request({ method: 'GET', path: '/api/v1/users/me' });
    counter.stop();
    expect(counter.token()).toBe(0);
  });

  it('refuses a second consent without replace, and replaces the refresh token with it', async () => {
    await expect(startConsent({ connection: 'web' })).rejects.toMatchObject({ name: 'InvalidInput' });
    const before = storedRefreshToken();

    const { cookie, query } = await consentOnce({ connection: 'web', replace: true });
    const done = await callback(browserEvent('/oauth/callback', query, cookie));

    expect(done.statusCode).toBe(200);
    expect(storedRefreshToken()).not.toBe(before);
  });

  it("stores nothing when another user than the named consenter signs in, or the callback comes without the browser's cookie", async () => {
    const before = storedRefreshToken();
    const wrongUser = await consentOnce({ connection: 'web', replace: true, consenter: 'someone-else@example.com' });
    const noCookie = await consentOnce({ connection: 'web', replace: true });

    expect((await callback(browserEvent('/oauth/callback', wrongUser.query, wrongUser.cookie))).statusCode).toBe(403);
    expect((await callback(browserEvent('/oauth/callback', noCookie.query))).statusCode).toBe(400);
    expect(storedRefreshToken()).toBe(before);
  });
});
