/**
 * Synchronous JWS checks with `node:crypto`, for the DPoP proofs of `/api/v1` calls: the simulator's
 * `authenticateAccessToken` seam is synchronous, and jose's verification is asynchronous (WebCrypto).
 */
import { createHash, createPublicKey, verify, constants, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/** The asymmetric algorithms Okta accepts for DPoP proofs and client assertions. */
export const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWS; undefined when it is not one. */
export function decodeCompactJws(token: string): DecodedJws | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as unknown;
    if (!isObject(header) || !isObject(payload)) return undefined;
    return {
      header,
      payload,
      signingInput: `${headerPart}.${payloadPart}`,
      signature: Buffer.from(signaturePart, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** A public key from a JWK, or undefined when the JWK is not a usable public key. */
export function publicKeyFromJwk(jwk: JWK): KeyObject | undefined {
  if (jwk.d !== undefined) return undefined; // a private key has no business in a header
  try {
    return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** Checks the signature of a decoded JWS with `alg` from its header. */
export function verifyJwsSignature(jws: DecodedJws, key: KeyObject): boolean {
  const alg = jws.header.alg;
  if (typeof alg !== 'string' || !ASYMMETRIC_ALGS.includes(alg)) return false;
  const hash = `sha${alg.slice(2)}`;
  const data = Buffer.from(jws.signingInput);
  try {
    if (alg.startsWith('ES')) return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
    if (alg.startsWith('PS')) {
      const saltLength = Number(alg.slice(2)) / 8;
      return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, jws.signature);
    }
    return verify(hash, data, key, jws.signature);
  } catch {
    return false;
  }
}

/** The RFC 7638 JWK SHA-256 thumbprint (base64url), the `cnf.jkt` a DPoP-bound token is tied to. */
export function jwkThumbprint(jwk: JWK): string {
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : jwk.kty === 'OKP'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x }
        : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** base64url(SHA-256(value)), as a DPoP proof's `ath` carries the access token. */
export function sha256Base64url(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
