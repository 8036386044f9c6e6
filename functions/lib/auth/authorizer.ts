/**
 * Sign-in, as the Okta client sees it: something that gives the headers for one API request, and that is told
 * when Okta refused them. Each of the three methods of a connection (docs/CONTRACT.md §4) is one implementation.
 */
import type { Connection } from '../connections.js';
import type { Authorizer } from './authorizer-types.js';
import { apiTokenAuthorizer } from './api-token.js';
import { authorizationCodeAuthorizer, type AuthorizationCodeDeps } from './authorization-code.js';
import { clientCredentialsAuthorizer, type ClientCredentialsDeps } from './client-credentials.js';

export type { Authorizer } from './authorizer-types.js';
export type AuthDeps = AuthorizationCodeDeps & ClientCredentialsDeps;

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
