/**
 * `GET /oauth/callback?code&state&iss`: ends a consent, in the browser that opened its link only. In order:
 * the state is taken from the table with the browser's `__Host-` cookie (once; another browser, an unknown, used
 * or expired state is refused); Okta's `iss` (RFC 9207), when present, must be the org the consent was started for;
 * an Okta `error` ends it with a fixed message; a refresh token already stored is kept unless the consent was
 * started with `replace`; the code is exchanged with the PKCE verifier; the ID token is checked (signature by the
 * org's JWKS, `iss`, `aud`, `nonce`, `exp`) and its subject must be the consenter the operator named; then the
 * refresh token goes into the connection's secret. Every outcome is logged and counted (`ConsentCompleted`,
 * `ConsentRefused` by reason); the page says only what the browser's user needs (consent-pages.ts).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { exchangeCode } from '../lib/auth/authorization-code.js';
import { IdTokenRefused, isExpectedConsenter, verifyIdToken } from '../lib/auth/id-token.js';
import { takeOAuthState, type OAuthState } from '../lib/auth/oauth-state.js';
import { clearConnectionCache, saveRefreshToken, type Connection } from '../lib/connections.js';
import { isConnectorError } from '../lib/errors.js';
import { USER_AGENT } from '../lib/okta/client.js';
import { consentCookie, consentPage, knownOktaError, readyPage, type ConsentOutcome } from './consent-pages.js';
import { consentSignInDeps, type ConsentSignInDeps } from './consent-deps.js';

export interface CallbackDeps extends ConsentSignInDeps {
  saveRefreshToken?: (connection: Connection, refreshToken: string) => Promise<void>;
  fetch?: typeof fetch;
}

/**
 * A refusal: the page to show, and the reason for the log and the metric. Thrown inside the handler and caught at
 * its end (never leaves it), so it is an Error only to be thrown as one.
 */
class Refusal extends Error {
  override readonly name = 'Refusal';

  constructor(
    readonly outcome: ConsentOutcome,
    readonly reason: string,
    readonly detail: Record<string, unknown> = {},
    readonly oktaError?: string,
  ) {
    super(reason);
  }
}

export function createCallbackHandler(deps: CallbackDeps = {}) {
  const { loadConnection: load, readSignIn, db, tableName, now, logger, count } = consentSignInDeps(deps);
  const save =
    deps.saveRefreshToken ?? ((connection: Connection, token: string) => saveRefreshToken(connection, token));

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    let connection: string | undefined;
    try {
      const state = await takeState(event);
      connection = state.connection;
      const done = await complete(event, state);
      logger.info('OAuth consent completed', {
        connection,
        consenter: done.consenter.sub,
        login: done.consenter.login ?? null,
        replaced: done.replaced,
      });
      count('ConsentCompleted', { connection });
      return readyPage(connection, done.consenter);
    } catch (error) {
      if (error instanceof Refusal) {
        // Logged for the operator (the Logger redacts secrets); the browser sees a fixed page.
        logger.warn('OAuth consent refused', { connection: connection ?? null, reason: error.reason, ...error.detail });
        count('ConsentRefused', { step: 'callback', reason: error.reason });
        return consentPage(error.outcome, error.oktaError);
      }
      logger.error('OAuth consent callback failed', { connection: connection ?? null, error });
      count('ConsentRefused', { step: 'callback', reason: 'failed' });
      return consentPage('failed');
    }
  };

  async function takeState(event: APIGatewayProxyEvent): Promise<OAuthState> {
    const stateParam = event.queryStringParameters?.state;
    if (!stateParam) throw new Refusal('link-invalid', 'no-state');
    const cookie = consentCookie(event);
    if (!cookie) throw new Refusal('other-browser', 'no-cookie');
    const taken = await takeOAuthState(stateParam, cookie, { db: db(), tableName: tableName() }, now());
    if ('problem' in taken) {
      // Unknown, used, or another browser's: the conditional take cannot tell them apart, and need not.
      throw taken.problem === 'expired'
        ? new Refusal('link-expired', 'expired-state')
        : new Refusal('other-browser', 'unknown-state-or-browser');
    }
    return taken.found;
  }

  async function complete(event: APIGatewayProxyEvent, state: OAuthState) {
    const query = event.queryStringParameters ?? {};
    // RFC 9207: an `iss` names the server that answered; a mix-up sends another's. Okta's org authorization server
    // does not advertise `authorization_response_iss_parameter_supported`, so a missing one is accepted: the ID
    // token's `iss` is checked below either way.
    if (query.iss !== undefined && query.iss !== state.issuer) {
      throw new Refusal('wrong-issuer', 'iss-mismatch', { iss: query.iss.slice(0, 200) });
    }
    if (query.error !== undefined) {
      throw new Refusal(
        'okta-refused',
        `okta-${knownOktaError(query.error) ?? 'other'}`,
        {
          error: query.error.slice(0, 100),
          errorDescription: query.error_description?.slice(0, 500) ?? null,
        },
        query.error,
      );
    }
    if (!query.code) throw new Refusal('link-invalid', 'no-code');

    const connection = await load(state.connection);
    if (connection.auth.type !== 'authorization-code' || connection.baseUrl !== state.issuer) {
      // The secret changed since the consent started: what was consented to is not this connection any more.
      throw new Refusal('failed', 'connection-changed');
    }
    const stored = await readSignIn(connection);
    if (!state.replace && stored.refreshToken !== undefined)
      throw new Refusal('already-consented', 'already-consented');

    let tokens;
    let consenter;
    try {
      tokens = await exchangeCode(
        connection,
        connection.auth,
        { code: query.code, codeVerifier: state.codeVerifier, redirectUri: state.redirectUri },
        { fetch: deps.fetch, now, userAgent: USER_AGENT },
      );
      consenter = await verifyIdToken(
        tokens.idToken,
        { issuer: state.issuer, clientId: state.clientId, nonce: state.nonce },
        { fetch: deps.fetch, now, userAgent: USER_AGENT },
      );
    } catch (error) {
      if (error instanceof IdTokenRefused) throw new Refusal('id-token-refused', 'id-token', { problem: error.reason });
      // Okta refused the code (used, expired) or could not be reached: typed, and logged as such.
      if (isConnectorError(error)) {
        throw new Refusal('failed', 'okta-exchange', { errorType: error.name, message: error.message });
      }
      throw error;
    }
    if (!isExpectedConsenter(consenter, state.consenter)) {
      throw new Refusal('wrong-consenter', 'wrong-consenter', {
        expected: state.consenter,
        consenter: consenter.sub,
        login: consenter.login ?? null,
      });
    }
    if (!tokens.refreshToken) throw new Refusal('no-refresh-token', 'no-refresh-token');
    await save(connection, tokens.refreshToken);
    clearConnectionCache();
    return { consenter, replaced: stored.refreshToken !== undefined };
  }
}

export const handler = createCallbackHandler();
