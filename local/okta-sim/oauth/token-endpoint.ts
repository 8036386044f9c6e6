/**
 * `POST /oauth2/v1/token` of the org authorization server: client authentication, DPoP, then the
 * `client_credentials`, `authorization_code` (with PKCE) and `refresh_token` grants.
 *
 * Refresh tokens rotate (a new one on every refresh) unless the client's rotation is STATIC (Okta's "persistent"
 * refresh token). A rotated token keeps working for the client's grace period (`leeway`, 0-60 s, 30 by default);
 * used after it, it is a reuse: the whole family is revoked, the answer is `invalid_grant`, and the System Log
 * gets the reuse event.
 */
import { createHash } from 'node:crypto';
import type { ClientAuthenticator } from './client-auth.js';
import type { DpopVerifier } from './dpop.js';
import type { IdTokenClaims, IdTokenSigner } from './id-tokens.js';
import { oauthErrorResponse, oauthProblem } from './oauth-errors.js';
import {
  DEFAULT_ACCESS_TOKEN_LIFETIME_S,
  DEFAULT_REFRESH_LEEWAY_S,
  type RefreshTokenRecord,
  type TokenStore,
} from './tokens.js';
import type { OAuthClient, SimRequest, SimResponse } from '../types.js';

/** What a successful grant hands to the token response. */
interface Grant {
  userId?: string;
  scopes: string[];
  refreshToken?: string;
  /** The consent family the tokens belong to (refresh and authorization-code grants). */
  familyId?: string;
  /** The ID token to sign: a code exchange whose authorize request asked for `openid`. */
  idToken?: IdTokenClaims;
}

type GrantResult = Grant | { problem: string; argument?: string };

export interface TokenEndpointDeps {
  clientAuth: ClientAuthenticator;
  dpop: DpopVerifier;
  tokens: TokenStore;
  idTokens: IdTokenSigner;
  /** The token URL as Okta names it (`<org>/oauth2/v1/token`), and as the request reached it. */
  tokenUrls(req: SimRequest): string[];
  /** Told of a refresh token used past its grace period, after its family was revoked (the System Log event). */
  reuseDetected(client: OAuthClient, record: RefreshTokenRecord, req: SimRequest): void;
}

const SUPPORTED_GRANTS = ['client_credentials', 'authorization_code', 'refresh_token'];

/** Creates the token endpoint's handler. */
export function createTokenEndpoint(deps: TokenEndpointDeps): (req: SimRequest) => Promise<SimResponse> {
  const fail = (code: string, argument?: string, headers?: Record<string, string>): SimResponse =>
    oauthErrorResponse(oauthProblem(code, argument), headers);

  const clientCredentials = (client: OAuthClient, form: Record<string, string>): GrantResult => {
    const scopes = splitScopes(form.scope);
    if (scopes.length === 0) return { problem: 'missing_scopes' };
    if (scopes.includes('openid')) return { problem: 'openid_not_allowed_client_creds' };
    if (!scopes.every((scope) => client.grantedScopes.includes(scope))) return { problem: 'invalid_scope' };
    return { scopes };
  };

  const authorizationCode = (client: OAuthClient, form: Record<string, string>): GrantResult => {
    if (!form.code) return { problem: 'missing_token_request_parameter', argument: 'code' };
    const code = deps.tokens.redeemCode(form.code);
    if (!code) return { problem: 'invalid_authorization_code' };
    if (code.clientId !== client.clientId) return { problem: 'mismatched_client' };
    if (form.redirect_uri !== code.redirectUri) return { problem: 'mismatched_redirect_uri' };
    if (code.codeChallenge !== undefined) {
      if (!form.code_verifier) return { problem: 'pkce_missing_verifier' };
      const challenge = createHash('sha256').update(form.code_verifier).digest('base64url');
      if (challenge !== code.codeChallenge) return { problem: 'pkce_verification_failed' };
    } else if (form.code_verifier) {
      return { problem: 'pkce_missing_challenge_verifier_present' };
    }
    // USR-OAUTH: a refresh token only when `offline_access` was asked for at /authorize.
    const refresh =
      code.scopes.includes('offline_access') && client.grantTypes.includes('refresh_token')
        ? deps.tokens.issueRefreshToken({ clientId: client.clientId, userId: code.userId, scopes: code.scopes })
        : undefined;
    const idToken = code.scopes.includes('openid')
      ? { clientId: client.clientId, userId: code.userId, login: code.login, scopes: code.scopes, nonce: code.nonce }
      : undefined;
    return {
      userId: code.userId,
      scopes: code.scopes,
      refreshToken: refresh?.token,
      familyId: refresh?.familyId,
      idToken,
    };
  };

  const refreshToken = (client: OAuthClient, form: Record<string, string>, req: SimRequest): GrantResult => {
    if (!form.refresh_token) return { problem: 'missing_token_request_parameter', argument: 'refresh_token' };
    const leeway = client.refreshTokenLeewaySeconds ?? DEFAULT_REFRESH_LEEWAY_S;
    const check = deps.tokens.checkRefreshToken(form.refresh_token, leeway);
    if (check.status === 'invalid' || check.record.clientId !== client.clientId) {
      return { problem: 'invalid_refresh_token' };
    }
    const { record } = check;
    if (check.status === 'reused') {
      deps.tokens.revokeFamily(record.familyId);
      deps.reuseDetected(client, record, req);
      return { problem: 'invalid_refresh_token' };
    }
    const requested = form.scope === undefined ? record.scopes : splitScopes(form.scope);
    if (!requested.every((scope) => record.scopes.includes(scope))) return { problem: 'invalid_scope' };
    const grant = { userId: record.userId, scopes: requested, familyId: record.familyId };
    if (client.refreshTokenRotation === 'STATIC') {
      deps.tokens.touchRefreshToken(form.refresh_token);
      return { ...grant, refreshToken: form.refresh_token };
    }
    deps.tokens.markRotated(form.refresh_token);
    const rotated = deps.tokens.issueRefreshToken({ ...record, rotatedAt: undefined });
    return { ...grant, refreshToken: rotated.token };
  };

  const grants: Record<string, (client: OAuthClient, form: Record<string, string>, req: SimRequest) => GrantResult> = {
    client_credentials: clientCredentials,
    authorization_code: authorizationCode,
    refresh_token: refreshToken,
  };

  return async (req) => {
    const form = formOf(req);
    if (!form) return fail('invalid_request');
    const grantType = form.grant_type;
    if (!grantType) return fail('missing_token_request_parameter', 'grant_type');

    const auth = await deps.clientAuth.authenticate(form, req.headers.authorization, deps.tokenUrls(req));
    if (!auth.ok) return fail(auth.code);
    const { client } = auth;
    if (!SUPPORTED_GRANTS.includes(grantType)) return fail('unsupported_grant_type', client.grantTypes.join(', '));
    if (!client.grantTypes.includes(grantType as OAuthClient['grantTypes'][number])) {
      return fail('unauthorized_client', client.grantTypes.join(', '));
    }
    // SVC: "private_key_jwt ... is the only supported method for OAuth service apps" at the org AS.
    if (grantType === 'client_credentials' && auth.method !== 'private_key_jwt') {
      return fail('unsupported_auth_method_client_creds');
    }

    let jkt: string | undefined;
    if (client.dpopBoundAccessTokens) {
      // A client that does not require DPoP may still send a proof (okta-sdk-nodejs always does); it is ignored.
      const proof = deps.dpop.verify(req.headers.dpop, { htm: 'POST', htu: deps.tokenUrls(req), requireNonce: true });
      if (!proof.ok) {
        const nonceHeader: Record<string, string> = { 'dpop-nonce': deps.dpop.currentNonce() };
        return fail(proof.code, undefined, proof.code === 'use_dpop_nonce' ? nonceHeader : undefined);
      }
      jkt = proof.jkt;
    }

    const grant = (grants[grantType] as (typeof grants)[string])(client, form, req);
    if ('problem' in grant) return fail(grant.problem, grant.argument);
    auth.commit();

    const lifetime = client.tokenLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_LIFETIME_S;
    const accessToken = deps.tokens.issueAccessToken(
      { clientId: client.clientId, userId: grant.userId, scopes: grant.scopes, jkt, familyId: grant.familyId },
      lifetime,
    );
    return {
      status: 200,
      // A DPoP-bound token's answer carries the nonce too (real-okta okta-sdk-python.json[149]); the
      // server adds Okta's no-cache headers to every answer.
      headers: jkt === undefined ? {} : { 'dpop-nonce': deps.dpop.currentNonce() },
      body: {
        token_type: jkt === undefined ? 'Bearer' : 'DPoP',
        expires_in: lifetime,
        access_token: accessToken,
        scope: grant.scopes.join(' '),
        ...(grant.refreshToken === undefined ? {} : { refresh_token: grant.refreshToken }),
        ...(grant.idToken === undefined ? {} : { id_token: await deps.idTokens.sign(grant.idToken) }),
      },
    };
  };
}

export function splitScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((item) => item !== '');
}

function formOf(req: SimRequest): Record<string, string> | undefined {
  if (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body)) {
    return req.body as Record<string, string>;
  }
  if (req.rawBody === '') return undefined;
  return Object.fromEntries(new URLSearchParams(req.rawBody));
}
