/**
 * Sign-in, as the Okta client sees it: something that gives the headers for one API request, and that is told
 * when Okta refused them. Each of the three methods of a connection (docs/CONTRACT.md §4) is one implementation.
 */
import type { Connection } from '../connections.js';
import { apiTokenAuthorizer } from './api-token.js';
import { authorizationCodeAuthorizer, type AuthorizationCodeDeps } from './authorization-code.js';
import { clientCredentialsAuthorizer } from './client-credentials.js';

export interface Authorizer {
  /** The `Authorization` (and, with DPoP, `DPoP`) headers for one request; may fetch an access token first. */
  authorize(method: string, url: URL, deadline: number): Promise<Record<string, string>>;
  /**
   * Called with a 401 answer to a signed request. Returns true when signing again may succeed (a cached token was
   * dropped, a DPoP nonce was learnt); the client then retries once.
   */
  rejected(response: Response): boolean;
}

export type AuthDeps = AuthorizationCodeDeps;

/** The authorizer of a connection's sign-in method. */
export function authorizerFor(connection: Connection, deps: AuthDeps = {}): Authorizer {
  const auth = connection.auth;
  switch (auth.type) {
    case 'api-token':
      return apiTokenAuthorizer(auth);
    case 'client-credentials':
      return clientCredentialsAuthorizer(connection, auth, deps);
    case 'authorization-code':
      return authorizationCodeAuthorizer(connection, auth, deps);
  }
}
