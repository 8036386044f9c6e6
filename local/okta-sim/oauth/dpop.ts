/**
 * DPoP proofs (RFC 9449) as Okta checks them: on the token endpoint, with its server nonce, and on `/api/v1`
 * calls, where the proof must carry `ath` and be signed by the key the access token is bound to.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import {
  decodeCompactJws,
  jwkThumbprint,
  publicKeyFromJwk,
  sha256Base64url,
  verifyJwsSignature,
  ASYMMETRIC_ALGS,
} from './jws.js';
import type { SimClock } from '../types.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** DPOP: "The nonce rotates every 24 h; an old one keeps working for 3 days". */
const NONCE_PERIODS_ACCEPTED = 4;
/** OERR `invalid_dpop_proof_jwt_too_old`: "issued more than five minutes in the past". */
const MAX_PROOF_AGE_S = 5 * 60;
const CLOCK_SKEW_S = 60;

/** What the proof must say about the request it accompanies. */
export interface DpopExpectation {
  htm: string;
  /** Accepted `htu` values (the URL without query, on the org's base URL or the one the request came to). */
  htu: string[];
  /** The token endpoint requires the server's nonce; `/api/v1` calls do not ("isn't currently required"). */
  requireNonce: boolean;
  /** For `/api/v1` calls: the access token (for `ath`) and the thumbprint it is bound to. */
  accessToken?: string;
  boundJkt?: string;
}

/** A checked proof (`jkt`), or the internal code of Okta's OAuth error catalogue that refuses it. */
export type DpopResult = { ok: true; jkt: string } | { ok: false; code: string };

export interface DpopVerifier {
  /** The nonce Okta hands out in the `dpop-nonce` header today. */
  currentNonce(): string;
  verify(proof: string | undefined, expected: DpopExpectation): DpopResult;
}

/** Creates a verifier with its own nonce secret and replay memory (`jti`s of the last few minutes). */
export function createDpopVerifier(clock: SimClock): DpopVerifier {
  const secret = randomBytes(32);
  const usedJtis = new Map<string, number>();
  const nonceFor = (period: number): string => createHmac('sha256', secret).update(String(period)).digest('base64url');
  const isValidNonce = (nonce: unknown): boolean => {
    const period = Math.floor(clock.now() / DAY_MS);
    for (let back = 0; back < NONCE_PERIODS_ACCEPTED; back++) if (nonce === nonceFor(period - back)) return true;
    return false;
  };
  // Swept at most once a second: a benchmark may send thousands of proofs a second.
  let lastSweepS = 0;
  const forgetOldJtis = (nowS: number): void => {
    if (nowS === lastSweepS) return;
    lastSweepS = nowS;
    for (const [jti, until] of usedJtis) if (until < nowS) usedJtis.delete(jti);
  };

  return {
    currentNonce: () => nonceFor(Math.floor(clock.now() / DAY_MS)),
    verify(proof, expected) {
      if (proof === undefined || proof === '') return { ok: false, code: 'invalid_dpop_proof_missing_header' };
      if (proof.includes(',')) return { ok: false, code: 'invalid_dpop_proof_multiple_headers_not_allowed' };
      const jws = decodeCompactJws(proof);
      if (!jws) return { ok: false, code: 'invalid_dpop_proof_invalid_jwt' };
      if (jws.header.typ !== 'dpop+jwt') return { ok: false, code: 'invalid_dpop_proof_invalid_type' };
      if (typeof jws.header.alg !== 'string' || !ASYMMETRIC_ALGS.includes(jws.header.alg)) {
        return { ok: false, code: 'invalid_dpop_proof_invalid_signature_algorithm' };
      }
      const jwk = jws.header.jwk as JWK | undefined;
      const key = typeof jwk === 'object' && jwk !== null ? publicKeyFromJwk(jwk) : undefined;
      if (!jwk || !key) return { ok: false, code: 'invalid_dpop_proof' };
      if (!verifyJwsSignature(jws, key)) return { ok: false, code: 'invalid_dpop_proof_invalid_signature' };

      const claims = jws.payload;
      if (expected.requireNonce && !isValidNonce(claims.nonce)) return { ok: false, code: 'use_dpop_nonce' };
      if (claims.htm !== expected.htm) return { ok: false, code: 'invalid_dpop_proof_invalid_htm' };
      if (typeof claims.htu !== 'string' || !expected.htu.includes(claims.htu)) {
        return { ok: false, code: 'invalid_dpop_proof_invalid_htu' };
      }
      const nowS = Math.floor(clock.now() / 1000);
      if (typeof claims.iat !== 'number') return { ok: false, code: 'invalid_dpop_proof_invalid_iat' };
      if (claims.iat > nowS + CLOCK_SKEW_S) return { ok: false, code: 'invalid_dpop_proof_jwt_issued_in_future' };
      if (claims.iat < nowS - MAX_PROOF_AGE_S) return { ok: false, code: 'invalid_dpop_proof_jwt_too_old' };
      if (typeof claims.jti !== 'string' || claims.jti === '') {
        return { ok: false, code: 'invalid_dpop_proof_invalid_jti' };
      }
      forgetOldJtis(nowS);
      if (usedJtis.has(claims.jti)) return { ok: false, code: 'dpop_proof_already_used' };

      const jkt = jwkThumbprint(jwk);
      if (expected.accessToken !== undefined) {
        if (claims.ath !== sha256Base64url(expected.accessToken)) return { ok: false, code: 'dpop_proof_invalid_ath' };
        if (jkt !== expected.boundJkt) return { ok: false, code: 'invalid_access_token_dpop_binding' };
      }
      usedJtis.set(claims.jti, claims.iat + MAX_PROOF_AGE_S + CLOCK_SKEW_S);
      return { ok: true, jkt };
    },
  };
}
