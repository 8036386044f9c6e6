import { generateKeyPairSync } from 'node:crypto';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../../functions/lib/config.js';
import { clearConnectionCache, loadConnection, saveRefreshToken } from '../../../functions/lib/connections.js';
import { match } from '../../support/match.js';

const secrets = new SecretsManagerClient({});
const sm = mockClient(secrets);
const cfg = readConfig({});
const TOKEN = '00SsWsTokenThatIsSecret-xyz';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PKCS8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const jwk = { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'key-1' };

function secretIs(value: unknown) {
  sm.on(GetSecretValueCommand).resolves({ SecretString: typeof value === 'string' ? value : JSON.stringify(value) });
}

async function loaded(value: unknown, name = 'acme') {
  secretIs(value);
  return loadConnection(name, { secrets, cfg });
}

async function refusal(value: unknown): Promise<Error> {
  return loaded(value).then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: Error) => error,
  );
}

beforeEach(() => {
  sm.reset();
  clearConnectionCache();
});
afterEach(() => clearConnectionCache());

describe('connections: loading', () => {
  it('loads an api-token connection from the secret <prefix><name>', async () => {
    const connection = await loaded({
      domain: 'acme.okta.com',
      auth: { type: 'api-token', token: TOKEN },
    });
    expect(connection).toEqual({
      name: 'acme',
      baseUrl: 'https://acme.okta.com',
      auth: { type: 'api-token', token: TOKEN },
    });
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: 'okta-connector/acme' });
  });

  it('uses the default connection when no name is given', async () => {
    secretIs({ domain: 'acme.okta.com', auth: { type: 'api-token', token: TOKEN } });
    expect((await loadConnection(undefined, { secrets, cfg })).name).toBe('default');
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input.SecretId).toBe('okta-connector/default');
  });

  it('loads a client-credentials connection with a PEM key and keyId', async () => {
    const connection = await loaded({
      domain: 'https://acme.okta.com/',
      auth: {
        type: 'client-credentials',
        clientId: '0oa1',
        privateKey: PKCS8,
        keyId: 'k1',
        scopes: ['okta.users.read'],
      },
    });
    expect(connection.auth).toEqual({
      type: 'client-credentials',
      clientId: '0oa1',
      privateKey: PKCS8,
      keyId: 'k1',
      scopes: ['okta.users.read'],
    });
  });

  it("takes the keyId from a JWK's kid, given as an object or as a JSON string", async () => {
    for (const privateKey of [jwk, JSON.stringify(jwk)]) {
      clearConnectionCache();
      const connection = await loaded({
        domain: 'acme.okta.com',
        auth: { type: 'client-credentials', clientId: '0oa1', privateKey, scopes: ['okta.users.read'] },
      });
      expect(connection.auth).toMatchObject({ keyId: 'key-1', privateKey: jwk });
    }
  });

  it.each([
    ['a key id', '1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['a multi-Region key id', 'mrk-1234abcd12ab34cd56ef1234567890ab'],
    ['a key ARN', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['an alias name', 'alias/okta-connector/acme'],
    ['an alias ARN', 'arn:aws:kms:eu-west-1:111122223333:alias/okta-connector/acme'],
  ])('loads a client-credentials connection whose key is in AWS KMS, named by %s', async (_kind, kmsKeyId) => {
    const connection = await loaded({
      domain: 'acme.okta.com',
      auth: { type: 'client-credentials', clientId: '0oa1', kmsKeyId, keyId: 'kid-kms', scopes: ['okta.users.read'] },
    });
    expect(connection.auth).toEqual({
      type: 'client-credentials',
      clientId: '0oa1',
      kmsKeyId,
      keyId: 'kid-kms',
      scopes: ['okta.users.read'],
    });
  });

  it('loads an authorization-code connection, with or without its refresh token', async () => {
    const connection = await loaded({
      domain: 'acme.okta.com',
      auth: { type: 'authorization-code', clientId: '0oa2', clientSecret: 's', scopes: ['okta.users.read'] },
    });
    expect(connection.auth).toEqual({
      type: 'authorization-code',
      clientId: '0oa2',
      clientSecret: 's',
      scopes: ['okta.users.read'],
    });
  });

  it('gives UnknownConnection when the secret does not exist', async () => {
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    await expect(loadConnection('nope', { secrets, cfg })).rejects.toMatchObject({
      name: 'UnknownConnection',
      message: match.stringContaining('"nope"'),
    });
  });

  it('gives UnknownConnection for a name that cannot be a connection, without reading anything', async () => {
    await expect(loadConnection('../other', { secrets, cfg })).rejects.toMatchObject({ name: 'UnknownConnection' });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('caches a loaded connection for connectionCacheSeconds, then reads the secret again', async () => {
    let time = 0;
    secretIs({ domain: 'acme.okta.com', auth: { type: 'api-token', token: TOKEN } });
    const deps = { secrets, cfg: { ...cfg, connectionCacheSeconds: 60 }, now: () => time };
    await loadConnection('acme', deps);
    time = 59_000;
    await loadConnection('acme', deps);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    time = 60_000;
    secretIs({ domain: 'acme.okta.com', auth: { type: 'api-token', token: 'rotated' } });
    expect((await loadConnection('acme', deps)).auth).toEqual({ type: 'api-token', token: 'rotated' });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('does not cache a failed load', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'x', $metadata: {} }))
      .resolves({
        SecretString: JSON.stringify({ domain: 'acme.okta.com', auth: { type: 'api-token', token: TOKEN } }),
      });
    await expect(loadConnection('acme', { secrets, cfg })).rejects.toMatchObject({ name: 'UnknownConnection' });
    expect((await loadConnection('acme', { secrets, cfg })).baseUrl).toBe('https://acme.okta.com');
  });
});

describe('connections: malformed secrets are refused by field, without the secret', () => {
  const apiToken = { type: 'api-token', token: TOKEN };
  it.each([
    ['not JSON', `{"domain": "acme.okta.com", "auth": {"token": "${TOKEN}"`, 'the secret is not JSON'],
    ['not an object', JSON.stringify([TOKEN]), 'not a JSON object'],
    ['no domain', { auth: apiToken }, 'domain is required'],
    ['an http domain', { domain: 'http://acme.okta.com', auth: apiToken }, 'domain must use https'],
    ['an admin domain', { domain: 'acme-admin.okta.com', auth: apiToken }, 'domain must not be the Okta admin host'],
    [
      'a domain with user info',
      { domain: `https://u:${TOKEN}@acme.okta.com`, auth: apiToken },
      'domain must not contain user info',
    ],
    ['no auth', { domain: 'acme.okta.com', token: TOKEN }, 'auth is required'],
    [
      'an unknown auth type',
      { domain: 'acme.okta.com', auth: { type: 'password', token: TOKEN } },
      'auth.type must be',
    ],
    ['an empty token', { domain: 'acme.okta.com', auth: { type: 'api-token', token: '' } }, 'auth.token is required'],
    [
      'no clientId',
      {
        domain: 'acme.okta.com',
        auth: { type: 'client-credentials', privateKey: PKCS8, keyId: 'k', scopes: ['okta.users.read'] },
      },
      'auth.clientId is required',
    ],
    [
      'a key that is not a key',
      {
        domain: 'acme.okta.com',
        auth: { type: 'client-credentials', clientId: 'c', privateKey: TOKEN, keyId: 'k', scopes: ['a'] },
      },
      'auth.privateKey is not a PEM or JWK private key',
    ],
    [
      'a public key',
      {
        domain: 'acme.okta.com',
        auth: {
          type: 'client-credentials',
          clientId: 'c',
          privateKey: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          keyId: 'k',
          scopes: ['a'],
        },
      },
      'auth.privateKey is not a PEM or JWK private key',
    ],
    [
      'a JWK without its private part',
      {
        domain: 'acme.okta.com',
        auth: { type: 'client-credentials', clientId: 'c', privateKey: { ...jwk, d: undefined }, scopes: ['a'] },
      },
      'auth.privateKey is not a PEM or JWK private key',
    ],
    [
      'a PEM key without keyId',
      {
        domain: 'acme.okta.com',
        auth: { type: 'client-credentials', clientId: 'c', privateKey: PKCS8, scopes: ['a'] },
      },
      'auth.keyId is required',
    ],
    [
      'both a private key and a KMS key (CONTRACT §4: one or the other)',
      {
        domain: 'acme.okta.com',
        auth: {
          type: 'client-credentials',
          clientId: 'c',
          privateKey: PKCS8,
          kmsKeyId: 'alias/k',
          keyId: 'k',
          scopes: ['a'],
        },
      },
      'auth has both privateKey and kmsKeyId',
    ],
    [
      'neither a private key nor a KMS key',
      { domain: 'acme.okta.com', auth: { type: 'client-credentials', clientId: 'c', keyId: 'k', scopes: ['a'] } },
      'auth.privateKey or auth.kmsKeyId is required',
    ],
    [
      'a KMS key id that KMS would not take',
      {
        domain: 'acme.okta.com',
        auth: { type: 'client-credentials', clientId: 'c', kmsKeyId: 'my key', keyId: 'k', scopes: ['a'] },
      },
      'auth.kmsKeyId must be a KMS key id, key ARN, alias name',
    ],
    [
      'a KMS key id that is not a string',
      {
        domain: 'acme.okta.com',
        auth: { type: 'client-credentials', clientId: 'c', kmsKeyId: { id: 'alias/k' }, keyId: 'k', scopes: ['a'] },
      },
      'auth.kmsKeyId must be a KMS key id',
    ],
    [
      'a KMS key without keyId (there is no JWK to take a kid from)',
      {
        domain: 'acme.okta.com',
        auth: { type: 'client-credentials', clientId: 'c', kmsKeyId: 'alias/k', scopes: ['a'] },
      },
      'auth.keyId is required',
    ],
    [
      'no scopes',
      {
        domain: 'acme.okta.com',
        auth: { type: 'client-credentials', clientId: 'c', privateKey: PKCS8, keyId: 'k', scopes: [] },
      },
      'auth.scopes must be a non-empty array',
    ],
    [
      'no clientSecret',
      {
        domain: 'acme.okta.com',
        auth: { type: 'authorization-code', clientId: 'c', scopes: ['a'], refreshToken: TOKEN },
      },
      'auth.clientSecret is required',
    ],
    [
      'a refresh token that is not a string',
      {
        domain: 'acme.okta.com',
        auth: { type: 'authorization-code', clientId: 'c', clientSecret: TOKEN, scopes: ['a'], refreshToken: 5 },
      },
      'auth.refreshToken must be a non-empty string',
    ],
  ])('refuses %s', async (_case, secret, problem) => {
    const error = await refusal(secret);
    expect(error.name).toBe('InternalError');
    expect(error.message).toMatch(/^Connection "acme": /);
    expect(error.message).toContain(problem);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain('PRIVATE KEY');
    expect(error.message).not.toContain(String(jwk.d).slice(0, 12));
  });
});

describe('connections: the event hook secret of older versions', () => {
  it('no longer reads eventHookSecret from a connection secret, and loads the connection anyway', async () => {
    const connection = await loaded({
      domain: 'acme.okta.com',
      auth: { type: 'api-token', token: TOKEN },
      eventHookSecret: 'hook-1',
      previousEventHookSecret: { not: 'checked any more' },
    });
    expect(connection).toEqual({
      name: 'acme',
      baseUrl: 'https://acme.okta.com',
      auth: { type: 'api-token', token: TOKEN },
    });
  });
});

describe('connections: saving a rotated refresh token', () => {
  it('writes the new refresh token into the secret and keeps every other field', async () => {
    const stored = {
      domain: 'acme.okta.com',
      auth: {
        type: 'authorization-code',
        clientId: '0oa2',
        clientSecret: 'cs',
        scopes: ['okta.users.read'],
        refreshToken: 'old',
      },
      eventHookSecret: 'h',
      note: 'kept',
    };
    secretIs(stored);
    sm.on(PutSecretValueCommand).resolves({});
    const connection = await loadConnection('acme', { secrets, cfg });
    await saveRefreshToken(connection, 'new-refresh', { secrets, cfg });
    const put = sm.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(put?.SecretId).toBe('okta-connector/acme');
    expect(JSON.parse(put?.SecretString ?? '')).toEqual({
      ...stored,
      auth: { ...stored.auth, refreshToken: 'new-refresh' },
    });
    expect(connection.auth).toMatchObject({ refreshToken: 'new-refresh' });
  });

  it('gives an InternalError without the token when the write fails', async () => {
    secretIs({
      domain: 'acme.okta.com',
      auth: { type: 'authorization-code', clientId: '0oa2', clientSecret: 'cs', scopes: ['a'] },
    });
    sm.on(PutSecretValueCommand).rejects(new Error('AccessDenied'));
    const connection = await loadConnection('acme', { secrets, cfg });
    const error = await saveRefreshToken(connection, 'new-refresh-secret', { secrets, cfg }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'InternalError' });
    expect((error as Error).message).not.toContain('new-refresh-secret');
  });
});
