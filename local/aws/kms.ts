/**
 * A local AWS KMS endpoint over the AWS JSON 1.1 protocol (`TrentService`): `CreateKey`, `DescribeKey`,
 * `GetPublicKey`, `Sign`, `EnableKey`/`DisableKey` and `CreateAlias`, for asymmetric keys made with node:crypto. It
 * answers as KMS does (key ARNs, DER SubjectPublicKeyInfo public keys, DER ECDSA signatures, KMS's error codes), so
 * the connector's real `KMSClient` runs against it unchanged. Symmetric and encryption keys can be created, so that
 * using one for signing fails as it does in AWS; the endpoint encrypts nothing.
 */
import { generateKeyPair, sign, constants, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { AwsError, epochSeconds, startJsonProtocolServer } from './json-protocol.js';

const REGION = 'us-east-1';
const ACCOUNT_ID = '000000000000';
const generate = promisify(generateKeyPair);

type KeyUsage = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC' | 'KEY_AGREEMENT';

interface SpecInfo {
  usages: KeyUsage[];
  signing?: string[];
  encryption?: string[];
  /** How node:crypto makes its key pair; none for the key specs the endpoint only describes. */
  pair?: () => Promise<{ publicKey: KeyObject; privateKey: KeyObject }>;
}

const RSA_SIGNING = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
];
const rsa = (modulusLength: number): SpecInfo => ({
  usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  signing: RSA_SIGNING,
  encryption: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'],
  pair: () => generate('rsa', { modulusLength }),
});
const ecc = (namedCurve: string, algorithm: string): SpecInfo => ({
  usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  signing: [algorithm],
  pair: () => generate('ec', { namedCurve }),
});

/** The key specs of KMS, with the usages KMS allows for each (AWS KMS Developer Guide, "Key spec reference"). */
const SPECS: Record<string, SpecInfo> = {
  SYMMETRIC_DEFAULT: { usages: ['ENCRYPT_DECRYPT'], encryption: ['SYMMETRIC_DEFAULT'] },
  RSA_2048: rsa(2048),
  RSA_3072: rsa(3072),
  RSA_4096: rsa(4096),
  ECC_NIST_P256: ecc('prime256v1', 'ECDSA_SHA_256'),
  ECC_NIST_P384: ecc('secp384r1', 'ECDSA_SHA_384'),
  ECC_NIST_P521: ecc('secp521r1', 'ECDSA_SHA_512'),
  ECC_SECG_P256K1: ecc('secp256k1', 'ECDSA_SHA_256'),
  HMAC_256: { usages: ['GENERATE_VERIFY_MAC'] },
};

interface Key {
  keyId: string;
  arn: string;
  keySpec: string;
  keyUsage: KeyUsage;
  description: string;
  createdDate: Date;
  enabled: boolean;
  pair?: { publicKey: KeyObject; privateKey: KeyObject };
}

export interface LocalKms {
  url: string;
  /** Creates a key as `CreateKey` does (SIGN_VERIFY unless told); returns its key id. */
  createKey: (keySpec?: string, keyUsage?: KeyUsage) => Promise<string>;
  /** Calls of each operation so far, by name (`Sign`, `DescribeKey`...). */
  calls: (operation: string) => number;
  /** Answers the next `count` calls of `operation` with the error `code` (e.g. `ThrottlingException`). */
  failNext: (operation: string, code: string, count?: number) => void;
  close: () => Promise<void>;
}

/** Starts the local KMS endpoint on 127.0.0.1:`port` (0 = any free port). */
export async function startLocalKms(port = 0): Promise<LocalKms> {
  const keys = new Map<string, Key>();
  const aliases = new Map<string, string>();
  const callCounts = new Map<string, number>();
  const faults: Array<{ operation: string; code: string; left: number }> = [];

  const find = (keyIdInput: unknown): Key => {
    if (typeof keyIdInput !== 'string' || keyIdInput === '') throw validation('keyId', 'Member must not be null');
    const keyId = resolveKeyId(keyIdInput, aliases);
    const key = keyId === undefined ? undefined : keys.get(keyId);
    if (key) return key;
    if (keyIdInput.includes('alias/'))
      throw new AwsError('NotFoundException', `Alias ${aliasArn(keyIdInput)} is not found.`);
    if (keyId === undefined) throw new AwsError('NotFoundException', `Invalid keyId '${keyIdInput}'`);
    throw new AwsError('NotFoundException', `Key '${keyArn(keyId)}' does not exist`);
  };

  const createKey = async (input: Record<string, unknown>) => {
    const keySpec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
    const spec = typeof keySpec === 'string' ? SPECS[keySpec] : undefined;
    if (!spec) throw validation('keySpec', `Member must satisfy enum value set: [${Object.keys(SPECS).join(', ')}]`);
    const keyUsage = (input.KeyUsage ?? 'ENCRYPT_DECRYPT') as KeyUsage;
    if (!spec.usages.includes(keyUsage)) {
      throw new AwsError(
        'ValidationException',
        `KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec as string}`,
      );
    }
    const keyId = crypto.randomUUID();
    const key: Key = {
      keyId,
      arn: keyArn(keyId),
      keySpec: keySpec as string,
      keyUsage,
      description: typeof input.Description === 'string' ? input.Description : '',
      createdDate: new Date(),
      enabled: true,
      pair: spec.pair ? await spec.pair() : undefined,
    };
    keys.set(keyId, key);
    return { KeyMetadata: metadata(key) };
  };

  const describeKey = (input: Record<string, unknown>) => ({ KeyMetadata: metadata(find(input.KeyId)) });

  const getPublicKey = (input: Record<string, unknown>) => {
    const key = find(input.KeyId);
    if (!key.pair) {
      throw new AwsError(
        'UnsupportedOperationException',
        `${key.arn} key usage is ${key.keyUsage} and has no public key.`,
      );
    }
    if (!key.enabled) throw new AwsError('DisabledException', `${key.arn} is disabled.`);
    const spec = SPECS[key.keySpec]!;
    return {
      KeyId: key.arn,
      PublicKey: key.pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      KeySpec: key.keySpec,
      CustomerMasterKeySpec: key.keySpec,
      KeyUsage: key.keyUsage,
      ...(key.keyUsage === 'SIGN_VERIFY' ? { SigningAlgorithms: spec.signing } : {}),
      ...(key.keyUsage === 'ENCRYPT_DECRYPT' ? { EncryptionAlgorithms: spec.encryption } : {}),
    };
  };

  const signOperation = (input: Record<string, unknown>) => {
    const key = find(input.KeyId);
    if (typeof input.Message !== 'string') throw validation('message', 'Member must not be null');
    if (typeof input.SigningAlgorithm !== 'string') throw validation('signingAlgorithm', 'Member must not be null');
    const message = Buffer.from(input.Message, 'base64');
    if (message.length < 1 || message.length > 4096) {
      throw validation('message', 'Member must have length less than or equal to 4096');
    }
    const messageType = input.MessageType ?? 'RAW';
    if (messageType !== 'RAW') {
      // node:crypto cannot sign a digest it did not compute; the connector sends RAW messages only.
      throw new AwsError('UnsupportedOperationException', 'The local KMS signs MessageType RAW only.');
    }
    if (!key.enabled) throw new AwsError('DisabledException', `${key.arn} is disabled.`);
    if (key.keyUsage !== 'SIGN_VERIFY' || !key.pair) {
      throw new AwsError(
        'InvalidKeyUsageException',
        `${key.arn} key usage is ${key.keyUsage} which is not valid for Sign.`,
      );
    }
    const algorithm = input.SigningAlgorithm;
    if (!SPECS[key.keySpec]!.signing!.includes(algorithm)) {
      throw new AwsError(
        'InvalidKeyUsageException',
        `Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`,
      );
    }
    return {
      KeyId: key.arn,
      Signature: signWith(key.pair.privateKey, algorithm, message).toString('base64'),
      SigningAlgorithm: algorithm,
    };
  };

  const setEnabled = (enabled: boolean) => (input: Record<string, unknown>) => {
    find(input.KeyId).enabled = enabled;
    return {};
  };

  const createAlias = (input: Record<string, unknown>) => {
    const name = input.AliasName;
    if (typeof name !== 'string' || !/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(name)) {
      throw validation('aliasName', 'Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$');
    }
    if (name.startsWith('alias/aws/'))
      throw new AwsError('NotAuthorizedException', 'Cannot create alias with prefix alias/aws/.');
    if (aliases.has(name))
      throw new AwsError('AlreadyExistsException', `An alias with the name ${aliasArn(name)} already exists`);
    aliases.set(name, find(input.TargetKeyId).keyId);
    return {};
  };

  const running = await startJsonProtocolServer(
    {
      targetPrefix: 'TrentService',
      operations: {
        CreateKey: createKey,
        DescribeKey: describeKey,
        GetPublicKey: getPublicKey,
        Sign: signOperation,
        EnableKey: setEnabled(true),
        DisableKey: setEnabled(false),
        CreateAlias: createAlias,
      },
      beforeOperation: (operation) => {
        callCounts.set(operation, (callCounts.get(operation) ?? 0) + 1);
        const fault = faults.find((f) => f.operation === operation && f.left > 0);
        if (fault) {
          fault.left -= 1;
          throw new AwsError(fault.code, `Injected ${fault.code}`, fault.code === 'KMSInternalException' ? 500 : 400);
        }
      },
    },
    port,
  );

  return {
    url: running.url,
    createKey: async (keySpec = 'ECC_NIST_P256', keyUsage = 'SIGN_VERIFY') =>
      (await createKey({ KeySpec: keySpec, KeyUsage: keyUsage })).KeyMetadata.KeyId,
    calls: (operation) => callCounts.get(operation) ?? 0,
    failNext: (operation, code, count = 1) => void faults.push({ operation, code, left: count }),
    close: running.close,
  };
}

function metadata(key: Key) {
  const spec = SPECS[key.keySpec]!;
  return {
    AWSAccountId: ACCOUNT_ID,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: epochSeconds(key.createdDate),
    Enabled: key.enabled,
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.enabled ? 'Enabled' : 'Disabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    MultiRegion: false,
    ...(key.keyUsage === 'SIGN_VERIFY' ? { SigningAlgorithms: spec.signing } : {}),
    ...(key.keyUsage === 'ENCRYPT_DECRYPT' ? { EncryptionAlgorithms: spec.encryption } : {}),
  };
}

/** A DER signature, as KMS returns it (ECDSA: the ASN.1 SEQUENCE of r and s, not JOSE's r||s). */
function signWith(privateKey: KeyObject, algorithm: string, message: Buffer): Buffer {
  const hash = `sha${algorithm.slice(-3)}`;
  if (algorithm.startsWith('ECDSA_')) return sign(hash, message, { key: privateKey, dsaEncoding: 'der' });
  if (algorithm.startsWith('RSASSA_PSS_')) {
    return sign(hash, message, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: Number(algorithm.slice(-3)) / 8,
    });
  }
  return sign(hash, message, privateKey);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY_ARN = /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/(.+)$/;
const ALIAS_ARN = /^arn:aws:kms:[a-z0-9-]+:\d{12}:(alias\/.+)$/;

/** The key id a `KeyId` parameter names (a key id, key ARN, alias name or alias ARN); undefined when malformed. */
function resolveKeyId(value: string, aliases: Map<string, string>): string | undefined {
  const alias = value.startsWith('alias/') ? value : ALIAS_ARN.exec(value)?.[1];
  if (alias !== undefined) return aliases.get(alias);
  const keyId = KEY_ARN.exec(value)?.[1] ?? value;
  return UUID.test(keyId) ? keyId : undefined;
}

function keyArn(keyId: string): string {
  return `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${keyId}`;
}

function aliasArn(alias: string): string {
  return alias.startsWith('arn:') ? alias : `arn:aws:kms:${REGION}:${ACCOUNT_ID}:${alias}`;
}

/** KMS's wording for a parameter that fails its constraints. */
function validation(field: string, constraint: string): AwsError {
  return new AwsError(
    'ValidationException',
    `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
