import { createHash, generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../../functions/lib/connections.js';
import { dpopHtu } from '../../../../functions/lib/auth/dpop.js';
import { oktaClientFor } from '../../../../functions/lib/okta/client.js';
import { json, scriptedFetch, type RecordedRequest } from '../okta/fake-okta.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const connection: Connection = {
  name: 'acme',
  baseUrl: 'https://acme.okta.com',
  auth: {
    type: 'client-credentials',
    clientId: '0oaDpop',
    privateKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyId: 'k1',
    scopes: ['okta.users.read'],
  },
};

async function verifiedProof(proof: string | undefined) {
  const header = decodeProtectedHeader(proof ?? '');
  const { payload } = await jwtVerify(proof ?? '', await importJWK(header.jwk as JWK, 'ES256'), { typ: 'dpop+jwt' });
  return { header, payload };
}

/** An org whose app requires DPoP: no proof → invalid_dpop_proof; no nonce → use_dpop_nonce; then a DPoP token. */
function dpopOrg() {
  return scriptedFetch(async (req: RecordedRequest) => {
    if (req.url.pathname !== '/oauth2/v1/token') return json({ id: '00u1' });
    if (!req.headers.dpop)
      return json({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof JWT header is missing.' }, 400);
    const { payload } = await verifiedProof(req.headers.dpop);
    if (payload.nonce !== 'nonce-1') {
      return json(
        { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof.' },
        400,
        { 'dpop-nonce': 'nonce-1' },
      );
    }
    return json({ token_type: 'DPoP', expires_in: 3600, access_token: 'dpop-bound-token', scope: 'okta.users.read' });
  });
}

describe('DPoP', () => {
  it('answers invalid_dpop_proof with a proof, and use_dpop_nonce with the nonce', async () => {
    const { fetch, requests } = dpopOrg();
    await oktaClientFor(connection, { fetch, rateLimitReserve: 0.1 }).request({
      method: 'GET',
      path: '/api/v1/users/00u1',
    });
    const tokenRequests = requests.filter((r) => r.url.pathname === '/oauth2/v1/token');
    expect(tokenRequests).toHaveLength(3);
    expect(tokenRequests[0]?.headers.dpop).toBeUndefined();
    const second = await verifiedProof(tokenRequests[1]?.headers.dpop);
    expect(second.payload).toMatchObject({ htm: 'POST', htu: 'https://acme.okta.com/oauth2/v1/token' });
    expect(second.payload.nonce).toBeUndefined();
    const third = await verifiedProof(tokenRequests[2]?.headers.dpop);
    expect(third.payload).toMatchObject({
      htm: 'POST',
      htu: 'https://acme.okta.com/oauth2/v1/token',
      nonce: 'nonce-1',
    });
    expect(third.header.jwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect((third.header.jwk as JWK).d).toBeUndefined();
    // Each attempt carries a fresh client assertion: Okta spends a jti once.
    const assertions = tokenRequests.map((r) => new URLSearchParams(r.body).get('client_assertion'));
    expect(new Set(assertions).size).toBe(3);
  });

  it('calls the API with Authorization: DPoP and a fresh proof carrying htm, htu and ath', async () => {
    const { fetch, requests } = dpopOrg();
    const okta = oktaClientFor(connection, { fetch, rateLimitReserve: 0.1 });
    await okta.request({
      method: 'GET',
      path: `/api/v1/users/${encodeURIComponent('jo@example.com')}`,
      query: { expand: 'blocks' },
    });
    await okta.request({ method: 'POST', path: '/api/v1/users/00u1/lifecycle/suspend' });
    const api = requests.filter((r) => r.url.pathname.startsWith('/api/v1'));
    expect(api.map((r) => r.headers.authorization)).toEqual(['DPoP dpop-bound-token', 'DPoP dpop-bound-token']);
    const first = await verifiedProof(api[0]?.headers.dpop);
    const second = await verifiedProof(api[1]?.headers.dpop);
    expect(first.payload).toMatchObject({
      htm: 'GET',
      htu: 'https://acme.okta.com/api/v1/users/jo@example.com',
      ath: createHash('sha256').update('dpop-bound-token').digest('base64url'),
    });
    expect(second.payload).toMatchObject({
      htm: 'POST',
      htu: 'https://acme.okta.com/api/v1/users/00u1/lifecycle/suspend',
    });
    expect(first.payload.jti).not.toBe(second.payload.jti);
    // The DPoP key is the connector's own, not the client key.
    expect(first.header.jwk).toEqual(second.header.jwk);
    expect((first.header.jwk as JWK).kty).toBe('EC');
  });

  it('learns a resource nonce from a 401 use_dpop_nonce and retries once with it', async () => {
    let apiCalls = 0;
    const { fetch, requests } = scriptedFetch((req) => {
      if (req.url.pathname === '/oauth2/v1/token')
        return Promise.resolve(json({ token_type: 'DPoP', expires_in: 3600, access_token: 't' }));
      apiCalls += 1;
      if (apiCalls === 1) {
        return Promise.resolve(
          new Response(null, {
            status: 401,
            headers: {
              'www-authenticate':
                'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
              'dpop-nonce': 'rn-1',
            },
          }),
        );
      }
      return Promise.resolve(json({ ok: true }));
    });
    await oktaClientFor(connection, { fetch, rateLimitReserve: 0.1 }).request({
      method: 'GET',
      path: '/api/v1/users/00u1',
    });
    const api = requests.filter((r) => r.url.pathname.startsWith('/api/v1'));
    expect((await verifiedProof(api[1]?.headers.dpop)).payload.nonce).toBe('rn-1');
    expect(requests.filter((r) => r.url.pathname === '/oauth2/v1/token')).toHaveLength(1);
  });

  it('builds htu from the URL without its query and with the path decoded', () => {
    expect(dpopHtu(new URL('https://acme.okta.com/api/v1/users/jo%40example.com/groups?limit=2'))).toBe(
      'https://acme.okta.com/api/v1/users/jo@example.com/groups',
    );
    expect(dpopHtu(new URL('http://127.0.0.1:4010/api/v1/logs?since=x'))).toBe('http://127.0.0.1:4010/api/v1/logs');
  });
});
