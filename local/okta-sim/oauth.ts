/**
 * The org authorization server of the simulated Okta org (`/oauth2/v1/*`): the token endpoint, the sign-in and
 * consent page, and the check of access tokens on `/api/v1` calls.
 */
import type { OAuthClient, Principal, Route, SimOrgServices, SimRequest, SimResponse } from './types.js';

export interface OAuthServer {
  routes: Route[];
  authenticateAccessToken(req: SimRequest): Principal | SimResponse;
  registerClient(input: Partial<OAuthClient> & { label: string }): OAuthClient;
  clients(): OAuthClient[];
}

/** Creates the org authorization server; its routes are composed into the simulator's router. */
export function createOAuth(services: SimOrgServices): OAuthServer {
  const registered: OAuthClient[] = [];
  return {
    routes: [],
    authenticateAccessToken: () => ({ status: 401, body: { errorCode: 'E0000011' } }),
    registerClient(input) {
      const client: OAuthClient = {
        clientId: services.newId('0oa'),
        appId: services.newId('0oa'),
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: [],
        grantTypes: ['client_credentials'],
        redirectUris: [],
        grantedScopes: [],
        dpopBoundAccessTokens: false,
        refreshTokenRotation: 'ROTATE',
        ...input,
      };
      registered.push(client);
      return client;
    },
    clients: () => [...registered],
  };
}
