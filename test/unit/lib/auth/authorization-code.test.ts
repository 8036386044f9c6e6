import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../../../functions/lib/config.js';
import {
  clearConnectionCache,
  loadConnection,
  saveRefreshToken,
  type Connection,
} from '../../../../functions/lib/connections.js';
import { basicAuthorization } from '../../../../functions/lib/auth/authorization-code.js';
import { oktaClientFor } from '../../../../functions/lib/okta/client.js';
import { json, scriptedFetch, type RecordedRequest } from '../okta/fake-okta.js';

const CLIENT_SECRET = 'client-secret-value-never-logged';

function connection(refreshToken: string | null = 'rt-1'): Connection {
  return {
    name: 'acme',
    baseUrl: 'https://acme.okta.com',
    auth: {
      type: 'authorization-code',
      clientId: '0oaWeb',
      clientSecret: CLIENT_SECRET,
      scopes: ['okta.users.read'],
      ...(refreshToken ? { refreshToken } : {}),
    },
  };
}

/** An org that rotates the refresh token on every use. */
function rotatingOrg() {
  let issued = 1;
  return scriptedFetch((req: RecordedRequest) => {
    if (req.url.pathname !== '/oauth2/v1/token') return json({ id: '00u1' });
    issued += 1;
    return json({
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: `at-${issued}`,
      refresh_token: `rt-${issued}`,
      scope: 'okta.users.read offline_access',
    });
  });
}

afterEach(() => clearConnectionCache());

describe('authorization-code sign-in', () => {
  it('uses the refresh-token grant with the stored token and client_secret_basic', async () => {
    const { fetch, requests } = rotatingOrg();
    const saved: string[] = [];
    await oktaClientFor(connection(), {
      fetch,
      rateLimitReserve: 0.1,
      saveRefreshToken: async (_c, token) => {
        saved.push(token);
      },
    }).request({ method: 'GET', path: '/api/v1/users/me' });
    const token = requests[0];
    expect(token?.url.pathname).toBe('/oauth2/v1/token');
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
    });
    expect(token?.headers.authorization).toBe(`Basic ${Buffer.from(`0oaWeb:${CLIENT_SECRET}`).toString('base64')}`);
    expect(requests[1]?.headers.authorization).toBe('Bearer at-2');
  });

  it('writes a rotated refresh token back to the secret, keeping the other fields', async () => {
    const secrets = new SecretsManagerClient({});
    const sm = mockClient(secrets);
    const cfg = readConfig({});
    const stored = {
      domain: 'acme.okta.com',
      auth: {
        type: 'authorization-code',
        clientId: '0oaWeb',
        clientSecret: CLIENT_SECRET,
        scopes: ['okta.users.read'],
        refreshToken: 'rt-1',
      },
      eventHookSecret: 'hook',
    };
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(stored) });
    sm.on(PutSecretValueCommand).resolves({});
    const loaded = await loadConnection('acme', { secrets, cfg });
    const { fetch } = rotatingOrg();
    await oktaClientFor(loaded, {
      fetch,
      rateLimitReserve: 0.1,
      saveRefreshToken: (c, token) => saveRefreshToken(c, token, { secrets, cfg }),
    }).request({ method: 'GET', path: '/api/v1/users/me' });
    const written = JSON.parse(sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretString ?? '{}');
    expect(written).toEqual({ ...stored, auth: { ...stored.auth, refreshToken: 'rt-2' } });
  });

  it('uses the rotated refresh token for the next grant', async () => {
    let issued = 1;
    let apiCalls = 0;
    const { fetch, requests } = scriptedFetch((req) => {
      if (req.url.pathname === '/oauth2/v1/token') {
        issued += 1;
        return json({
          token_type: 'Bearer',
          expires_in: 3600,
          access_token: `at-${issued}`,
          refresh_token: `rt-${issued}`,
        });
      }
      apiCalls += 1;
      // The second call's token is refused: the client drops it and refreshes again.
      return apiCalls === 2 ? json({ errorCode: 'E0000011' }, 401) : json({});
    });
    const saved: string[] = [];
    const okta = oktaClientFor(connection(), {
      fetch,
      rateLimitReserve: 0.1,
      saveRefreshToken: async (_c, token) => {
        saved.push(token);
      },
    });
    await okta.request({ method: 'GET', path: '/api/v1/users/me' });
    await okta.request({ method: 'GET', path: '/api/v1/users/me' });
    const refreshTokensSent = requests
      .filter((r) => r.url.pathname === '/oauth2/v1/token')
      .map((r) => new URLSearchParams(r.body).get('refresh_token'));
    expect(refreshTokensSent).toEqual(['rt-1', 'rt-2']);
    expect(saved).toEqual(['rt-2', 'rt-3']);
  });

  it('does not write the secret when the refresh token did not change', async () => {
    const { fetch } = scriptedFetch((req) =>
      req.url.pathname === '/oauth2/v1/token'
        ? json({ token_type: 'Bearer', expires_in: 3600, access_token: 'at', refresh_token: 'rt-1' })
        : json({}),
    );
    const saved: string[] = [];
    await oktaClientFor(connection(), {
      fetch,
      rateLimitReserve: 0.1,
      saveRefreshToken: async (_c, token) => {
        saved.push(token);
      },
    }).request({ method: 'GET', path: '/api/v1/users/me' });
    expect(saved).toEqual([]);
  });

  it('gives OktaAuthFailed pointing to the consent page when there is no refresh token yet', async () => {
    const { fetch, requests } = scriptedFetch(json({}));
    await expect(
      oktaClientFor(connection(null), { fetch, rateLimitReserve: 0.1 }).request({
        method: 'GET',
        path: '/api/v1/users/me',
      }),
    ).rejects.toMatchObject({
      name: 'OktaAuthFailed',
      message: expect.stringContaining('/oauth/authorize?connection=acme'),
    });
    expect(requests).toHaveLength(0);
  });

  it('gives OktaAuthFailed without the client secret when the refresh token is refused', async () => {
    const { fetch } = scriptedFetch(
      json({ error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' }, 400),
    );
    const error = await oktaClientFor(connection(), { fetch, rateLimitReserve: 0.1 })
      .request({ method: 'GET', path: '/api/v1/users/me' })
      .catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'OktaAuthFailed', oktaErrorCode: 'invalid_grant' });
    expect(JSON.stringify({ ...error, message: (error as Error).message })).not.toContain(CLIENT_SECRET);
    expect((error as Error).message).not.toContain('rt-1');
  });

  it('form-encodes client id and secret before the Basic encoding (RFC 6749 2.3.1)', () => {
    const auth = { type: 'authorization-code' as const, clientId: 'id:1', clientSecret: 'a b/c', scopes: ['x'] };
    expect(Buffer.from(basicAuthorization(auth).slice(6), 'base64').toString()).toBe('id%3A1:a+b%2Fc');
  });
});
