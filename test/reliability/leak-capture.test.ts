import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../../local/aws/index.js';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import { isRegisteredSecret, registerPrivateKey, scanText } from '../support/leak-capture.js';

describe('the secret registry', () => {
  let sim: OktaSim;
  let aws: LocalAws;
  beforeAll(async () => {
    [sim, aws] = await Promise.all([startOktaSim({ seed: 'empty' }), startLocalAws()]);
  });
  afterAll(async () => {
    await Promise.all([sim.close(), aws.close()]);
  });

  it('holds the api token of every simulated org', () => {
    expect(isRegisteredSecret(sim.apiToken)).toBe(true);
  });

  it('holds every secret of a connection put in the local Secrets Manager', () => {
    aws.secrets.put('okta-connector/x', {
      domain: 'a.okta.com',
      auth: {
        type: 'authorization-code',
        clientId: 'c',
        clientSecret: 'client-secret-0123456789',
        refreshToken: 'refresh-0123456789ab',
        scopes: ['s'],
      },
      eventHookSecret: 'hook-secret-abcdef0123',
      previousEventHookSecret: 'old-hook-secret-abcdef',
    });
    expect(
      ['client-secret-0123456789', 'refresh-0123456789ab', 'hook-secret-abcdef0123', 'old-hook-secret-abcdef'].every(
        isRegisteredSecret,
      ),
    ).toBe(true);
  });

  it('holds the client secret of an OAuth client registered in the sim', () => {
    const client = sim.control.registerOAuthClient({ label: 'web', tokenEndpointAuthMethod: 'client_secret_basic' });
    expect(isRegisteredSecret(String(client.clientSecret))).toBe(true);
  });

  it('holds each line of a PEM private key and the private members of a JWK', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const jwk = pair.privateKey.export({ format: 'jwk' });
    registerPrivateKey(pem, 'pem');
    registerPrivateKey(jwk, 'jwk');
    expect(
      pem
        .split('\n')
        .filter((line) => line.length > 20 && !line.startsWith('-----'))
        .every(isRegisteredSecret),
    ).toBe(true);
    expect(isRegisteredSecret(String(jwk.d))).toBe(true);
  });
});

describe('the scan', () => {
  const secrets = new Map([['s3cr3t-value-0123456789', 'a token']]);

  it('finds a secret in a text and masks it in the excerpt', () => {
    const [leak] = scanText('stdout', 'Authorization: SSWS s3cr3t-value-0123456789 sent', secrets);
    expect(leak).toEqual({ label: 'a token', where: 'stdout', excerpt: 'Authorization: SSWS [the secret] sent' });
  });

  it('finds nothing in a text without it', () => {
    expect(scanText('stdout', 'Authorization: SSWS [REDACTED]', secrets)).toEqual([]);
  });
});
