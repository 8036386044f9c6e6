import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { createOAuth, type OAuthServer } from '../../local/okta-sim/oauth/oauth.js';
import type { OAuthClient } from '../../local/okta-sim/types.js';
import { createFakeOrg, serveRoutes, type FakeOrg, type RouteServer } from '../support/fake-org.js';
import { match } from '../support/match.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newKeyPair(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

let org: FakeOrg;
let oauth: OAuthServer;
let server: RouteServer;
let serviceKey: KeyPair;
let dpopKey: KeyPair;
/** A key nobody registered. */
let strangerKey: KeyPair;
let service: OAuthClient;

const nowS = (): number => Math.floor(org.clock.now() / 1000);

function assertion(client: OAuthClient, key: KeyPair, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.publicJwk.kid })
    .setIssuer(client.clientId)
    .setSubject(client.clientId)
    .setAudience(`${server.url}/oauth2/v1/token`)
    .setIssuedAt(nowS())
    .setExpirationTime(nowS() + 300)
    .sign(key.privateKey);
}

async function requestToken(
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, string>; headers: Headers }> {
  const response = await fetch(`${server.url}/oauth2/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, string>,
    headers: response.headers,
  };
}

async function clientCredentials(client: OAuthClient, key: KeyPair, scope = 'okta.users.read', headers = {}) {
  return requestToken(
    {
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion(client, key),
    },
    headers,
  );
}

function dpopProof(claims: Record<string, unknown>, key: KeyPair = dpopKey): Promise<string> {
  return new SignJWT({ jti: randomUUID(), iat: nowS(), ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'dpop+jwt', jwk: { kty: 'RSA', n: key.publicJwk.n, e: key.publicJwk.e } })
    .sign(key.privateKey);
}

const ping = (headers: Record<string, string>): Promise<Response> => fetch(`${server.url}/api/v1/ping`, { headers });

beforeAll(async () => {
  org = createFakeOrg();
  oauth = createOAuth(org.services);
  server = await serveRoutes(
    [
      ...oauth.routes,
      {
        method: 'GET',
        pattern: '/api/v1/ping',
        bucket: 'other',
        scopes: ['okta.users.read'],
        handler: (req) => ({ status: 200, body: req.principal }),
      },
    ],
    oauth.authenticateAccessToken,
  );
  org.setBaseUrl(server.url);
  serviceKey = await newKeyPair('key-1');
  dpopKey = await newKeyPair('dpop');
  strangerKey = await newKeyPair('key-1');
  service = oauth.registerClient({
    label: 'Connector',
    jwks: [serviceKey.publicJwk],
    grantedScopes: ['okta.users.read', 'okta.groups.read'],
  });
});

afterAll(async () => {
  await server.close();
});

describe('client credentials with private_key_jwt', () => {
  it('issues a one-hour Bearer token with the requested scopes', async () => {
    const { status, body } = await clientCredentials(service, serviceKey, 'okta.users.read okta.groups.read');

    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'okta.users.read okta.groups.read' });
    expect(body.access_token).toEqual(match.any(String));
    expect(body.refresh_token).toBeUndefined();
  });

  it('lets the token call /api/v1 as the client with its scopes', async () => {
    const { body } = await clientCredentials(service, serviceKey);

    const response = await ping({ authorization: `Bearer ${body.access_token}` });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      kind: 'oauth',
      clientId: service.clientId,
      scopes: ['okta.users.read'],
      tokenType: 'Bearer',
    });
  });

  it('accepts an assertion without kid when one registered key verifies it', async () => {
    const jwt = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(service.clientId)
      .setSubject(service.clientId)
      .setAudience(`${server.url}/oauth2/v1/token`)
      .setExpirationTime(nowS() + 60)
      .sign(serviceKey.privateKey);

    const { status } = await requestToken({
      grant_type: 'client_credentials',
      scope: 'okta.users.read',
      client_assertion_type: JWT_BEARER,
      client_assertion: jwt,
    });

    expect(status).toBe(200);
  });

  it.each([
    ['a bad signature', { signWith: 'other' }, 'The client_assertion signature is invalid.'],
    [
      'the wrong audience',
      { aud: 'https://elsewhere.okta.com/oauth2/v1/token' },
      'The audience claim for client_assertion must be the endpoint invoked for the request.',
    ],
    ['an expired assertion', { exp: -10 }, 'The client_assertion token is expired.'],
    [
      'an expiry more than an hour ahead',
      { exp: 7200 },
      'The client_assertion token has an expiration too far into the future.',
    ],
    ['an unknown client', { iss: '0oaunknown' }, 'The issuer claim for client_assertion is not a valid client_id.'],
    ['an unknown kid', { kid: 'nope' }, 'The client_assertion JWT kid is invalid.'],
  ])('refuses %s with 401 invalid_client', async (_case, change: Record<string, unknown>, description) => {
    const iss = (change.iss as string | undefined) ?? service.clientId;
    const jwt = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: (change.kid as string | undefined) ?? 'key-1' })
      .setIssuer(iss)
      .setSubject(iss)
      .setAudience((change.aud as string | undefined) ?? `${server.url}/oauth2/v1/token`)
      .setExpirationTime(nowS() + ((change.exp as number | undefined) ?? 300))
      .sign(change.signWith === 'other' ? strangerKey.privateKey : serviceKey.privateKey);

    const { status, body } = await requestToken({
      grant_type: 'client_credentials',
      scope: 'okta.users.read',
      client_assertion_type: JWT_BEARER,
      client_assertion: jwt,
    });

    expect(status).toBe(401);
    expect(body).toEqual({ error: 'invalid_client', error_description: description });
  });

  it('refuses a replayed assertion jti', async () => {
    const jwt = await assertion(service, serviceKey);
    const form = {
      grant_type: 'client_credentials',
      scope: 'okta.users.read',
      client_assertion_type: JWT_BEARER,
      client_assertion: jwt,
    };
    expect((await requestToken(form)).status).toBe(200);

    const { status, body } = await requestToken(form);

    expect(status).toBe(401);
    expect(body).toEqual({
      error: 'invalid_client',
      error_description: 'The client_assertion token has already been used.',
    });
  });

  it('refuses a scope the app was not granted with 400 invalid_scope', async () => {
    const { status, body } = await clientCredentials(service, serviceKey, 'okta.users.manage');

    expect(status).toBe(400);
    expect(body.error).toBe('invalid_scope');
  });

  it('refuses a request without scope', async () => {
    const { status, body } = await clientCredentials(service, serviceKey, '');

    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_scope', error_description: 'No scopes were requested.' });
  });

  it('refuses client credentials authenticated by a client secret, as the org authorization server does', async () => {
    const web = oauth.registerClient({
      label: 'Web',
      grantTypes: ['client_credentials'],
      clientSecret: 's3cret-s3cret',
    });

    const { status, body } = await requestToken(
      { grant_type: 'client_credentials', scope: 'okta.users.read' },
      { authorization: `Basic ${Buffer.from(`${web.clientId}:s3cret-s3cret`).toString('base64')}` },
    );

    expect(status).toBe(401);
    expect(body.error_description).toMatch(/must use the private_key_jwt token_endpoint_auth_method/);
  });
});

describe('access token lifetime on the sim clock', () => {
  it('answers 401 E0000011 with an invalid_token challenge once the hour has passed', async () => {
    const { body } = await clientCredentials(service, serviceKey);
    org.clock.advance(3601 * 1000);

    const response = await ping({ authorization: `Bearer ${body.access_token}` });

    expect(response.status).toBe(401);
    expect(((await response.json()) as { errorCode: string }).errorCode).toBe('E0000011');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('issues shorter tokens when the client is set to, through the control route', async () => {
    const client = oauth.registerClient({
      label: 'Short',
      jwks: [serviceKey.publicJwk],
      grantedScopes: ['okta.users.read'],
    });
    const update = await fetch(`${server.url}/__sim/oauth-clients/${client.clientId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tokenLifetimeSeconds: 60 }),
    });
    expect(update.status).toBe(200);
    const { body } = await clientCredentials(client, serviceKey);
    expect(body.expires_in).toBe(60);
    expect((await ping({ authorization: `Bearer ${body.access_token}` })).status).toBe(200);

    org.clock.advance(61 * 1000);

    expect((await ping({ authorization: `Bearer ${body.access_token}` })).status).toBe(401);
  });
});

describe('DPoP-bound access tokens', () => {
  let dpopClient: OAuthClient;
  const tokenUrl = (): string => `${server.url}/oauth2/v1/token`;

  beforeAll(() => {
    dpopClient = oauth.registerClient({
      label: 'DPoP service',
      jwks: [serviceKey.publicJwk],
      grantedScopes: ['okta.users.read'],
      dpopBoundAccessTokens: true,
    });
  });

  async function dpopToken(): Promise<string> {
    const first = await clientCredentials(dpopClient, serviceKey, 'okta.users.read', {
      dpop: await dpopProof({ htm: 'POST', htu: tokenUrl() }),
    });
    const nonce = first.headers.get('dpop-nonce') ?? '';
    const second = await clientCredentials(dpopClient, serviceKey, 'okta.users.read', {
      dpop: await dpopProof({ htm: 'POST', htu: tokenUrl(), nonce }),
    });
    return second.body.access_token as string;
  }

  it('refuses a token request without a DPoP header', async () => {
    const { status, body } = await clientCredentials(dpopClient, serviceKey);

    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof JWT header is missing.' });
  });

  it('asks for a nonce with use_dpop_nonce and a dpop-nonce header', async () => {
    const { status, body, headers } = await clientCredentials(dpopClient, serviceKey, 'okta.users.read', {
      dpop: await dpopProof({ htm: 'POST', htu: tokenUrl() }),
    });

    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'use_dpop_nonce',
      error_description: 'Authorization server requires nonce in DPoP proof.',
    });
    expect(headers.get('dpop-nonce')).toEqual(match.any(String));
  });

  it('issues a DPoP token once the proof carries the nonce', async () => {
    const first = await clientCredentials(dpopClient, serviceKey, 'okta.users.read', {
      dpop: await dpopProof({ htm: 'POST', htu: tokenUrl() }),
    });
    const nonce = first.headers.get('dpop-nonce') ?? '';

    const { status, body } = await clientCredentials(dpopClient, serviceKey, 'okta.users.read', {
      dpop: await dpopProof({ htm: 'POST', htu: tokenUrl(), nonce }),
    });

    expect(status).toBe(200);
    expect(body.token_type).toBe('DPoP');
  });

  it.each([
    ['the wrong htu', { htu: 'http://elsewhere/oauth2/v1/token' }, "'htu' claim in the DPoP proof JWT is invalid."],
    ['the wrong htm', { htm: 'GET' }, "'htm' claim in the DPoP proof JWT is invalid."],
    ['an old iat', { iat: -400 }, 'The DPoP proof JWT is issued more than five minutes in the past.'],
  ])('refuses a token request whose proof has %s', async (_case, change: Record<string, unknown>, description) => {
    const nonce = (
      await clientCredentials(dpopClient, serviceKey, 'okta.users.read', {
        dpop: await dpopProof({ htm: 'POST', htu: tokenUrl() }),
      })
    ).headers.get('dpop-nonce');
    const claims = {
      htm: 'POST',
      htu: tokenUrl(),
      nonce,
      ...change,
      iat: nowS() + ((change.iat as number | undefined) ?? 0),
    };

    const { status, body } = await clientCredentials(dpopClient, serviceKey, 'okta.users.read', {
      dpop: await dpopProof(claims),
    });

    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_dpop_proof', error_description: description });
  });

  it('accepts proofs signed with an ES256 key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const { kty, crv, x, y } = await exportJWK(publicKey);
    const esProof = (claims: Record<string, unknown>): Promise<string> =>
      new SignJWT({ jti: randomUUID(), iat: nowS(), ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty, crv, x, y } })
        .sign(privateKey);
    const nonce = (
      await clientCredentials(dpopClient, serviceKey, 'okta.users.read', {
        dpop: await esProof({ htm: 'POST', htu: tokenUrl() }),
      })
    ).headers.get('dpop-nonce');
    const token = (
      await clientCredentials(dpopClient, serviceKey, 'okta.users.read', {
        dpop: await esProof({ htm: 'POST', htu: tokenUrl(), nonce }),
      })
    ).body.access_token as string;

    const response = await ping({
      authorization: `DPoP ${token}`,
      dpop: await esProof({ htm: 'GET', htu: `${server.url}/api/v1/ping`, ath: await ath(token) }),
    });

    expect(response.status).toBe(200);
  });

  it('asks for a new nonce once the old one is more than three days old', async () => {
    const nonce = (
      await clientCredentials(dpopClient, serviceKey, 'okta.users.read', {
        dpop: await dpopProof({ htm: 'POST', htu: tokenUrl() }),
      })
    ).headers.get('dpop-nonce');
    org.clock.advance(4 * 24 * 3600 * 1000);

    const { body, headers } = await clientCredentials(dpopClient, serviceKey, 'okta.users.read', {
      dpop: await dpopProof({ htm: 'POST', htu: tokenUrl(), nonce }),
    });

    expect(body.error).toBe('use_dpop_nonce');
    expect(headers.get('dpop-nonce')).not.toBe(nonce);
  });

  it('accepts an /api/v1 call with a fresh proof bound to the token', async () => {
    const token = await dpopToken();
    const proof = await dpopProof({ htm: 'GET', htu: `${server.url}/api/v1/ping`, ath: await ath(token) });

    const response = await ping({ authorization: `DPoP ${token}`, dpop: proof });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ tokenType: 'DPoP', clientId: dpopClient.clientId });
  });

  it('binds the token to the thumbprint of the proof key', async () => {
    const token = await dpopToken();
    const proof = await dpopProof({ htm: 'GET', htu: `${server.url}/api/v1/ping`, ath: await ath(token) }, strangerKey);

    const response = await ping({ authorization: `DPoP ${token}`, dpop: proof });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
    expect(await calculateJwkThumbprint(dpopKey.publicJwk)).not.toBe(
      await calculateJwkThumbprint(strangerKey.publicJwk),
    );
  });

  it.each([
    [
      'a proof whose ath is for another token',
      { ath: 'AAAA' },
      "'ath' claim in the DPoP proof does not match the presented access_token.",
    ],
    ['a proof with the query in htu', { htu: 'QUERY' }, "'htu' claim in the DPoP proof JWT is invalid."],
  ])('refuses an /api/v1 call with %s', async (_case, change: Record<string, unknown>, description) => {
    const token = await dpopToken();
    const htu = change.htu === 'QUERY' ? `${server.url}/api/v1/ping?limit=1` : `${server.url}/api/v1/ping`;
    const proof = await dpopProof({ htm: 'GET', ath: await ath(token), ...change, htu });

    const response = await ping({ authorization: `DPoP ${token}`, dpop: proof });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(`error_description="${description}"`);
  });

  it('refuses a replayed proof', async () => {
    const token = await dpopToken();
    const proof = await dpopProof({ htm: 'GET', htu: `${server.url}/api/v1/ping`, ath: await ath(token) });
    expect((await ping({ authorization: `DPoP ${token}`, dpop: proof })).status).toBe(200);

    const response = await ping({ authorization: `DPoP ${token}`, dpop: proof });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('The DPoP proof JWT has already been used.');
  });

  it('refuses a DPoP-bound token sent as Bearer', async () => {
    const token = await dpopToken();

    const response = await ping({ authorization: `Bearer ${token}` });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^DPoP .*must use the DPoP authentication scheme/);
  });

  it('refuses a Bearer token sent with the DPoP scheme', async () => {
    const { body } = await clientCredentials(service, serviceKey);
    const proof = await dpopProof({
      htm: 'GET',
      htu: `${server.url}/api/v1/ping`,
      ath: await ath(body.access_token as string),
    });

    const response = await ping({ authorization: `DPoP ${body.access_token}`, dpop: proof });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('The presented access_token is not DPoP bound.');
  });
});

describe('control routes', () => {
  it('registers a client and lists it', async () => {
    const created = await fetch(`${server.url}/__sim/oauth-clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'From control', jwks: [serviceKey.publicJwk], grantedScopes: ['okta.users.read'] }),
    });
    const client = (await created.json()) as OAuthClient;

    const listed = (await (await fetch(`${server.url}/__sim/oauth-clients`)).json()) as OAuthClient[];

    expect(created.status).toBe(201);
    expect(client).toMatchObject({
      label: 'From control',
      tokenEndpointAuthMethod: 'private_key_jwt',
      grantTypes: ['client_credentials'],
    });
    expect(listed.map((item) => item.clientId)).toContain(client.clientId);
  });

  it('refuses a private key in jwks', async () => {
    const response = await fetch(`${server.url}/__sim/oauth-clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'Leaky', jwks: [await exportJWK(strangerKey.privateKey)] }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'jwks must hold public keys only' });
  });
});

async function ath(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return Buffer.from(digest).toString('base64url');
}
