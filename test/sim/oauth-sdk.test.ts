// Okta's own Node SDK signs in to the simulated org by client credentials with a private key, as it does to Okta.
import { Client } from '@okta/okta-sdk-nodejs';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import type { OAuthClient } from '../../local/okta-sim/types.js';

let sim: OktaSim;
let privateJwk: JWK;
let publicJwk: JWK;

async function registerClient(settings: Partial<OAuthClient>): Promise<OAuthClient> {
  const response = await fetch(`${sim.url}/__sim/oauth-clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      label: 'SDK service app',
      jwks: [publicJwk],
      grantedScopes: ['okta.users.read'],
      ...settings,
    }),
  });
  return (await response.json()) as OAuthClient;
}

function sdkClient(client: OAuthClient, scopes = ['okta.users.read']): Client {
  return new Client({
    orgUrl: sim.url,
    authorizationMode: 'PrivateKey',
    clientId: client.clientId,
    scopes,
    privateKey: JSON.stringify(privateJwk),
    keyId: 'sdk-key',
    cacheMiddleware: null,
  });
}

const errorOf = async (promise: Promise<unknown>): Promise<{ status: number; errorCode?: string; message: string }> => {
  try {
    await promise;
  } catch (error) {
    return error as { status: number; errorCode?: string; message: string };
  }
  throw new Error('expected the call to fail');
};

beforeAll(async () => {
  sim = await startOktaSim({ seed: 'empty' });
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'sdk-key' };
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'sdk-key', alg: 'RS256', use: 'sig' };
});

afterAll(async () => {
  await sim.close();
});

describe('okta-sdk-nodejs with authorizationMode PrivateKey', () => {
  it('signs in by client credentials and reads a user', async () => {
    const client = sdkClient(await registerClient({}));

    const user = await client.userApi.getUser({ userId: sim.org.adminUserId });

    expect(user.id).toBe(sim.org.adminUserId);
  });

  it('is refused with 403 when the call needs a scope the token does not carry', async () => {
    const client = sdkClient(await registerClient({}));

    const error = await errorOf(
      (async () => {
        for await (const group of await client.groupApi.listGroups()) return group;
      })(),
    );

    expect(error.status).toBe(403);
  });

  it('gets invalid_scope for a scope the app was not granted, and its call then fails with 401 E0000011', async () => {
    const client = sdkClient(await registerClient({}), ['okta.users.manage']);
    const tokenAnswers: unknown[] = [];
    const stopObserving = sim.observe((req, res) => {
      if (req.path === '/oauth2/v1/token') tokenAnswers.push(res.body);
    });

    const error = await errorOf(client.userApi.getUser({ userId: sim.org.adminUserId }));
    stopObserving();

    expect(tokenAnswers[0]).toMatchObject({ error: 'invalid_scope' });
    expect(error).toMatchObject({ status: 401, errorCode: 'E0000011' });
  });
});

describe('okta-sdk-nodejs against an app that requires DPoP', () => {
  it('goes through the nonce exchange, gets a DPoP token and calls the API with DPoP proofs', async () => {
    const client = sdkClient(await registerClient({ dpopBoundAccessTokens: true }));
    const calls: Array<{ path: string; status: number; scheme?: string }> = [];
    const stopObserving = sim.observe((req, res) => {
      calls.push({ path: req.path, status: res.status, scheme: req.headers.authorization?.split(' ')[0] });
    });

    const user = await client.userApi.getUser({ userId: sim.org.adminUserId });
    stopObserving();

    expect(user.id).toBe(sim.org.adminUserId);
    expect(calls).toEqual([
      { path: '/oauth2/v1/token', status: 400, scheme: undefined },
      { path: '/oauth2/v1/token', status: 200, scheme: undefined },
      { path: `/api/v1/users/${sim.org.adminUserId}`, status: 200, scheme: 'DPoP' },
    ]);
  });
});
