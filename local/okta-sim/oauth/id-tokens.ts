/**
 * The org authorization server's ID tokens: signed RS256 with the org's own key, whose public half is published at
 * `/oauth2/v1/keys` (the `jwks_uri` of the org's metadata, OSPEC `OrgASOidcMetadata`), as Okta signs them. The
 * claims are those Okta's org server lists (`iss` the org, `aud` the client id, `sub` the user id, `nonce` from the
 * authorize request, `preferred_username` with the `profile` scope). The key is made at the first use, so a
 * simulator that issues no ID token spends nothing on it.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK, type JWK } from 'jose';
import type { SimClock } from '../types.js';

/** Okta's ID tokens live an hour. */
const ID_TOKEN_LIFETIME_S = 60 * 60;

export interface IdTokenClaims {
  clientId: string;
  userId: string;
  login: string;
  scopes: string[];
  nonce?: string;
}

export interface IdTokenSigner {
  sign(claims: IdTokenClaims): Promise<string>;
  /** The public keys, as `/oauth2/v1/keys` answers them. */
  jwks(): Promise<{ keys: JWK[] }>;
}

export function createIdTokenSigner(clock: SimClock, issuer: () => string): IdTokenSigner {
  let key: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;
  const signingKey = () => {
    key ??= { ...generateKeyPairSync('rsa', { modulusLength: 2048 }), kid: randomBytes(16).toString('base64url') };
    return key;
  };
  return {
    async sign(claims) {
      const { privateKey, kid } = signingKey();
      const now = Math.floor(clock.now() / 1000);
      return new SignJWT({
        ver: 1,
        jti: `ID.${randomBytes(24).toString('base64url')}`,
        amr: ['pwd'],
        auth_time: now,
        ...(claims.nonce ? { nonce: claims.nonce } : {}),
        ...(claims.scopes.includes('profile') ? { preferred_username: claims.login } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(issuer())
        .setAudience(claims.clientId)
        .setSubject(claims.userId)
        .setIssuedAt(now)
        .setExpirationTime(now + ID_TOKEN_LIFETIME_S)
        .sign(privateKey);
    },
    async jwks() {
      const { publicKey, kid } = signingKey();
      return { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
    },
  };
}
