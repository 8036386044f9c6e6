import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  DescribeKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
  type KeyMetadata,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { calculateJwkThumbprint, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { clientAssertion } from '../../../../functions/lib/auth/client-assertion.js';
import { kmsPublicJwk, kmsSigner } from '../../../../functions/lib/auth/kms-signing-key.js';
import type { ClientCredentialsAuth } from '../../../../functions/lib/connections.js';
import { match } from '../../../support/match.js';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const TOKEN_URL = 'https://acme.okta.com/oauth2/v1/token';
const NOW = Date.UTC(2026, 10, 29, 9, 0, 0);
const curves: Record<string, string> = { ECC_NIST_P256: 'P-256', ECC_NIST_P384: 'P-384', ECC_NIST_P521: 'P-521' };
const pairs = new Map<string, { publicKey: KeyObject; privateKey: KeyObject }>();

function pairOf(keySpec: string) {
  const known = pairs.get(keySpec);
  if (known) return known;
  const pair = keySpec.startsWith('RSA_')
    ? generateKeyPairSync('rsa', { modulusLength: Number(keySpec.slice(4)) })
    : generateKeyPairSync('ec', { namedCurve: curves[keySpec] ?? 'secp256k1' });
  pairs.set(keySpec, pair);
  return pair;
}

/** A KMS client whose DescribeKey says `metadata` and whose Sign signs as KMS does (DER for ECDSA). */
function fakeKms(keySpec = 'ECC_NIST_P256', metadata: Partial<KeyMetadata> = {}) {
  const { publicKey, privateKey } = pairOf(keySpec);
  const client = new KMSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const kms = mockClient(client);
  kms.on(DescribeKeyCommand).resolves({
    KeyMetadata: {
      KeyId: KEY_ID,
      KeySpec: keySpec as never,
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
      ...metadata,
    },
  });
  kms.on(SignCommand).callsFake((input: SignCommandInput) => {
    const algorithm = String(input.SigningAlgorithm);
    const hash = `sha${algorithm.slice(-3)}`;
    const message = Buffer.from(input.Message as Uint8Array);
    const signature = algorithm.startsWith('ECDSA_')
      ? sign(hash, message, { key: privateKey, dsaEncoding: 'der' })
      : sign(hash, message, privateKey);
    return { KeyId: KEY_ID, Signature: new Uint8Array(signature), SigningAlgorithm: algorithm };
  });
  kms.on(GetPublicKeyCommand).resolves({
    KeyId: KEY_ID,
    KeySpec: keySpec as never,
    KeyUsage: (metadata.KeyUsage ?? 'SIGN_VERIFY') as never,
    PublicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
  });
  return { client, kms, publicKey };
}

const auth = (kmsKeyId = KEY_ID): ClientCredentialsAuth => ({
  type: 'client-credentials',
  clientId: '0oaService',
  kmsKeyId,
  keyId: 'kid-kms',
  scopes: ['okta.users.read'],
});

async function refusal(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: Error) => error,
  );
}

describe('client assertion signed by AWS KMS', () => {
  it.each([
    ['RSA_2048', 'RS256', 'RSASSA_PKCS1_V1_5_SHA_256'],
    ['ECC_NIST_P256', 'ES256', 'ECDSA_SHA_256'],
    ['ECC_NIST_P384', 'ES384', 'ECDSA_SHA_384'],
    ['ECC_NIST_P521', 'ES512', 'ECDSA_SHA_512'],
  ])('signs with a %s key as %s (KMS %s, RAW), and verifies with its public key', async (keySpec, alg, algorithm) => {
    const { client, kms, publicKey } = fakeKms(keySpec);

    const assertion = await clientAssertion(auth(), TOKEN_URL, NOW, { connection: 'acme', kms: client });

    const { payload, protectedHeader } = await jwtVerify(assertion, publicKey, {
      issuer: '0oaService',
      subject: '0oaService',
      audience: TOKEN_URL,
      currentDate: new Date(NOW),
      algorithms: [alg],
    });
    expect(protectedHeader).toEqual({ alg, kid: 'kid-kms', typ: 'JWT' });
    expect(payload).toMatchObject({ iat: NOW / 1000, exp: NOW / 1000 + 300 });
    expect(kms.commandCalls(SignCommand)[0]?.args[0].input).toMatchObject({
      KeyId: KEY_ID,
      MessageType: 'RAW',
      SigningAlgorithm: algorithm,
    });
  });

  it('asks DescribeKey once per key in a container, and Sign for every assertion (each with its own jti)', async () => {
    const { client, kms } = fakeKms();
    const assertions = [];
    for (let i = 0; i < 3; i += 1) assertions.push(await clientAssertion(auth(), TOKEN_URL, NOW, { kms: client }));
    await clientAssertion(auth('alias/other'), TOKEN_URL, NOW, { kms: client });

    const jtis = assertions.map(
      (a) => (JSON.parse(Buffer.from(a.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti,
    );
    expect(new Set(jtis).size).toBe(3);
    expect(kms.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual([KEY_ID, 'alias/other']);
    expect(kms.commandCalls(SignCommand)).toHaveLength(4);
  });

  it('asks DescribeKey again after it failed (a failure is not kept)', async () => {
    const { client, kms } = fakeKms();
    kms
      .on(DescribeKeyCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ KeyMetadata: { KeyId: KEY_ID, KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' } });

    await expect(kmsSigner(KEY_ID, { connection: 'acme', client })).rejects.toMatchObject({ name: 'InternalError' });
    await expect(kmsSigner(KEY_ID, { connection: 'acme', client })).resolves.toMatchObject({ alg: 'ES256' });
    expect(kms.commandCalls(DescribeKeyCommand)).toHaveLength(2);
  });

  it.each([
    ['an ENCRYPT_DECRYPT key', 'RSA_2048', { KeyUsage: 'ENCRYPT_DECRYPT' }, 'key usage ENCRYPT_DECRYPT'],
    ['a secp256k1 key (ES256K, which Okta does not accept)', 'ECC_SECG_P256K1', {}, 'is a ECC_SECG_P256K1 key'],
    ['a symmetric key', 'RSA_2048', { KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' }, 'SIGN_VERIFY'],
    ['a disabled key', 'ECC_NIST_P256', { KeyState: 'Disabled' }, 'is Disabled, not Enabled'],
    ['a key pending deletion', 'ECC_NIST_P256', { KeyState: 'PendingDeletion' }, 'is PendingDeletion'],
  ])('refuses %s before any Sign, saying why', async (_case, keySpec, metadata, problem) => {
    const { client, kms } = fakeKms(keySpec, metadata as Partial<KeyMetadata>);

    const error = await refusal(clientAssertion(auth(), TOKEN_URL, NOW, { connection: 'acme', kms: client }));

    expect(error.name).toBe('InternalError');
    expect(error.message).toMatch(/^Sign-in of connection "acme" failed: /);
    expect(error.message).toContain(problem);
    expect(kms.commandCalls(SignCommand)).toHaveLength(0);
  });

  it.each([
    ['NotFoundException', 'check auth.kmsKeyId'],
    ['AccessDeniedException', 'grant it kms:Sign and kms:DescribeKey'],
    ['DisabledException', 'the key is disabled'],
    ['KMSInvalidStateException', 'not usable in its current state'],
    ['InvalidKeyUsageException', 'use a SIGN_VERIFY key'],
    ['ThrottlingException', 'try again'],
    ['KMSInternalException', 'try again'],
  ])('turns a Sign refused with %s into an InternalError that says what to do', async (code, hint) => {
    const { client, kms } = fakeKms();
    // KMS's own message names the caller's role: it must not reach the connector's caller.
    const leak = 'User: arn:aws:sts::111122223333:assumed-role/secret-role/fn is not authorized';
    kms.on(SignCommand).rejects(Object.assign(new Error(leak), { name: code }));

    const error = await refusal(clientAssertion(auth(), TOKEN_URL, NOW, { connection: 'acme', kms: client }));

    expect(error.name).toBe('InternalError');
    expect(error.message).toContain(`AWS KMS Sign of the key in auth.kmsKeyId refused (${code})`);
    expect(error.message).toContain(hint);
    expect(error.message).not.toContain('secret-role');
  });

  it('refuses a Sign answer that is not a DER ECDSA signature', async () => {
    const { client, kms } = fakeKms();
    kms.on(SignCommand).resolves({ KeyId: KEY_ID, Signature: new Uint8Array(64).fill(7) });

    const error = await refusal(clientAssertion(auth(), TOKEN_URL, NOW, { connection: 'acme', kms: client }));

    expect(error).toMatchObject({ name: 'InternalError', message: match.stringContaining('not DER ECDSA') });
  });
});

describe('the public JWK of a KMS key', () => {
  it('is the EC public key with its RFC 7638 thumbprint as kid, ES256 and use sig', async () => {
    const { client, publicKey } = fakeKms('ECC_NIST_P256');

    const jwk = await kmsPublicJwk(KEY_ID, { connection: 'acme', client });

    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
    expect(jwk).toEqual({
      kty,
      crv,
      x,
      y,
      kid: await calculateJwkThumbprint({ kty, crv, x, y }),
      alg: 'ES256',
      use: 'sig',
    });
  });

  it('is the RSA public key with RS256 for an RSA_2048 key, the kid the same on every call', async () => {
    const { client } = fakeKms('RSA_2048');

    const first = await kmsPublicJwk(KEY_ID, { connection: 'acme', client });
    const second = await kmsPublicJwk(KEY_ID, { connection: 'acme', client });

    expect(first).toMatchObject({ kty: 'RSA', e: 'AQAB', alg: 'RS256', use: 'sig' });
    expect(second.kid).toBe(first.kid);
  });

  it('verifies the assertions KMS signs under the kid it gives', async () => {
    const { client, publicKey } = fakeKms('ECC_NIST_P256');
    const jwk = await kmsPublicJwk(KEY_ID, { connection: 'acme', client });

    const assertion = await clientAssertion({ ...auth(), keyId: jwk.kid }, TOKEN_URL, NOW, { kms: client });

    expect(decodeProtectedHeader(assertion).kid).toBe(jwk.kid);
    await expect(jwtVerify(assertion, publicKey, { currentDate: new Date(NOW) })).resolves.toBeDefined();
  });

  it('refuses a key that cannot sign, naming its usage', async () => {
    const { client } = fakeKms('RSA_2048', { KeyUsage: 'ENCRYPT_DECRYPT' });

    await expect(kmsPublicJwk(KEY_ID, { connection: 'acme', client })).rejects.toMatchObject({
      name: 'InternalError',
      message: match.stringContaining('key usage ENCRYPT_DECRYPT; a client assertion needs a SIGN_VERIFY key'),
    });
  });
});
