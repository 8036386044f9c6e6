/**
 * A client-assertion signing key held in AWS KMS (`auth.kmsKeyId`): the private key never leaves KMS, which signs
 * each assertion with `Sign`. The JWS algorithm follows from the key's spec, read with `DescribeKey` once per key
 * per container (a key's spec never changes); KMS's DER ECDSA signature becomes JOSE's r || s.
 *
 * Every KMS failure is an `InternalError` (docs/CONTRACT.md §2: a misconfiguration or an unexpected failure) whose
 * message names the connection, the KMS error code and what to do, never KMS's own message (it may quote the
 * caller's role and the key policy).
 */
import { createPublicKey } from 'node:crypto';
import {
  DescribeKeyCommand,
  GetPublicKeyCommand,
  SignCommand,
  type KMSClient,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { kms } from '../aws-clients.js';
import { InternalError } from '../errors.js';
import { derToJose } from './ecdsa-signature.js';

/** Signs a JWS signing input: the `alg` of its header and the signature in JWS form. */
export interface JwsSigner {
  readonly alg: 'RS256' | 'ES256' | 'ES384' | 'ES512';
  sign(data: Uint8Array): Promise<Uint8Array>;
}

interface KeySpecSigning {
  alg: JwsSigner['alg'];
  signingAlgorithm: SigningAlgorithmSpec;
  /** Bytes of each of r and s in the JOSE form (ECDSA only). */
  joseSize?: number;
}

/**
 * The KMS key specs a client assertion can be signed with: Okta accepts RS256/384/512 and ES256/384/512 for it
 * (okta-reference OKTA-API-FACTS.md, "Client-assertion JWT"), with RSA keys of at least 2048 bits.
 */
const SIGNING: Readonly<Record<string, KeySpecSigning>> = {
  RSA_2048: { alg: 'RS256', signingAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' },
  RSA_3072: { alg: 'RS256', signingAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' },
  RSA_4096: { alg: 'RS256', signingAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' },
  ECC_NIST_P256: { alg: 'ES256', signingAlgorithm: 'ECDSA_SHA_256', joseSize: 32 },
  ECC_NIST_P384: { alg: 'ES384', signingAlgorithm: 'ECDSA_SHA_384', joseSize: 48 },
  ECC_NIST_P521: { alg: 'ES512', signingAlgorithm: 'ECDSA_SHA_512', joseSize: 66 },
};

/** The key specs `SIGNING` knows, for messages and docs. */
export const KMS_SIGNING_KEY_SPECS = Object.keys(SIGNING);

/** A KMS call that does not answer in this time is a failure, not a wait until the function times out. */
const KMS_TIMEOUT_MS = 5_000;

/** The signers of each key, per KMS client (the container's one, or a test's). Failures are not kept. */
const signers = new WeakMap<KMSClient, Map<string, Promise<JwsSigner>>>();

export interface KmsSignerOptions {
  /** The connection, named in error messages. */
  connection: string;
  client?: KMSClient;
}

/** The signer of the KMS key `keyId`; the first call per key in a container asks KMS for the key's spec. */
export function kmsSigner(keyId: string, options: KmsSignerOptions): Promise<JwsSigner> {
  const client = options.client ?? kms();
  const known = signers.get(client) ?? new Map<string, Promise<JwsSigner>>();
  signers.set(client, known);
  const cached = known.get(keyId);
  if (cached) return cached;
  const signer = describeSigning(client, keyId, options.connection).then((signing): JwsSigner => ({
    alg: signing.alg,
    sign: (data) => kmsSign(client, keyId, options.connection, signing, data),
  }));
  known.set(keyId, signer);
  signer.catch(() => {
    if (known.get(keyId) === signer) known.delete(keyId);
  });
  return signer;
}

async function describeSigning(client: KMSClient, keyId: string, connection: string): Promise<KeySpecSigning> {
  const described = await send(connection, 'DescribeKey', () =>
    client.send(new DescribeKeyCommand({ KeyId: keyId }), { abortSignal: AbortSignal.timeout(KMS_TIMEOUT_MS) }),
  );
  const key = described.KeyMetadata;
  if (key?.KeyState !== undefined && key.KeyState !== 'Enabled') {
    throw problem(connection, `the KMS key in auth.kmsKeyId is ${key.KeyState}, not Enabled`);
  }
  return signingOf(key?.KeySpec, key?.KeyUsage, connection);
}

async function kmsSign(
  client: KMSClient,
  keyId: string,
  connection: string,
  signing: KeySpecSigning,
  data: Uint8Array,
): Promise<Uint8Array> {
  const signed = await send(connection, 'Sign', () =>
    client.send(
      new SignCommand({
        KeyId: keyId,
        Message: data,
        MessageType: 'RAW',
        SigningAlgorithm: signing.signingAlgorithm,
      }),
      { abortSignal: AbortSignal.timeout(KMS_TIMEOUT_MS) },
    ),
  );
  if (!signed.Signature) throw problem(connection, 'AWS KMS Sign answered without a signature');
  if (signing.joseSize === undefined) return signed.Signature;
  try {
    return derToJose(signed.Signature, signing.joseSize);
  } catch (error) {
    throw problem(connection, 'AWS KMS Sign answered with a signature that is not DER ECDSA', error);
  }
}

/**
 * The public key of a KMS signing key as a JWK to register with the Okta app: `kid` its RFC 7638 thumbprint (so
 * the same key always gets the same kid), `alg` and `use: "sig"`. For the CLI and the sandbox, which run with
 * `kms:GetPublicKey`; the functions never need it.
 */
export async function kmsPublicJwk(keyId: string, options: KmsSignerOptions): Promise<JWK & { kid: string }> {
  const client = options.client ?? kms();
  const answer = await send(options.connection, 'GetPublicKey', () =>
    client.send(new GetPublicKeyCommand({ KeyId: keyId }), { abortSignal: AbortSignal.timeout(KMS_TIMEOUT_MS) }),
  );
  const signing = signingOf(answer.KeySpec, answer.KeyUsage, options.connection);
  if (!answer.PublicKey) throw problem(options.connection, 'AWS KMS GetPublicKey answered without a public key');
  const { kty, n, e, crv, x, y } = createPublicKey({
    key: Buffer.from(answer.PublicKey),
    format: 'der',
    type: 'spki',
  }).export({ format: 'jwk' });
  const jwk: JWK = kty === 'EC' ? { kty, crv, x, y } : { kty, n, e };
  return { ...jwk, kid: await calculateJwkThumbprint(jwk, 'sha256'), alg: signing.alg, use: 'sig' };
}

/** How a key of this spec and usage signs an assertion; an InternalError saying why when it cannot. */
function signingOf(keySpec: string | undefined, keyUsage: string | undefined, connection: string): KeySpecSigning {
  if (keyUsage !== 'SIGN_VERIFY') {
    throw problem(
      connection,
      `the KMS key in auth.kmsKeyId has key usage ${keyUsage ?? 'unknown'}; a client assertion needs a SIGN_VERIFY key`,
    );
  }
  const signing = keySpec === undefined ? undefined : SIGNING[keySpec];
  if (!signing) {
    throw problem(
      connection,
      `the KMS key in auth.kmsKeyId is a ${keySpec ?? 'unknown'} key; Okta accepts ${KMS_SIGNING_KEY_SPECS.join(', ')}`,
    );
  }
  return signing;
}

/** What to do about each KMS error code. */
const HINTS: Readonly<Record<string, string>> = {
  NotFoundException: 'no such key or alias in this account and region: check auth.kmsKeyId',
  AccessDeniedException:
    'this function may not use the key: grant it kms:Sign and kms:DescribeKey on the key (the construct does for its kmsSigningKeys)',
  DisabledException: 'the key is disabled: enable it',
  KMSInvalidStateException: 'the key is not usable in its current state (pending deletion or import?)',
  InvalidKeyUsageException: 'the key cannot sign with this algorithm: use a SIGN_VERIFY key',
  KeyUnavailableException: 'AWS KMS could not reach the key just now; try again',
  KMSInternalException: 'AWS KMS failed; try again',
  DependencyTimeoutException: 'AWS KMS timed out; try again',
  ThrottlingException: 'AWS KMS throttled the call; try again',
};

async function send<T>(connection: string, operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = error instanceof Error && /^[A-Za-z]{1,64}$/.test(error.name) ? error.name : 'Error';
    const what = code === 'TimeoutError' || code === 'AbortError' ? 'did not answer' : `refused (${code})`;
    const hint = HINTS[code] ?? 'check the key and that AWS KMS is reachable';
    throw problem(connection, `AWS KMS ${operation} of the key in auth.kmsKeyId ${what}: ${hint}`, error);
  }
}

function problem(connection: string, text: string, cause?: unknown): InternalError {
  return new InternalError(`Sign-in of connection "${connection}" failed: ${text}`, { cause });
}
