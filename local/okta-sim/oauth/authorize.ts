/**
 * `GET` and `POST /oauth2/v1/authorize`: the authorization-code flow's sign-in and consent page. A bad client or
 * redirect URI is shown as an error page; every later problem, and the user's refusal, goes back to the
 * client's redirect URI, as RFC 6749 4.1.2.1 requires.
 */
import { renderConsentPage, renderErrorPage, type AuthorizeParams } from './consent-page.js';
import { oauthProblem } from './oauth-errors.js';
import type { TokenStore } from './tokens.js';
import type { OAuthClient, SimOrgServices, SimRequest, SimResponse } from '../types.js';

/** Scopes any client may ask a user for, besides the Okta API scopes granted to its app. */
const OIDC_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'];
/** Users who may sign in; the others are refused as Okta refuses them ("User status is invalid."). */
const SIGN_IN_STATUSES = ['ACTIVE', 'PASSWORD_EXPIRED'];

export interface AuthorizeDeps {
  services: SimOrgServices;
  tokens: TokenStore;
  findClient(clientId: string): OAuthClient | undefined;
}

type Checked = { ok: true; client: OAuthClient; params: AuthorizeParams } | { ok: false; response: SimResponse };

/** Creates the `GET` (show the page) and `POST` (sign in and decide) handlers. */
export function createAuthorizeEndpoint(deps: AuthorizeDeps): {
  show(req: SimRequest): SimResponse;
  submit(req: SimRequest): SimResponse;
} {
  const orgName = (): string => new URL(deps.services.baseUrl()).host;
  const orgIssuer = (): string => deps.services.baseUrl();

  const check = (fields: Record<string, string | undefined>): Checked => {
    const client = deps.findClient(fields.client_id ?? '');
    if (!client) return { ok: false, response: errorPage('invalid_client_id') };
    const redirectUri = fields.redirect_uri ?? '';
    if (!client.redirectUris.includes(redirectUri)) return { ok: false, response: errorPage('illegal_redirect_uri') };
    const params: AuthorizeParams = {
      client_id: client.clientId,
      redirect_uri: redirectUri,
      response_type: fields.response_type ?? '',
      scope: fields.scope ?? '',
      state: fields.state ?? '',
      nonce: fields.nonce,
      code_challenge: fields.code_challenge,
      code_challenge_method:
        fields.code_challenge === undefined ? undefined : (fields.code_challenge_method ?? 'plain'),
    };
    const back = (error: string, description: string): Checked => ({
      ok: false,
      response: redirectTo(params, { error, error_description: description }, orgIssuer()),
    });
    if (params.response_type !== 'code') {
      return back(
        'unsupported_response_type',
        `The response type is not supported by the authorization server. Configured response types: [code].`,
      );
    }
    if (!client.grantTypes.includes('authorization_code')) {
      const problem = oauthProblem('unauthorized_client', client.grantTypes.join(', '));
      return back(problem.error, problem.description);
    }
    const scopes = params.scope.split(' ').filter((scope) => scope !== '');
    const allowed = [...client.grantedScopes, ...OIDC_SCOPES];
    if (scopes.length === 0 || !scopes.every((scope) => allowed.includes(scope))) {
      const problem = oauthProblem(scopes.length === 0 ? 'missing_scopes' : 'invalid_scope');
      return back(problem.error, problem.description);
    }
    if (params.code_challenge !== undefined && params.code_challenge_method !== 'S256') {
      const problem = oauthProblem('pkce_unsupported_code_challenge_method', 'S256');
      return back(problem.error, problem.description);
    }
    if (params.code_challenge !== undefined && !/^[A-Za-z0-9\-._~]{43,128}$/.test(params.code_challenge)) {
      const problem = oauthProblem('pkce_invalid_challenge');
      return back(problem.error, problem.description);
    }
    return { ok: true, client, params };
  };

  return {
    show(req) {
      const checked = check(Object.fromEntries(req.query));
      if (!checked.ok) return checked.response;
      const html = renderConsentPage({ params: checked.params, appLabel: checked.client.label, orgName: orgName() });
      return { status: 200, headers: { 'cache-control': 'no-store' }, html };
    },
    submit(req) {
      const form = formFields(req);
      const checked = check(form);
      if (!checked.ok) return checked.response;
      const { client, params } = checked;
      const back = (result: Record<string, string>) => redirectTo(params, result, orgIssuer());
      if (form.decision !== 'allow') {
        const problem = oauthProblem('access_denied');
        return back({ error: problem.error, error_description: 'The user denied the request.' });
      }
      const user = deps.services.signIn(form.username ?? '', form.password ?? '');
      if (!user || !SIGN_IN_STATUSES.includes(user.status)) {
        const html = renderConsentPage({
          params,
          appLabel: client.label,
          orgName: orgName(),
          username: form.username,
          error: 'Unable to sign in',
        });
        return { status: 401, headers: { 'cache-control': 'no-store' }, html };
      }
      const code = deps.tokens.issueCode({
        clientId: client.clientId,
        userId: user.id,
        login: user.login,
        nonce: params.nonce,
        redirectUri: params.redirect_uri,
        scopes: params.scope.split(' ').filter((scope) => scope !== ''),
        codeChallenge: params.code_challenge,
      });
      return back({ code });
    },
  };
}

/**
 * The redirect back to the client, success or error, with the state and the org's issuer as `iss` (RFC 9207: the
 * client checks that the answer comes from the server it sent the user to).
 */
function redirectTo(params: AuthorizeParams, result: Record<string, string>, issuer: string): SimResponse {
  const location = new URL(params.redirect_uri);
  for (const [name, value] of Object.entries(result)) location.searchParams.set(name, value);
  if (params.state !== '') location.searchParams.set('state', params.state);
  location.searchParams.set('iss', issuer);
  return { status: 302, headers: { location: location.toString(), 'cache-control': 'no-store' } };
}

function errorPage(internalCode: string): SimResponse {
  const problem = oauthProblem(internalCode);
  return { status: 400, html: renderErrorPage(problem.error, problem.description) };
}

function formFields(req: SimRequest): Record<string, string | undefined> {
  if (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body)) {
    return req.body as Record<string, string>;
  }
  return Object.fromEntries(new URLSearchParams(req.rawBody));
}
