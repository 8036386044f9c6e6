/**
 * Client authentication at the token endpoint: `private_key_jwt` (a client assertion signed with a key the app
 * registered, checked with jose) and the client secret (`client_secret_basic` or `client_secret_post`).
 * Each refusal is the catalogue's `invalid_client` variant Okta gives for it.
 */
import { timingSafeEqual } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK, type JWTPayload } from 'jose';
import { ASYMMETRIC_ALGS } from './jws.js';
import type { SimClock, OAuthClient } from '../types.js';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** SVC: `exp` "no more than one hour in the future". */
const MAX_ASSERTION_LIFETIME_S = 60 * 60;
const CLOCK_SKEW_S = 60;

/** An authenticated client. `commit` spends the assertion's `jti`, once the request has succeeded. */
export type ClientAuthResult =
  | { ok: true; client: OAuthClient; method: OAuthClient['tokenEndpointAuthMethod']; commit(): void }
  | { ok: false; code: string };

export interface ClientAuthenticator {
  authenticate(
    form: Record<string, string>,
    authorization: string | undefined,
    tokenUrls: string[],
  ): Promise<ClientAuthResult>;
}

/** Creates an authenticator over the registered clients, with its own memory of spent assertion `jti`s. */
export function createClientAuthenticator(
  clock: SimClock,
  findClient: (clientId: string) => OAuthClient | undefined,
): ClientAuthenticator {
  const spentJtis = new Map<string, number>();
  // Swept at most once a second, so many token requests stay cheap.
  let lastSweepS = 0;

  const authenticateAssertion = async (
    form: Record<string, string>,
    tokenUrls: string[],
  ): Promise<ClientAuthResult> => {
    if (form.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE) return { ok: false, code: 'invalid_client' };
    let claims: JWTPayload;
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      claims = decodeJwt(form.client_assertion ?? '');
      header = decodeProtectedHeader(form.client_assertion ?? '');
    } catch {
      return { ok: false, code: 'client_assertion_invalid_jwt' };
    }
    const client = typeof claims.iss === 'string' ? findClient(claims.iss) : undefined;
    if (!client) return { ok: false, code: 'client_assertion_invalid_issuer' };
    if (claims.sub !== client.clientId) return { ok: false, code: 'client_assertion_invalid_subject' };
    if (form.client_id !== undefined && form.client_id !== client.clientId)
      return { ok: false, code: 'invalid_client' };
    if (client.jwks.length === 0) return { ok: false, code: 'client_assertion_jwks_not_configured' };
    if (typeof header.alg !== 'string' || !ASYMMETRIC_ALGS.includes(header.alg)) {
      return { ok: false, code: 'client_assertion_invalid_signature_algorithm' };
    }
    // With a `kid` only that key may sign; without one, any registered key may (older SDKs send no kid).
    const candidates = header.kid === undefined ? client.jwks : client.jwks.filter((key) => key.kid === header.kid);
    if (candidates.length === 0) return { ok: false, code: 'client_assertion_invalid_kid' };
    if (!(await signedByOneOf(form.client_assertion ?? '', header.alg, candidates))) {
      return { ok: false, code: 'client_assertion_invalid_signature' };
    }

    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((aud) => typeof aud === 'string' && tokenUrls.includes(aud))) {
      return { ok: false, code: 'client_assertion_invalid_audience' };
    }
    const nowS = Math.floor(clock.now() / 1000);
    if (typeof claims.exp !== 'number') return { ok: false, code: 'client_assertion_expiration_required' };
    if (claims.exp <= nowS) return { ok: false, code: 'client_assertion_expired_token' };
    if (claims.exp > nowS + MAX_ASSERTION_LIFETIME_S + CLOCK_SKEW_S) {
      return { ok: false, code: 'client_assertion_expires_too_far_in_future' };
    }
    if (typeof claims.iat === 'number' && claims.iat > nowS + CLOCK_SKEW_S) {
      return { ok: false, code: 'client_assertion_issued_at_in_future' };
    }
    const jti = typeof claims.jti === 'string' ? `${client.clientId}:${claims.jti}` : undefined;
    if (nowS !== lastSweepS) {
      lastSweepS = nowS;
      for (const [spent, until] of spentJtis) if (until < nowS) spentJtis.delete(spent);
    }
    if (jti !== undefined && spentJtis.has(jti)) return { ok: false, code: 'client_assertion_already_used' };
    const exp = claims.exp;
    return {
      ok: true,
      client,
      method: 'private_key_jwt',
      commit: () => {
        if (jti !== undefined) spentJtis.set(jti, exp);
      },
    };
  };

  const authenticateSecret = (clientId: string, secret: string): ClientAuthResult => {
    const client = findClient(clientId);
    if (!client) return { ok: false, code: 'invalid_client' };
    if (client.clientSecret === undefined) return { ok: false, code: 'invalid_client' };
    if (!sameSecret(client.clientSecret, secret)) return { ok: false, code: 'invalid_client_secret' };
    return { ok: true, client, method: 'client_secret_basic', commit: () => undefined };
  };

  return {
    async authenticate(form, authorization, tokenUrls) {
      const basic = parseBasic(authorization);
      const offered = [basic, form.client_secret, form.client_assertion].filter((item) => item !== undefined);
      if (offered.length > 1) return { ok: false, code: 'multiple_client_credentials' };
      if (form.client_assertion !== undefined) return authenticateAssertion(form, tokenUrls);
      if (basic) return authenticateSecret(basic.clientId, basic.secret);
      if (form.client_secret !== undefined) {
        const result = authenticateSecret(form.client_id ?? '', form.client_secret);
        return result.ok ? { ...result, method: 'client_secret_post' } : result;
      }
      return { ok: false, code: 'missing_client_credentials' };
    },
  };
}

async function signedByOneOf(assertion: string, alg: string, keys: JWK[]): Promise<boolean> {
  for (const jwk of keys) {
    try {
      await compactVerify(assertion, await importJWK({ ...jwk, alg }, alg));
      return true;
    } catch {
      // try the next registered key
    }
  }
  return false;
}

/** RFC 6749 2.3.1: id and secret are form-encoded before they are joined with ':' and base64-encoded. */
function parseBasic(authorization: string | undefined): { clientId: string; secret: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const decode = (part: string): string => decodeURIComponent(part.replace(/\+/g, ' '));
  try {
    return { clientId: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return { clientId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
}

function sameSecret(expected: string, offered: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(offered);
  return a.length === b.length && timingSafeEqual(a, b);
}
