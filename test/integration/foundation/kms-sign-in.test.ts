/**
 * Issue 16 part 4 on the real wire: client-credentials connections whose key is held in the local KMS, reached by
 * the connector's own KMS client through AWS_ENDPOINT_URL_KMS; the simulated org's token endpoint verifies each
 * assertion with the public key registered for the app, as Okta does.
 */
import { CreateKeyCommand, DisableKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmsPublicJwk } from '../../../functions/lib/auth/kms-signing-key.js';
import { oktaClient } from '../../../functions/lib/okta/client-cache.js';
import type { LocalFunction, LocalRuntime } from '../../../local/runtime.js';
import { countRequests, localRuntimeFor, startSandbox, type Sandbox } from './sandbox.js';
import { match } from '../../support/match.js';

let sandbox: Sandbox;
let kms: KMSClient;
const SCOPES = ['okta.users.read', 'okta.groups.read'];

beforeAll(async () => {
  sandbox = await startSandbox();
  kms = new KMSClient({});
});
afterAll(async () => {
  kms.destroy();
  await sandbox.close();
});

async function createKey(keySpec: 'ECC_NIST_P256' | 'RSA_2048'): Promise<string> {
  const created = await kms.send(new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: 'SIGN_VERIFY' }));
  return created.KeyMetadata!.KeyId!;
}

/**
 * Registers a service app trusting the public key of `registeredKeyId` (as an admin pastes the JWK the CLI
 * prints) and stores connection `name` signing with `signingKeyId`, under the registered key's kid.
 */
async function kmsConnection(name: string, registeredKeyId: string, signingKeyId = registeredKeyId) {
  const jwk = await kmsPublicJwk(registeredKeyId, { connection: name, client: kms });
  const { body: client } = await sandbox.admin.control<{ clientId: string }>('POST', '/__sim/oauth-clients', {
    label: `okta-connector ${name}`,
    tokenEndpointAuthMethod: 'private_key_jwt',
    grantTypes: ['client_credentials'],
    jwks: [jwk],
    grantedScopes: SCOPES,
  });
  sandbox.aws.secrets.put(`okta-connector/${name}`, {
    domain: sandbox.sim.url,
    auth: {
      type: 'client-credentials',
      clientId: client.clientId,
      kmsKeyId: signingKeyId,
      keyId: jwk.kid,
      scopes: SCOPES,
    },
  });
  return { clientId: client.clientId, jwk };
}

/** The client assertions the org received, as sent. */
function watchAssertions() {
  const assertions: string[] = [];
  const statuses: number[] = [];
  const stop = sandbox.sim.observe((req, res) => {
    if (req.path !== '/oauth2/v1/token') return;
    assertions.push(String((req.body as Record<string, string>).client_assertion));
    statuses.push(res.status);
  });
  return { assertions, statuses, stop };
}

describe('sign-in with a key held in AWS KMS', () => {
  it.each([
    ['ECC_NIST_P256', 'ES256'],
    ['RSA_2048', 'RS256'],
  ] as const)(
    'signs the assertion with a %s key (%s), which the org verifies with the registered key; one Sign for 10 calls',
    async (keySpec, alg) => {
      const name = `kms-${keySpec.toLowerCase()}`;
      await kmsConnection(name, await createKey(keySpec));
      const signsBefore = sandbox.aws.kms.calls('Sign');
      const counter = countRequests(sandbox.sim);
      const watch = watchAssertions();

      const okta = await oktaClient(name);
      for (let i = 0; i < 10; i += 1) await okta.request({ method: 'GET', path: '/api/v1/users', query: { limit: 1 } });
      counter.stop();
      watch.stop();

      expect(watch.statuses).toEqual([200]);
      expect(decodeProtectedHeader(watch.assertions[0]!)).toMatchObject({ alg });
      expect(counter.token()).toBe(1);
      expect(counter.api()).toBe(10);
      expect(sandbox.aws.kms.calls('Sign') - signsBefore).toBe(1);
    },
  );

  it('is refused by the org (OktaAuthFailed, invalid_client) when the app trusts another key', async () => {
    await kmsConnection('kms-other-key', await createKey('ECC_NIST_P256'), await createKey('ECC_NIST_P256'));

    const okta = await oktaClient('kms-other-key');
    await expect(okta.request({ method: 'GET', path: '/api/v1/users', query: { limit: 1 } })).rejects.toMatchObject({
      name: 'OktaAuthFailed',
      oktaErrorCode: 'invalid_client',
    });
  });

  it("is refused by the org when it carries KMS's DER signature unconverted (the org checks r || s)", async () => {
    const keyId = await createKey('ECC_NIST_P256');
    const { clientId, jwk } = await kmsConnection('kms-der', keyId);
    const tokenUrl = `${sandbox.sim.url}/oauth2/v1/token`;
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const iat = Math.floor(Date.now() / 1000);
    const input = `${part({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })}.${part({ iss: clientId, sub: clientId, aud: tokenUrl, iat, exp: iat + 300, jti: crypto.randomUUID() })}`;
    const signed = await kms.send(
      new SignCommand({
        KeyId: keyId,
        Message: Buffer.from(input),
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );

    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: SCOPES.join(' '),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: `${input}.${Buffer.from(signed.Signature!).toString('base64url')}`,
      }),
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('fails with InternalError naming the key state, and sends no grant, when the key is disabled', async () => {
    const keyId = await createKey('ECC_NIST_P256');
    await kmsConnection('kms-disabled', keyId);
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    const counter = countRequests(sandbox.sim);

    const error = await (
      await oktaClient('kms-disabled')
    )
      .request({ method: 'GET', path: '/api/v1/users', query: { limit: 1 } })
      .catch((e: Error) => e);
    counter.stop();

    expect(error).toMatchObject({
      name: 'InternalError',
      message: match.stringContaining('is Disabled, not Enabled'),
    });
    expect(counter.token()).toBe(0);
  });

  it('signs in through a throttled Sign: the SDK retries it (the fault fired: two Sign calls)', async () => {
    await kmsConnection('kms-throttled', await createKey('ECC_NIST_P256'));
    const signsBefore = sandbox.aws.kms.calls('Sign');
    sandbox.aws.kms.failNext('Sign', 'ThrottlingException');

    const okta = await oktaClient('kms-throttled');
    await expect(okta.request({ method: 'GET', path: '/api/v1/users', query: { limit: 1 } })).resolves.toMatchObject({
      status: 200,
    });
    expect(sandbox.aws.kms.calls('Sign') - signsBefore).toBe(2);
  });
});

describe('sign-in with a key in AWS KMS in the isolated runtime', () => {
  let runtime: LocalRuntime;
  const fn: LocalFunction = { name: 'get-user', entry: 'functions/actions/get-user.ts', reservedConcurrency: 3 };

  beforeAll(() => {
    runtime = localRuntimeFor(sandbox);
  });
  afterAll(() => runtime.close());

  it('has each container describe the key once and sign once for its token, over three rounds of calls', async () => {
    await kmsConnection('kms-runtime', await createKey('ECC_NIST_P256'));
    const describesBefore = sandbox.aws.kms.calls('DescribeKey');
    const signsBefore = sandbox.aws.kms.calls('Sign');
    const login = (sandbox.sim.org.users()[0]?.profile as { login: string }).login;

    for (let round = 0; round < 3; round += 1) {
      const outcomes = await Promise.all(
        Array.from({ length: 3 }, () => runtime.invoke(fn, { userId: login, connection: 'kms-runtime' })),
      );
      expect(outcomes.map((o) => (o.ok ? 'ok' : `${o.error.errorType}: ${o.error.errorMessage}`))).toEqual([
        'ok',
        'ok',
        'ok',
      ]);
    }
    const containers = runtime.stats().functions.find((f) => f.functionName === 'okta-connector-get-user')!.containers;

    expect(containers.length).toBeGreaterThanOrEqual(2);
    expect(sandbox.aws.kms.calls('DescribeKey') - describesBefore).toBe(containers.length);
    expect(sandbox.aws.kms.calls('Sign') - signsBefore).toBe(containers.length);
  }, 60_000);
});
