/**
 * The org authorization server of the simulated Okta org (`/oauth2/v1/*`): the token endpoint, the sign-in and
 * consent page, the check of access tokens on `/api/v1` calls, and the control routes that register clients.
 */
import { randomBytes } from 'node:crypto';
import { OktaApiError } from '../errors.js';
import { createAuthorizeEndpoint } from './authorize.js';
import { createClientAuthenticator } from './client-auth.js';
import { createOAuthControlRoutes } from './oauth-control.js';
import { createDpopVerifier } from './dpop.js';
import { oauthProblem } from './oauth-errors.js';
import { ASYMMETRIC_ALGS } from './jws.js';
import { createIdTokenSigner } from './id-tokens.js';
import { createTokenEndpoint } from './token-endpoint.js';
import { createTokenStore, type RefreshTokenRecord } from './tokens.js';
import type { LogEventLike, OAuthClient, Principal, Route, SimOrgServices, SimRequest, SimResponse } from '../types.js';

export interface OAuthServer {
  /** `/oauth2/v1/token`, `/oauth2/v1/authorize`, the metadata document and the `/__sim/oauth-clients` routes. */
  routes: Route[];
  /**
   * Checks the `Authorization: Bearer|DPoP <token>` of an `/api/v1` request (and its `DPoP` proof): the caller,
   * or it throws the 401 Okta answers (E0000011 with a `WWW-Authenticate` challenge naming the OAuth error).
   */
  authenticateAccessToken: (req: SimRequest) => Principal;
  registerClient: (input: Partial<OAuthClient> & { label: string }) => OAuthClient;
  clients: () => OAuthClient[];
  /** Revokes the access and refresh tokens issued to a user. */
  revokeUserTokens: (userId: string) => void;
}

/** Creates the org authorization server; its routes are composed into the simulator's router. */
export function createOAuth(services: SimOrgServices): OAuthServer {
  const registered = new Map<string, OAuthClient>();
  const findClient = (clientId: string): OAuthClient | undefined => registered.get(clientId);
  const tokens = createTokenStore(services.clock);
  const dpop = createDpopVerifier(services.clock);
  const idTokens = createIdTokenSigner(services.clock, () => services.baseUrl());
  // Okta names its own URL in `aud` and `htu`; a client that reached the simulator by another host name is
  // accepted too (127.0.0.1 vs localhost).
  const urlsFor = (req: SimRequest, path: string): string[] => [
    `${services.baseUrl()}${path}`,
    `${req.url.origin}${path}`,
  ];
  const tokenEndpoint = createTokenEndpoint({
    clientAuth: createClientAuthenticator(services.clock, findClient),
    dpop,
    tokens,
    idTokens,
    tokenUrls: (req) => urlsFor(req, '/oauth2/v1/token'),
    reuseDetected: (client, record, req) => services.appendLogEvent(reuseEvent(client, record, req)),
  });
  const authorize = createAuthorizeEndpoint({ services, tokens, findClient });

  const registerClient = (input: Partial<OAuthClient> & { label: string }): OAuthClient => {
    const jwks = input.jwks ?? [];
    const method = input.tokenEndpointAuthMethod ?? (jwks.length > 0 ? 'private_key_jwt' : 'client_secret_basic');
    const clientId = input.clientId ?? services.newId('0oa');
    const client: OAuthClient = {
      clientId,
      // For OIDC apps Okta's client_id is the app's id.
      appId: input.appId ?? clientId,
      label: input.label,
      tokenEndpointAuthMethod: method,
      jwks,
      clientSecret:
        input.clientSecret ?? (method === 'private_key_jwt' ? undefined : randomBytes(30).toString('base64url')),
      grantTypes: input.grantTypes ?? (method === 'private_key_jwt' ? ['client_credentials'] : ['authorization_code']),
      redirectUris: input.redirectUris ?? [],
      grantedScopes: input.grantedScopes ?? [],
      dpopBoundAccessTokens: input.dpopBoundAccessTokens ?? false,
      refreshTokenRotation: input.refreshTokenRotation ?? 'ROTATE',
      tokenLifetimeSeconds: input.tokenLifetimeSeconds,
      refreshTokenLeewaySeconds: input.refreshTokenLeewaySeconds,
    };
    registered.set(clientId, client);
    return client;
  };

  const challenge = (req: SimRequest, scheme: 'Bearer' | 'DPoP', internalCode: string): OktaApiError => {
    const problem = oauthProblem(internalCode);
    const base = services.baseUrl();
    const algs = scheme === 'DPoP' ? `algs="${ASYMMETRIC_ALGS.join(' ')}", ` : '';
    return new OktaApiError('E0000011', {
      status: 401,
      headers: {
        'www-authenticate':
          `${scheme} ${algs}authorization_uri="${base}/oauth2/v1/authorize", realm="${base}", ` +
          `error="${problem.error}", error_description="${problem.description}", resource="${req.path}"`,
      },
    });
  };

  const authenticateAccessToken = (req: SimRequest): Principal => {
    const match = /^(Bearer|DPoP)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const scheme = match?.[1]?.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = match?.[2] ?? '';
    const record = tokens.findAccessToken(token);
    if (!record) throw challenge(req, scheme, token === '' ? 'invalid_token' : 'access_token_invalid');
    if (scheme === 'Bearer' && record.jkt !== undefined) {
      throw challenge(req, 'DPoP', 'dpop_authentication_scheme_required');
    }
    if (scheme === 'DPoP') {
      if (record.jkt === undefined) throw challenge(req, 'DPoP', 'access_token_not_dpop_bound');
      // DPOP: `htu` is the resource URL without its query, with the path decoded.
      const proof = dpop.verify(req.headers.dpop, {
        htm: req.method.toUpperCase(),
        htu: urlsFor(req, req.path),
        requireNonce: false,
        accessToken: token,
        boundJkt: record.jkt,
      });
      if (!proof.ok) throw challenge(req, 'DPoP', proof.code);
    }
    return {
      kind: 'oauth',
      clientId: record.clientId,
      ...(record.userId === undefined ? {} : { userId: record.userId }),
      scopes: record.scopes,
      tokenType: record.jkt === undefined ? 'Bearer' : 'DPoP',
    };
  };

  const metadata = (): SimResponse => {
    const base = services.baseUrl();
    return {
      status: 200,
      body: {
        issuer: base,
        authorization_endpoint: `${base}/oauth2/v1/authorize`,
        token_endpoint: `${base}/oauth2/v1/token`,
        jwks_uri: `${base}/oauth2/v1/keys`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
        grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ASYMMETRIC_ALGS,
        code_challenge_methods_supported: ['S256'],
        dpop_signing_alg_values_supported: ASYMMETRIC_ALGS,
      },
    };
  };

  return {
    routes: [
      { method: 'POST', pattern: '/oauth2/v1/token', handler: (req) => tokenEndpoint(req) },
      { method: 'GET', pattern: '/oauth2/v1/authorize', handler: (req) => authorize.show(req) },
      { method: 'POST', pattern: '/oauth2/v1/authorize', handler: (req) => authorize.submit(req) },
      { method: 'GET', pattern: '/.well-known/oauth-authorization-server', handler: metadata },
      { method: 'GET', pattern: '/.well-known/openid-configuration', handler: metadata },
      {
        method: 'GET',
        pattern: '/oauth2/v1/keys',
        // Okta answers its JWKS with a long max-age (OSPEC `/oauth2/v1/keys`).
        handler: async () => ({
          status: 200,
          headers: { 'cache-control': 'max-age=3832304, must-revalidate' },
          body: await idTokens.jwks(),
        }),
      },
      ...createOAuthControlRoutes({ registerClient, findClient, clients: () => [...registered.values()] }),
    ],
    authenticateAccessToken,
    registerClient,
    clients: () => [...registered.values()],
    revokeUserTokens: (userId) => tokens.revokeUserTokens(userId),
  };
}

/** The event type Okta logs when the org authorization server detects a refresh token reuse. */
export const REUSE_EVENT_TYPE = 'app.oauth2.token.detect_reuse';

/**
 * The System Log event of a refresh-token reuse. The event type is Okta's for the org authorization server
 * (refresh-token rotation guide: `app.oauth2.as.token.detect_reuse` is the custom servers' one); its fields are
 * inferred from Okta's other token events (no recording of one): the user of the consent as actor, the app as
 * target, a failure outcome.
 */
function reuseEvent(
  client: OAuthClient,
  record: RefreshTokenRecord,
  req: SimRequest,
): Partial<LogEventLike> & { eventType: string } {
  return {
    eventType: REUSE_EVENT_TYPE,
    displayMessage: 'Detect reuse of a refresh token',
    severity: 'WARN',
    actor: { id: record.userId, type: 'User', alternateId: null, displayName: null, detailEntry: null },
    outcome: { result: 'FAILURE', reason: 'refresh_token_reuse_detected' },
    target: [
      {
        id: client.appId,
        type: 'AppInstance',
        alternateId: client.label,
        displayName: client.label,
        detailEntry: null,
      },
    ],
    debugContext: { debugData: { clientId: client.clientId, grantType: 'refresh_token', requestUri: req.path } },
  };
}
