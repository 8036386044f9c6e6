/**
 * Sign-in on behalf of a user who consented once (USR-OAUTH): the refresh-token grant with the refresh token
 * stored in the connection's secret, the client authenticated with its secret (`client_secret_basic`). When Okta
 * rotates the refresh token, the new one is written back to the secret so the next container uses it.
 *
 * The first consent (`functions/oauth/`) uses `exchangeCode` to turn the authorization code into that refresh token.
 */
import { OktaAuthFailed } from '../errors.js';
import { saveRefreshToken as saveToSecret, type AuthorizationCodeAuth, type Connection } from '../connections.js';
import type { Authorizer } from './authorizer-types.js';
import { oauthAuthorizer } from './oauth-authorizer.js';
import { tokenEndpointFor, type TokenEndpointDeps, type TokenResponse } from './token-endpoint.js';

export interface AuthorizationCodeDeps extends TokenEndpointDeps {
  /** Writes a rotated refresh token back (default: into the connection's secret). */
  saveRefreshToken?: (connection: Connection, refreshToken: string) => Promise<void>;
}

export function authorizationCodeAuthorizer(
  connection: Connection,
  auth: AuthorizationCodeAuth,
  deps: AuthorizationCodeDeps = {},
): Authorizer {
  const save = deps.saveRefreshToken ?? ((c: Connection, token: string) => saveToSecret(c, token));
  const endpoint = tokenEndpointFor(connection, deps);
  let refreshToken = auth.refreshToken;

  async function grant(deadline: number): Promise<TokenResponse> {
    const current = refreshToken;
    if (current === undefined) {
      throw new OktaAuthFailed(
        `Connection "${connection.name}" has no refresh token yet: open /oauth/authorize?connection=${encodeURIComponent(connection.name)} to consent`,
      );
    }
    const token = await endpoint.request(async () => ({ grant_type: 'refresh_token', refresh_token: current }), {
      headers: { authorization: basicAuthorization(auth) },
      deadline,
    });
    if (token.refreshToken !== undefined && token.refreshToken !== current) {
      // Kept in memory first: the old token stops working after Okta's grace period, whatever the write does.
      refreshToken = token.refreshToken;
      await save(connection, token.refreshToken);
    }
    return token;
  }

  return oauthAuthorizer(endpoint, grant, { now: deps.now });
}

/** Exchanges an authorization code (with its PKCE verifier) for tokens, at the first consent. */
export function exchangeCode(
  connection: Connection,
  auth: AuthorizationCodeAuth,
  input: { code: string; codeVerifier: string; redirectUri: string },
  deps: TokenEndpointDeps = {},
): Promise<TokenResponse> {
  const endpoint = tokenEndpointFor(connection, deps);
  return endpoint.request(
    async () => ({
      grant_type: 'authorization_code',
      code: input.code,
      code_verifier: input.codeVerifier,
      redirect_uri: input.redirectUri,
    }),
    { headers: { authorization: basicAuthorization(auth) } },
  );
}

/** RFC 6749 2.3.1: client id and secret are form-encoded before they are joined and base64-encoded. */
export function basicAuthorization(auth: AuthorizationCodeAuth): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(auth.clientId)}:${encode(auth.clientSecret)}`).toString('base64')}`;
}
