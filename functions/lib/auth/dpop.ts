/**
 * DPoP (RFC 9449) as Okta wants it (DPOP guide): a key pair of the connector's own, separate from the client
 * key, generated once per container (ES256); a fresh proof per request with `htm`, `htu`, `iat`, `jti`, the
 * server's `nonce` when it gave one, and `ath` (SHA-256 of the access token) on resource calls.
 */
import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

let containerKey: Promise<DpopKey> | undefined;

/** The container's DPoP key pair, created on first use. */
export function dpopKey(): Promise<DpopKey> {
  containerKey ??= generateKeyPair('ES256').then(async ({ privateKey, publicKey }) => {
    const { kty, crv, x, y } = await exportJWK(publicKey);
    return { privateKey, publicJwk: { kty, crv, x, y } };
  });
  return containerKey;
}

export interface ProofClaims {
  htm: string;
  htu: string;
  nowMs: number;
  nonce?: string;
  /** The access token the request carries (resource calls only). */
  accessToken?: string;
}

/** A one-time DPoP proof for one request. */
export async function dpopProof(claims: ProofClaims): Promise<string> {
  const { privateKey, publicJwk } = await dpopKey();
  const payload: Record<string, string> = { htm: claims.htm, htu: claims.htu };
  if (claims.nonce !== undefined) payload.nonce = claims.nonce;
  if (claims.accessToken !== undefined)
    payload.ath = createHash('sha256').update(claims.accessToken).digest('base64url');
  return new SignJWT(payload)
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk })
    .setIssuedAt(Math.floor(claims.nowMs / 1000))
    .setJti(randomUUID())
    .sign(privateKey);
}

/**
 * The `htu` of a request: the URL without query or fragment, its path percent-decoded, since Okta compares it
 * with the decoded path (a login with `@` must appear as `@`; okta-sdk-python#541, okta-sdk-nodejs#521).
 */
export function dpopHtu(url: URL): string {
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape is sent as is; Okta will say whether it accepts it.
  }
  return `${url.origin}${path}`;
}
