/**
 * The `private_key_jwt` client assertion of a service app (SVC, JWT): signed with the app's private key, `kid`
 * header = the registered key's id, `iss` = `sub` = client id, `aud` = the org's token URL, `exp` five minutes
 * out, and a unique `jti` (Okta then accepts it once).
 */
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ClientCredentialsAuth, StoredPrivateKey } from '../connections.js';

const ASSERTION_LIFETIME_S = 5 * 60;

export interface SigningKey {
  key: KeyObject;
  alg: 'RS256' | 'ES256' | 'ES384' | 'ES512';
}

const fromPem = new Map<string, SigningKey>();
const fromJwk = new WeakMap<object, SigningKey>();

/**
 * The key and algorithm of a stored private key. node:crypto reads every form a secret may hold (PKCS#8, PKCS#1
 * RSA and SEC1 EC PEM, or a JWK), which jose's `importPKCS8` alone would not; RSA keys sign RS256, EC keys the
 * ES algorithm of their curve.
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

/** A fresh client assertion for the token endpoint `tokenUrl`. */
export async function clientAssertion(auth: ClientCredentialsAuth, tokenUrl: string, nowMs: number): Promise<string> {
  const { key, alg } = signingKey(auth.privateKey);
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, kid: auth.keyId, typ: 'JWT' })
    .setIssuer(auth.clientId)
    .setSubject(auth.clientId)
    .setAudience(tokenUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_S)
    .setJti(randomUUID())
    .sign(key);
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
