import { createPublicKey, verify } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisabledException,
  EnableKeyCommand,
  GetPublicKeyCommand,
  InvalidKeyUsageException,
  KMSClient,
  NotFoundException,
  SignCommand,
  UnsupportedOperationException,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';

// The real SDK client, configured only through the AWS_ENDPOINT_URL_KMS environment variable.
let aws: LocalAws;
let client: KMSClient;
const savedEnv = { ...process.env };
const message = new TextEncoder().encode('header.payload');

beforeAll(async () => {
  aws = await startLocalAws();
  Object.assign(process.env, aws.env());
  client = new KMSClient({ maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await aws.close();
  process.env = savedEnv;
});

const createKey = async (keySpec: string, keyUsage = 'SIGN_VERIFY') =>
  (await client.send(new CreateKeyCommand({ KeySpec: keySpec as never, KeyUsage: keyUsage as never }))).KeyMetadata!;

describe('local KMS: keys', () => {
  it('creates an ECC_NIST_P256 signing key and describes it as KMS does', async () => {
    const key = await createKey('ECC_NIST_P256');
    const described = await client.send(new DescribeKeyCommand({ KeyId: key.KeyId }));

    expect(key.Arn).toBe(`arn:aws:kms:us-east-1:000000000000:key/${key.KeyId}`);
    expect(described.KeyMetadata).toMatchObject({
      KeyId: key.KeyId,
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
      Enabled: true,
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    expect(described.KeyMetadata?.CreationDate).toBeInstanceOf(Date);
  });

  it('finds a key by its ARN, an alias name and an alias ARN', async () => {
    const key = await createKey('RSA_2048');
    await client.send(new CreateAliasCommand({ AliasName: 'alias/okta-connector/by-alias', TargetKeyId: key.KeyId }));

    for (const keyId of [
      key.Arn,
      'alias/okta-connector/by-alias',
      'arn:aws:kms:us-east-1:000000000000:alias/okta-connector/by-alias',
    ]) {
      expect((await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyId).toBe(key.KeyId);
    }
  });

  it('gives the public key as DER SubjectPublicKeyInfo with the signing algorithms', async () => {
    const key = await createKey('ECC_NIST_P256');
    const answer = await client.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    const publicKey = createPublicKey({ key: Buffer.from(answer.PublicKey!), format: 'der', type: 'spki' });

    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(answer).toMatchObject({ KeyId: key.Arn, KeySpec: 'ECC_NIST_P256', SigningAlgorithms: ['ECDSA_SHA_256'] });
  });

  it('refuses a key usage the key spec does not allow with ValidationException', async () => {
    await expect(createKey('ECC_NIST_P256', 'ENCRYPT_DECRYPT')).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('refuses an unknown key spec with ValidationException', async () => {
    await expect(createKey('RSA_1024')).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('answers NotFoundException for a key, an alias and a key id that do not exist', async () => {
    for (const keyId of ['0b4a44a4-0000-4000-8000-000000000000', 'alias/missing', 'not a key id']) {
      await expect(client.send(new DescribeKeyCommand({ KeyId: keyId }))).rejects.toBeInstanceOf(NotFoundException);
    }
  });

  it('has no public key for a symmetric key (UnsupportedOperationException)', async () => {
    const key = await createKey('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT');
    await expect(client.send(new GetPublicKeyCommand({ KeyId: key.KeyId }))).rejects.toBeInstanceOf(
      UnsupportedOperationException,
    );
  });
});

describe('local KMS: Sign', () => {
  it('signs a RAW message with ECDSA_SHA_256 as a DER signature that verifies with the public key', async () => {
    const key = await createKey('ECC_NIST_P256');
    const signed = await client.send(
      new SignCommand({ KeyId: key.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    const publicKey = await client.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    const spki = createPublicKey({ key: Buffer.from(publicKey.PublicKey!), format: 'der', type: 'spki' });
    const signature = Buffer.from(signed.Signature!);

    // DER: a SEQUENCE (0x30) of two INTEGERs, 70 to 72 bytes for P-256, not JOSE's 64 bytes of r || s.
    expect(signature[0]).toBe(0x30);
    expect(signature.length).toBeGreaterThanOrEqual(68);
    expect(verify('sha256', message, { key: spki, dsaEncoding: 'der' }, signature)).toBe(true);
    expect(signed).toMatchObject({ KeyId: key.Arn, SigningAlgorithm: 'ECDSA_SHA_256' });
  });

  it('signs with RSASSA_PKCS1_V1_5_SHA_256 on an RSA_2048 key', async () => {
    const key = await createKey('RSA_2048');
    const signed = await client.send(
      new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }),
    );
    const publicKey = await client.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    const spki = createPublicKey({ key: Buffer.from(publicKey.PublicKey!), format: 'der', type: 'spki' });

    expect(verify('sha256', message, spki, Buffer.from(signed.Signature!))).toBe(true);
  });

  it('refuses an algorithm of another key spec with InvalidKeyUsageException', async () => {
    const key = await createKey('ECC_NIST_P256');
    await expect(
      client.send(
        new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }),
      ),
    ).rejects.toBeInstanceOf(InvalidKeyUsageException);
  });

  it('refuses to sign with an ENCRYPT_DECRYPT key (InvalidKeyUsageException)', async () => {
    const key = await createKey('RSA_2048', 'ENCRYPT_DECRYPT');
    await expect(
      client.send(
        new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }),
      ),
    ).rejects.toBeInstanceOf(InvalidKeyUsageException);
  });

  it('refuses a disabled key with DisabledException until it is enabled again', async () => {
    const key = await createKey('ECC_NIST_P256');
    await client.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    const sign = () =>
      client.send(new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }));

    await expect(sign()).rejects.toBeInstanceOf(DisabledException);
    expect((await client.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe('Disabled');
    await client.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    await expect(sign()).resolves.toMatchObject({ SigningAlgorithm: 'ECDSA_SHA_256' });
  });

  it('refuses a message over 4096 bytes with ValidationException', async () => {
    const key = await createKey('ECC_NIST_P256');
    await expect(
      client.send(
        new SignCommand({ KeyId: key.KeyId, Message: new Uint8Array(4097), SigningAlgorithm: 'ECDSA_SHA_256' }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('answers an injected fault to the next call only, and counts the calls', async () => {
    const key = await createKey('ECC_NIST_P256');
    const before = aws.kms.calls('Sign');
    aws.kms.failNext('Sign', 'ThrottlingException');
    const sign = () =>
      client.send(new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }));

    await expect(sign()).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(sign()).resolves.toMatchObject({ KeyId: key.Arn });
    expect(aws.kms.calls('Sign') - before).toBe(2);
  });
});
