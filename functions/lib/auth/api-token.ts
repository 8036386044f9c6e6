/** Sign-in with an Okta API token: `Authorization: SSWS <token>` on every call (CORE; SPEC `apiToken`). */
import type { ApiTokenAuth } from '../connections.js';
import type { Authorizer } from './authorizer-types.js';

export function apiTokenAuthorizer(auth: ApiTokenAuth): Authorizer {
  const headers = { authorization: `SSWS ${auth.token}` };
  return {
    authorize: () => Promise.resolve(headers),
    // A refused API token stays refused: there is nothing to refresh.
    rejected: () => false,
  };
}
