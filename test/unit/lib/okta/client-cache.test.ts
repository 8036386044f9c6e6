import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../../../functions/lib/config.js';
import { clearConnectionCache } from '../../../../functions/lib/connections.js';
import { oktaClient } from '../../../../functions/lib/okta/client-cache.js';

const sm = mockClient(SecretsManagerClient);
const secret = (token: string) => ({
  SecretString: JSON.stringify({ domain: 'acme.okta.com', auth: { type: 'api-token', token } }),
});

beforeEach(() => {
  sm.reset();
  clearConnectionCache();
  resetConfig();
});
afterAll(() => sm.restore());

describe('oktaClient: one client per connection per container', () => {
  it('keeps the client, and so its token and rate-limit state, while the connection is unchanged', async () => {
    sm.on(GetSecretValueCommand).resolves(secret('t1'));
    const first = await oktaClient('acme');
    clearConnectionCache();
    expect(await oktaClient('acme')).toBe(first);
    expect(first.connection.baseUrl).toBe('https://acme.okta.com');
  });

  it('builds a new client when the secret was rotated', async () => {
    sm.on(GetSecretValueCommand).resolves(secret('t1'));
    const first = await oktaClient('rotating');
    clearConnectionCache();
    sm.on(GetSecretValueCommand).resolves(secret('t2'));
    const second = await oktaClient('rotating');
    expect(second).not.toBe(first);
    expect(second.connection.auth).toEqual({ type: 'api-token', token: 't2' });
  });

  it('keeps the client of an authorization-code connection when only its refresh token was rotated', async () => {
    const web = (refreshToken?: string) => ({
      SecretString: JSON.stringify({
        domain: 'acme.okta.com',
        auth: {
          type: 'authorization-code',
          clientId: 'c',
          clientSecret: 's',
          scopes: ['okta.users.read'],
          refreshToken,
        },
      }),
    });
    sm.on(GetSecretValueCommand).resolves(web());
    const beforeConsent = await oktaClient('web');
    clearConnectionCache();
    sm.on(GetSecretValueCommand).resolves(web('rt-1'));
    const afterConsent = await oktaClient('web');
    expect(afterConsent).not.toBe(beforeConsent);
    clearConnectionCache();
    sm.on(GetSecretValueCommand).resolves(web('rt-2'));
    expect(await oktaClient('web')).toBe(afterConsent);
  });

  it('gives UnknownConnection for a connection without a secret', async () => {
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'nope', $metadata: {} }));
    await expect(oktaClient('missing')).rejects.toMatchObject({ name: 'UnknownConnection' });
  });
});
