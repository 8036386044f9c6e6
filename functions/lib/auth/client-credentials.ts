/**
 * Sign-in of a service app (SVC): the client-credentials grant against the org authorization server, the client
 * authenticated with a `private_key_jwt` assertion (signed with the secret's key or by AWS KMS), for the
 * connection's Okta API scopes.
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import type { ClientCredentialsAuth, Connection } from '../connections.js';
import type { Authorizer } from './authorizer-types.js';
import { clientAssertion } from './client-assertion.js';
import { oauthAuthorizer } from './oauth-authorizer.js';
import { tokenEndpointFor, type TokenEndpointDeps } from './token-endpoint.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientCredentialsDeps extends TokenEndpointDeps {
  /** The KMS client that signs for a `kmsKeyId` connection (default: the container's). */
  kms?: KMSClient;
}

export function clientCredentialsAuthorizer(
  connection: Connection,
  auth: ClientCredentialsAuth,
  deps: ClientCredentialsDeps = {},
): Authorizer {
  const now = deps.now ?? Date.now;
  const endpoint = tokenEndpointFor(connection, deps);
  const grant = (deadline: number) =>
    endpoint.request(
      async () => ({
        grant_type: 'client_credentials',
        scope: auth.scopes.join(' '),
        client_assertion_type: JWT_BEARER,
        client_assertion: await clientAssertion(auth, endpoint.url, now(), {
          connection: connection.name,
          kms: deps.kms,
        }),
      }),
      { deadline, retryFailures: true },
    );
  return oauthAuthorizer(endpoint, grant, { now });
}
