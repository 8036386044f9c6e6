/**
 * `GET /oauth/authorize?consent=<ticket>`: the browser's first step of a consent an operator started
 * (functions/oauth/start-consent.ts). It takes the one-time ticket, keeps a new state (PKCE verifier, OpenID nonce,
 * the hash of a random browser cookie) for ten minutes, sets that cookie (`__Host-`, so only this host over HTTPS
 * gets it back), and redirects to the org's `/oauth2/v1/authorize` with `openid profile`, the connection's scopes and
 * `offline_access` (so a refresh token comes back, USR-OAUTH), the nonce and the S256 code challenge.
 *
 * It reads no secret and no connection: everything it sends to Okta came with the ticket. The callback URL is the
 * one the stack sets (`OAUTH_REDIRECT_URI`), never derived from the request.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  codeChallenge,
  newOAuthState,
  randomToken,
  saveOAuthState,
  takeConsentTicket,
} from '../lib/auth/oauth-state.js';
import { config, requireOAuthRedirectUri } from '../lib/config.js';
import { consentDeps, type ConsentDeps } from './consent-deps.js';
import { consentPage, redirectWithCookie } from './consent-pages.js';

export type AuthorizeDeps = ConsentDeps;

/** A ticket as start-consent issues it: 32 random bytes, base64url. */
const TICKET = /^[A-Za-z0-9_-]{43}$/;

export function createAuthorizeHandler(deps: AuthorizeDeps = {}) {
  const { db, tableName, now, settings, logger, count } = consentDeps(deps);

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      return await start(event);
    } catch (error) {
      logger.error('OAuth consent could not start', { error });
      count('ConsentRefused', { step: 'authorize', reason: 'failed' });
      return consentPage('failed');
    }
  };

  async function start(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const redirectUri = requireOAuthRedirectUri(settings());
    const ticket = event.queryStringParameters?.consent ?? '';
    const refuse = (outcome: 'link-invalid' | 'link-expired', reason: string) => {
      logger.warn('OAuth consent link refused', { reason });
      count('ConsentRefused', { step: 'authorize', reason });
      return consentPage(outcome);
    };
    if (!TICKET.test(ticket)) return refuse('link-invalid', 'malformed-ticket');
    const store = { db: db(), tableName: tableName() };
    const taken = await takeConsentTicket(ticket, store, now());
    if ('problem' in taken) {
      return taken.problem === 'expired'
        ? refuse('link-expired', 'expired-ticket')
        : refuse('link-invalid', 'unknown-ticket');
    }
    const cookie = randomToken();
    const state = newOAuthState(taken.found, redirectUri, cookie, now());
    await saveOAuthState(state, store);

    const location = new URL(`${state.issuer}/oauth2/v1/authorize`);
    location.search = new URLSearchParams({
      client_id: state.clientId,
      response_type: 'code',
      scope: state.scopes.join(' '),
      redirect_uri: redirectUri,
      state: state.state,
      nonce: state.nonce,
      code_challenge: codeChallenge(state.codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    logger.info('OAuth consent link opened', { connection: state.connection });
    return redirectWithCookie(location.toString(), cookie);
  }
}

/**
 * The callback URL registered with the Okta app: `OAUTH_REDIRECT_URI`, which the stack always sets (this API's own
 * `/oauth/callback`, or the deployer's custom domain). Never derived from the request: its `Host` and
 * `X-Forwarded-Proto` are the caller's to choose.
 */
export function callbackUrl(env?: Record<string, string | undefined>): string {
  return requireOAuthRedirectUri(config(env));
}

export const handler = createAuthorizeHandler();
