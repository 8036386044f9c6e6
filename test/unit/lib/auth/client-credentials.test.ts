import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { DescribeKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Connection, StoredPrivateKey } from '../../../../functions/lib/connections.js';
import { clientAssertion } from '../../../../functions/lib/auth/client-assertion.js';
import { oktaClientFor } from '../../../../functions/lib/okta/client.js';
import { fakeClock, json, scriptedFetch, type RecordedRequest } from '../okta/fake-okta.js';
import { match } from '../../../support/match.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (key: KeyObject, type: 'pkcs8' | 'pkcs1' | 'sec1') => key.export({ type, format: 'pem' }).toString();

function connection(privateKey: StoredPrivateKey = pem(rsa.privateKey, 'pkcs8')): Connection {
  return {
    name: 'acme',
    baseUrl: 'https://acme.okta.com',
    auth: {
      type: 'client-credentials',
      clientId: '0oaService',
      privateKey,
      keyId: 'kid-1',
      scopes: ['okta.users.read', 'okta.groups.read'],
    },
  };
}

/** A fake org: the token endpoint hands out numbered tokens; the API answers 200. */
function fakeOrg(options: { expiresIn?: number } = {}) {
  let issued = 0;
  const scripted = scriptedFetch((req: RecordedRequest) => {
    if (req.url.pathname === '/oauth2/v1/token') {
      issued += 1;
      return json({
        token_type: 'Bearer',
        expires_in: options.expiresIn ?? 3600,
        access_token: `at-${issued}`,
        scope: 'okta.users.read okta.groups.read',
      });
    }
    return json({ id: '00u1' });
  });
  const tokenRequests = () => scripted.requests.filter((r) => r.url.pathname === '/oauth2/v1/token');
  const apiRequests = () => scripted.requests.filter((r) => r.url.pathname.startsWith('/api/v1'));
  return { ...scripted, tokenRequests, apiRequests };
}

describe('client-credentials sign-in', () => {
  it("asks for a token with a client assertion and the connection's scopes, then calls with Bearer", async () => {
    const org = fakeOrg();
    await oktaClientFor(connection(), { fetch: org.fetch, rateLimitReserve: 0.1 }).request({
      method: 'GET',
      path: '/api/v1/users/00u1',
    });
    const form = new URLSearchParams(org.tokenRequests()[0]?.body);
    expect(Object.fromEntries(form)).toMatchObject({
      grant_type: 'client_credentials',
      scope: 'okta.users.read okta.groups.read',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    });
    expect(org.tokenRequests()[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(org.apiRequests()[0]?.headers.authorization).toBe('Bearer at-1');
  });

  it('costs one token request for 100 calls', async () => {
    const org = fakeOrg();
    const okta = oktaClientFor(connection(), { fetch: org.fetch, rateLimitReserve: 0.1 });
    for (let i = 0; i < 100; i += 1) await okta.request({ method: 'GET', path: `/api/v1/users/00u${i}` });
    expect(org.tokenRequests()).toHaveLength(1);
    expect(org.apiRequests()).toHaveLength(100);
  });

  it('costs one token request for concurrent first calls', async () => {
    const org = fakeOrg();
    const okta = oktaClientFor(connection(), { fetch: org.fetch, rateLimitReserve: 0.1 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => okta.request({ method: 'GET', path: `/api/v1/users/00u${i}` })),
    );
    expect(org.tokenRequests()).toHaveLength(1);
    expect(new Set(org.apiRequests().map((r) => r.headers.authorization))).toEqual(new Set(['Bearer at-1']));
  });

  it('renews the token a minute before it expires', async () => {
    const org = fakeOrg();
    const clock = fakeClock();
    const okta = oktaClientFor(connection(), {
      fetch: org.fetch,
      now: clock.now,
      sleep: clock.sleep,
      rateLimitReserve: 0.1,
    });
    await okta.request({ method: 'GET', path: '/api/v1/users/00u1' });
    clock.time += 3600_000 - 61_000;
    await okta.request({ method: 'GET', path: '/api/v1/users/00u1' });
    expect(org.tokenRequests()).toHaveLength(1);
    clock.time += 2_000;
    await okta.request({ method: 'GET', path: '/api/v1/users/00u1' });
    expect(org.tokenRequests()).toHaveLength(2);
    expect(org.apiRequests().at(-1)?.headers.authorization).toBe('Bearer at-2');
  });

  it('drops a token that Okta refuses with 401 and retries once with a new one', async () => {
    let apiCalls = 0;
    let issued = 0;
    const { fetch, requests } = scriptedFetch((req) => {
      if (req.url.pathname === '/oauth2/v1/token')
        return json({ token_type: 'Bearer', expires_in: 3600, access_token: `at-${++issued}` });
      apiCalls += 1;
      return apiCalls === 1
        ? json({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' }, 401)
        : json({ ok: true });
    });
    const response = await oktaClientFor(connection(), { fetch, rateLimitReserve: 0.1 }).request({
      method: 'GET',
      path: '/api/v1/users/00u1',
    });
    expect(response).toMatchObject({ status: 200, retries: 1 });
    expect(requests.filter((r) => r.url.pathname.startsWith('/api')).map((r) => r.headers.authorization)).toEqual([
      'Bearer at-1',
      'Bearer at-2',
    ]);
  });

  it('gives OktaAuthFailed when a new token is refused too', async () => {
    const { fetch, requests } = scriptedFetch((req) =>
      req.url.pathname === '/oauth2/v1/token'
        ? json({ token_type: 'Bearer', expires_in: 3600, access_token: 'at' })
        : json({ errorCode: 'E0000011' }, 401),
    );
    await expect(
      oktaClientFor(connection(), { fetch, rateLimitReserve: 0.1 }).request({
        method: 'GET',
        path: '/api/v1/users/00u1',
      }),
    ).rejects.toMatchObject({ name: 'OktaAuthFailed' });
    expect(requests.filter((r) => r.url.pathname.startsWith('/api'))).toHaveLength(2);
  });

  it('gives OktaAuthFailed naming the connection when Okta refuses the client', async () => {
    const { fetch } = scriptedFetch(
      json({ error: 'invalid_client', error_description: 'The client_assertion signature is invalid.' }, 401),
    );
    const error = await oktaClientFor(connection(), { fetch, rateLimitReserve: 0.1 })
      .request({ method: 'GET', path: '/api/v1/users/00u1' })
      .catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'OktaAuthFailed', oktaErrorCode: 'invalid_client' });
    expect((error as Error).message).toContain('Sign-in of connection "acme" failed');
    expect((error as Error).message).not.toContain('PRIVATE KEY');
  });

  it('gives OktaForbidden when the app was not granted a scope', async () => {
    const { fetch } = scriptedFetch(
      json(
        { error: 'invalid_scope', error_description: 'The requested scope is invalid, unknown, or malformed.' },
        400,
      ),
    );
    await expect(
      oktaClientFor(connection(), { fetch, rateLimitReserve: 0.1 }).request({
        method: 'GET',
        path: '/api/v1/users/00u1',
      }),
    ).rejects.toMatchObject({ name: 'OktaForbidden', oktaErrorCode: 'invalid_scope' });
  });
});

describe('client-credentials sign-in: a rate-limited token endpoint', () => {
  it('gives OktaRateLimited with retryAfterSeconds', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 30);
    const { fetch } = scriptedFetch(
      json({ errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' }, 429, {
        'x-rate-limit-reset': reset,
      }),
    );
    const error = await oktaClientFor(connection(), { fetch, rateLimitReserve: 0.1 })
      .request({ method: 'GET', path: '/api/v1/users/00u1' })
      .then(
        () => undefined,
        (e: { name: string; oktaErrorCode: string; retryAfterSeconds: number }) => e,
      );
    expect(error).toMatchObject({ name: 'OktaRateLimited', oktaErrorCode: 'E0000047' });
    expect(error?.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(error?.retryAfterSeconds).toBeLessThanOrEqual(31);
  });
});

describe('client-credentials sign-in: a failing token endpoint', () => {
  it('sends the grant again, with a new assertion, after a 5xx and after a refused connection', async () => {
    const clock = fakeClock();
    let tokenCalls = 0;
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const { fetch, requests } = scriptedFetch((req: RecordedRequest) => {
      if (req.url.pathname !== '/oauth2/v1/token') return json({ id: '00u1' });
      tokenCalls += 1;
      if (tokenCalls === 1) return json({ errorCode: 'E0000009', errorSummary: 'Internal Server Error' }, 503);
      if (tokenCalls === 2) return refused;
      return json({ token_type: 'Bearer', expires_in: 3600, access_token: 'at-1' });
    });
    const okta = oktaClientFor(connection(), { fetch, now: clock.now, sleep: clock.sleep, rateLimitReserve: 0.1 });
    await expect(
      okta.request({ method: 'GET', path: '/api/v1/users/00u1' }, { deadline: clock.now() + 10_000 }),
    ).resolves.toMatchObject({ status: 200 });
    const assertions = requests
      .filter((r) => r.url.pathname === '/oauth2/v1/token')
      .map((r) => new URLSearchParams(r.body).get('client_assertion'));
    expect(assertions).toHaveLength(3);
    expect(new Set(assertions).size).toBe(3);
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it('gives OktaUnavailable when the token endpoint keeps failing', async () => {
    const clock = fakeClock();
    const { fetch, requests } = scriptedFetch(
      json({ errorCode: 'E0000009', errorSummary: 'Internal Server Error' }, 500),
    );
    const okta = oktaClientFor(connection(), { fetch, now: clock.now, sleep: clock.sleep, rateLimitReserve: 0.1 });
    await expect(
      okta.request({ method: 'GET', path: '/api/v1/users/00u1' }, { deadline: clock.now() + 10_000 }),
    ).rejects.toMatchObject({ name: 'OktaUnavailable' });
    expect(requests).toHaveLength(3);
  });
});

describe('client-credentials sign-in with a key in AWS KMS', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  /** A KMS client that describes a P-256 signing key and signs with it (DER, as KMS does), or fails Sign. */
  function fakeKms(signFailure?: Error) {
    const client = new KMSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const kms = mockClient(client);
    kms
      .on(DescribeKeyCommand)
      .resolves({ KeyMetadata: { KeyId: 'k', KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' } });
    if (signFailure) kms.on(SignCommand).rejects(signFailure);
    else
      kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
        Signature: sign('sha256', input.Message, { key: ec.privateKey, dsaEncoding: 'der' }),
      }));
    return { client, kms };
  }
  const kmsConnection: Connection = {
    name: 'acme',
    baseUrl: 'https://acme.okta.com',
    auth: {
      type: 'client-credentials',
      clientId: '0oaService',
      kmsKeyId: 'alias/acme',
      keyId: 'kid-kms',
      scopes: ['okta.users.read'],
    },
  };

  it('signs one assertion with KMS for 20 calls: the token is cached as with a private key', async () => {
    const org = fakeOrg();
    const { client, kms } = fakeKms();
    const okta = oktaClientFor(kmsConnection, { fetch: org.fetch, kms: client, rateLimitReserve: 0.1 });
    for (let i = 0; i < 20; i += 1) await okta.request({ method: 'GET', path: `/api/v1/users/00u${i}` });

    const assertion = new URLSearchParams(org.tokenRequests()[0]?.body).get('client_assertion') ?? '';
    await expect(jwtVerify(assertion, ec.publicKey, { algorithms: ['ES256'] })).resolves.toBeDefined();
    expect(kms.commandCalls(SignCommand)).toHaveLength(1);
    expect(org.tokenRequests()).toHaveLength(1);
  });

  it('sends no grant when KMS will not sign, and does not retry that as a network failure', async () => {
    const org = fakeOrg();
    const clock = fakeClock();
    const { client, kms } = fakeKms(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const okta = oktaClientFor(kmsConnection, {
      fetch: org.fetch,
      kms: client,
      now: clock.now,
      sleep: clock.sleep,
      rateLimitReserve: 0.1,
    });

    const error = await okta.request({ method: 'GET', path: '/api/v1/users/00u1' }).catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'InternalError', message: match.stringContaining('AccessDeniedException') });
    expect(kms.commandCalls(SignCommand)).toHaveLength(1);
    expect(org.tokenRequests()).toHaveLength(0);
    expect(clock.sleeps).toEqual([]);
  });

  it('signs a new assertion, with a new jti, for each retry of the grant after a 5xx', async () => {
    const clock = fakeClock();
    let tokenCalls = 0;
    const { fetch, requests } = scriptedFetch((req: RecordedRequest) => {
      if (req.url.pathname !== '/oauth2/v1/token') return json({ id: '00u1' });
      tokenCalls += 1;
      return tokenCalls === 1
        ? json({ errorCode: 'E0000009', errorSummary: 'Internal Server Error' }, 503)
        : json({ token_type: 'Bearer', expires_in: 3600, access_token: 'at-1' });
    });
    const { client, kms } = fakeKms();
    const okta = oktaClientFor(kmsConnection, {
      fetch,
      kms: client,
      now: clock.now,
      sleep: clock.sleep,
      rateLimitReserve: 0.1,
    });

    await okta.request({ method: 'GET', path: '/api/v1/users/00u1' }, { deadline: clock.now() + 10_000 });

    const jtis = requests
      .filter((r) => r.url.pathname === '/oauth2/v1/token')
      .map((r) => decodeJwt(new URLSearchParams(r.body).get('client_assertion') ?? '').jti);
    expect(jtis).toHaveLength(2);
    expect(new Set(jtis).size).toBe(2);
    expect(kms.commandCalls(SignCommand)).toHaveLength(2);
    expect(kms.commandCalls(DescribeKeyCommand)).toHaveLength(1);
  });
});

describe('client assertion', () => {
  const tokenUrl = 'https://acme.okta.com/oauth2/v1/token';
  const now = Date.UTC(2026, 10, 29, 9, 0, 0);

  it.each([
    ['an RSA PKCS#8 PEM', pem(rsa.privateKey, 'pkcs8'), rsa.publicKey, 'RS256'],
    ['an RSA PKCS#1 PEM', pem(rsa.privateKey, 'pkcs1'), rsa.publicKey, 'RS256'],
    ['an RSA JWK', rsa.privateKey.export({ format: 'jwk' }), rsa.publicKey, 'RS256'],
    ['an EC PKCS#8 PEM', pem(ec.privateKey, 'pkcs8'), ec.publicKey, 'ES256'],
    ['an EC SEC1 PEM', pem(ec.privateKey, 'sec1'), ec.publicKey, 'ES256'],
    ['an EC JWK', ec.privateKey.export({ format: 'jwk' }), ec.publicKey, 'ES256'],
  ])(
    'signed with %s verifies with the public key and carries the right claims',
    async (_kind, privateKey, publicKey, alg) => {
      const auth = connection(privateKey as StoredPrivateKey).auth as Extract<
        Connection['auth'],
        { type: 'client-credentials' }
      >;
      const assertion = await clientAssertion(auth, tokenUrl, now);
      const { payload, protectedHeader } = await jwtVerify(assertion, publicKey, {
        issuer: '0oaService',
        subject: '0oaService',
        audience: tokenUrl,
        currentDate: new Date(now),
        algorithms: [alg],
      });
      expect(protectedHeader).toMatchObject({ alg, kid: 'kid-1' });
      expect(payload.iat).toBe(now / 1000);
      expect(payload.exp).toBe(now / 1000 + 300);
      expect(typeof payload.jti).toBe('string');
    },
  );

  it('gives each assertion a unique jti', async () => {
    const auth = connection().auth as Extract<Connection['auth'], { type: 'client-credentials' }>;
    const a = await clientAssertion(auth, tokenUrl, now);
    const b = await clientAssertion(auth, tokenUrl, now);
    expect(decodeProtectedHeader(a).kid).toBe('kid-1');
    const jti = (token: string) =>
      (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { jti: string }).jti;
    expect(jti(a)).not.toBe(jti(b));
  });
});
