/**
 * Sign-in of a service app (SVC): the client-credentials grant against the org authorization server, the client
 * authenticated with a `private_key_jwt` assertion, for the connection's Okta API scopes.
 */
import type { ClientCredentialsAuth, Connection } from '../connections.js';
import type { Authorizer } from './authorizer-types.js';
import { clientAssertion } from './client-assertion.js';
import { oauthAuthorizer } from './oauth-authorizer.js';
import { tokenEndpointFor, type TokenEndpointDeps } from './token-endpoint.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export function clientCredentialsAuthorizer(
  connection: Connection,
  auth: ClientCredentialsAuth,
  deps: TokenEndpointDeps = {},
): Authorizer {
  const now = deps.now ?? Date.now;
  const endpoint = tokenEndpointFor(connection, deps);
  const grant = (deadline: number) =>
    endpoint.request(
      async () => ({
        grant_type: 'client_credentials',
        scope: auth.scopes.join(' '),
        client_assertion_type: JWT_BEARER,
        client_assertion: await clientAssertion(auth, endpoint.url, now()),
      }),
      { deadline, retryFailures: true },
    );
  return oauthAuthorizer(endpoint, grant, { now });
}
