/**
 * Sign-in on behalf of a user who consented once (USR-OAUTH): the refresh-token grant with the refresh token
 * stored in the connection's secret, the client authenticated with its secret (`client_secret_basic`). Okta
 * rotates the refresh token on every use (unless the app's refresh token is persistent), so the renewal is done
 * once for all containers, under a lock, with the secret read again first (refresh-renewal.ts); the rotated
 * refresh token and the new access token are written back for the other containers.
 *
 * The first consent (`functions/oauth/`) uses `exchangeCode` to turn the authorization code into that refresh token.
 */
import { config } from '../config.js';
import {
  readStoredSignIn,
  writeStoredSignIn,
  type AuthorizationCodeAuth,
  type Connection,
  type ConnectionDeps,
} from '../connections.js';
import { withLeaseLock, type LeaseLockDeps } from '../lease-lock.js';
import { signInLockKey } from '../table-keys.js';
import { logger } from '../observability.js';
import type { Authorizer } from './authorizer-types.js';
import { oauthAuthorizer } from './oauth-authorizer.js';
import { RENEWAL_LEASE_MS, sharedRenewal, type Exclusive, type SignInStore } from './refresh-renewal.js';
import { tokenEndpointFor, type TokenEndpointDeps, type TokenResponse } from './token-endpoint.js';

export interface AuthorizationCodeDeps extends TokenEndpointDeps {
  /** Where containers share the refresh and access tokens (default: the connection's secret, read past the cache). */
  signInStore?: SignInStore;
  /** Runs a renewal alone among all containers (default: the lease lock `lock#<connection>#sign-in` in the table). */
  exclusive?: Exclusive;
}

export function authorizationCodeAuthorizer(
  connection: Connection,
  auth: AuthorizationCodeAuth,
  deps: AuthorizationCodeDeps = {},
): Authorizer {
  const now = deps.now ?? Date.now;
  const endpoint = tokenEndpointFor(connection, deps);
  const refresh = (refreshToken: string, deadline: number): Promise<TokenResponse> =>
    endpoint.request(() => Promise.resolve({ grant_type: 'refresh_token', refresh_token: refreshToken }), {
      headers: { authorization: basicAuthorization(auth) },
      deadline,
      // Safe under the renewal lock: if Okta rotated the token but its answer was lost, the same refresh token is
      // still good within Okta's grace period, which is what the grace period is for.
      retryFailures: true,
    });
  const renewal = sharedRenewal(connection.name, {
    store: deps.signInStore ?? secretSignInStore(connection),
    exclusive: deps.exclusive ?? leaseLockExclusive(connection.name, { now }),
    refresh,
    now,
    notStored: () =>
      logger.warn('A sign-in renewal ended after its lease; its refresh token was not stored', {
        connection: connection.name,
      }),
  });
  let refused: string | undefined;
  return oauthAuthorizer(endpoint, (deadline) => renewal(deadline, refused), {
    now,
    refused: (accessToken) => {
      refused = accessToken;
    },
  });
}

/** The connection's secret as the shared sign-in store. */
export function secretSignInStore(connection: Connection, deps: ConnectionDeps = {}): SignInStore {
  return {
    read: () => readStoredSignIn(connection, deps),
    write: (basedOn, signIn) => writeStoredSignIn(connection, basedOn, signIn, deps),
  };
}

/**
 * The renewal lock of a connection: a lease lock in the table. Without a table (the CLI run outside a deployment)
 * the renewal runs unlocked; it still reads the secret first, so it renews with the newest refresh token.
 */
export function leaseLockExclusive(connectionName: string, deps: LeaseLockDeps = {}): Exclusive {
  return async (deadline, work) => {
    if (deps.tableName === undefined && config().tableName === undefined) {
      return { acquired: true, value: await work((deps.now ?? Date.now)() + RENEWAL_LEASE_MS) };
    }
    return withLeaseLock(signInLockKey(connectionName), deadline, (lock) => work(lock.leaseUntil), {
      leaseMs: RENEWAL_LEASE_MS,
      ...deps,
    });
  };
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
    () =>
      Promise.resolve({
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
