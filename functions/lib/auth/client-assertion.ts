/**
 * The `private_key_jwt` client assertion of a service app (SVC, JWT): `kid` header = the registered key's id,
 * `iss` = `sub` = client id, `aud` = the org's token URL, `exp` five minutes out, and a unique `jti` (Okta then
 * accepts it once). It is signed with the connection's `privateKey`, or by AWS KMS with its `kmsKeyId`
 * (kms-signing-key.ts); either way the same compact JWS.
 */
import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { ClientCredentialsAuth, StoredPrivateKey } from '../connections.js';
import { kmsSigner, type JwsSigner } from './kms-signing-key.js';

const ASSERTION_LIFETIME_S = 5 * 60;

export interface SigningKey {
  key: KeyObject;
  alg: JwsSigner['alg'];
}

const fromPem = new Map<string, SigningKey>();
const fromJwk = new WeakMap<object, SigningKey>();

/**
 * The key and algorithm of a stored private key. node:crypto reads every form a secret may hold (PKCS#8, PKCS#1
 * RSA and SEC1 EC PEM, or a JWK); RSA keys sign RS256, EC keys the ES algorithm of their curve.
 */
export function signingKey(privateKey: StoredPrivateKey): SigningKey {
  if (typeof privateKey === 'string') {
    const known = fromPem.get(privateKey) ?? toSigningKey(createPrivateKey(privateKey));
    fromPem.set(privateKey, known);
    return known;
  }
  const known = fromJwk.get(privateKey) ?? toSigningKey(createPrivateKey({ key: privateKey as never, format: 'jwk' }));
  fromJwk.set(privateKey, known);
  return known;
}

function toSigningKey(key: KeyObject): SigningKey {
  return { key, alg: algorithmOf(key) };
}

export interface ClientAssertionOptions {
  /** The connection, named in the errors of a KMS signature. */
  connection?: string;
  kms?: KMSClient;
}

/** A fresh client assertion for the token endpoint `tokenUrl`. */
export async function clientAssertion(
  auth: ClientCredentialsAuth,
  tokenUrl: string,
  nowMs: number,
  options: ClientAssertionOptions = {},
): Promise<string> {
  const signer =
    auth.kmsKeyId !== undefined
      ? await kmsSigner(auth.kmsKeyId, { connection: options.connection ?? 'default', client: options.kms })
      : privateKeySigner(signingKey(auth.privateKey));
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: signer.alg, kid: auth.keyId, typ: 'JWT' };
  const claims = {
    iss: auth.clientId,
    sub: auth.clientId,
    aud: tokenUrl,
    iat,
    exp: iat + ASSERTION_LIFETIME_S,
    jti: randomUUID(),
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = await signer.sign(Buffer.from(signingInput));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

/** Signs with a key held in the secret; ECDSA signatures in JOSE's r || s form (`ieee-p1363`). */
function privateKeySigner({ key, alg }: SigningKey): JwsSigner {
  const hash = `sha${alg.slice(2)}`;
  return {
    alg,
    sign: (data) =>
      Promise.resolve(
        alg.startsWith('ES') ? sign(hash, data, { key, dsaEncoding: 'ieee-p1363' }) : sign(hash, data, key),
      ),
  };
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function algorithmOf(key: KeyObject): SigningKey['alg'] {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1' || curve === 'P-256') return 'ES256';
    if (curve === 'secp384r1' || curve === 'P-384') return 'ES384';
    if (curve === 'secp521r1' || curve === 'P-521') return 'ES512';
  }
  throw new Error('The private key must be an RSA or an EC (P-256, P-384, P-521) key');
}
