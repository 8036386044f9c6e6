/**
 * Sign-in with an OAuth access token (client credentials or refresh token): the token is cached until a minute
 * before it expires, one token request is in flight per connection at a time (concurrent callers share it),
 * and a DPoP-bound token goes out as `Authorization: DPoP <token>` with a fresh proof per request.
 */
import type { Authorizer } from './authorizer-types.js';
import { dpopHtu, dpopProof } from './dpop.js';
import type { TokenEndpoint, TokenResponse } from './token-endpoint.js';
import { wwwAuthenticateError } from '../okta/errors.js';

/** Renew a token this long before it expires, so it never runs out during a call. */
const RENEW_BEFORE_MS = 60_000;

export interface OAuthAuthorizerDeps {
  now?: () => number;
  /** Told of the access token Okta refused (a 401), before the next grant (which must not hand it out again). */
  refused?: (accessToken: string) => void;
}

/** When to renew a token got at `issuedAt` (epoch ms) that lives `lifetimeMs`. */
export function renewalTime(issuedAt: number, lifetimeMs: number): number {
  // A token shorter-lived than two minutes (tests, odd settings) is renewed halfway instead.
  return issuedAt + Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2);
}

/** An authorizer over a grant: `grant` asks the token endpoint for a new access token. */
export function oauthAuthorizer(
  endpoint: TokenEndpoint,
  grant: (deadline: number) => Promise<TokenResponse>,
  deps: OAuthAuthorizerDeps = {},
): Authorizer {
  const now = deps.now ?? Date.now;
  let cached: { token: TokenResponse; renewAt: number } | undefined;
  let inFlight: Promise<TokenResponse> | undefined;
  let resourceNonce: string | undefined;

  function accessToken(deadline: number): Promise<TokenResponse> {
    if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
    inFlight ??= grant(deadline)
      .then((token) => {
        cached = { token, renewAt: token.renewAt ?? renewalTime(now(), token.expiresIn * 1000) };
        return token;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  return {
    async authorize(method, url, deadline): Promise<Record<string, string>> {
      const token = await accessToken(deadline);
      if (token.tokenType !== 'DPoP' && !endpoint.usesDpop) return { authorization: `Bearer ${token.accessToken}` };
      const proof = await dpopProof({
        htm: method,
        htu: dpopHtu(url),
        nowMs: now(),
        accessToken: token.accessToken,
        nonce: resourceNonce,
      });
      return { authorization: `DPoP ${token.accessToken}`, dpop: proof };
    },
    rejected(response) {
      const nonce = response.headers.get('dpop-nonce');
      if (wwwAuthenticateError(response.headers) === 'use_dpop_nonce' && nonce && nonce !== resourceNonce) {
        resourceNonce = nonce;
        return true;
      }
      // The token may have been revoked or expired early: drop it so the retry fetches a new one.
      if (cached === undefined) return false;
      deps.refused?.(cached.token.accessToken);
      cached = undefined;
      return true;
    },
  };
}
