/**
 * `GET /oauth/callback?code&state`: ends the first consent. The state is taken from the table (once: a second
 * use, an unknown or an expired state is refused), the code is exchanged with the PKCE verifier, and the refresh
 * token goes into the connection's secret. The admin sees a small page: ready, or what went wrong.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDb } from '../lib/aws-clients.js';
import { exchangeCode } from '../lib/auth/authorization-code.js';
import { htmlPage } from './consent-pages.js';
import { takeOAuthState } from '../lib/auth/oauth-state.js';
import { config, requireTableName } from '../lib/config.js';
import { clearConnectionCache, loadConnection, saveRefreshToken, type Connection } from '../lib/connections.js';
import { isConnectorError } from '../lib/errors.js';
import { logger as sharedLogger } from '../lib/observability.js';
import type { ConsentLogger } from './consent-pages.js';
import { USER_AGENT } from '../lib/okta/client.js';

export interface CallbackDeps {
  loadConnection?: (name?: string) => Promise<Connection>;
  saveRefreshToken?: (connection: Connection, refreshToken: string) => Promise<void>;
  db?: () => DynamoDBClient;
  tableName?: () => string;
  now?: () => number;
  fetch?: typeof fetch;
  logger?: ConsentLogger;
}

const START_AGAIN = 'Start again from /oauth/authorize?connection=<name>.';

export function createCallbackHandler(deps: CallbackDeps = {}) {
  const load = deps.loadConnection ?? ((name?: string) => loadConnection(name));
  const save =
    deps.saveRefreshToken ?? ((connection: Connection, token: string) => saveRefreshToken(connection, token));
  const db = deps.db ?? dynamoDb;
  const tableName = deps.tableName ?? (() => requireTableName(config()));
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? sharedLogger;

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      const page = await complete(event);
      const log = page.statusCode < 400 ? logger.info.bind(logger) : logger.warn.bind(logger);
      log('OAuth consent callback', { status: page.statusCode });
      return page;
    } catch (error) {
      // Logged for the operator (the Logger redacts secrets); the browser sees no internals.
      logger.error('OAuth consent callback failed', { error });
      return htmlPage(500, 'The connection could not be set up', [
        'The connector failed unexpectedly; its logs say why.',
        START_AGAIN,
      ]);
    }
  };

  async function complete(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const query = event.queryStringParameters ?? {};
    if (!query.state)
      return htmlPage(400, 'Sign-in link incomplete', ['The answer from Okta carries no state.', START_AGAIN]);

    const taken = await takeOAuthState(query.state, { db: db(), tableName: tableName() }, now());
    if ('problem' in taken) {
      return taken.problem === 'expired'
        ? htmlPage(400, 'Sign-in link expired', ['The consent took longer than ten minutes.', START_AGAIN])
        : htmlPage(400, 'Sign-in link unknown or already used', ['Each consent link works once.', START_AGAIN]);
    }
    const state = taken.found;

    if (query.error) {
      const denied = query.error === 'access_denied';
      return htmlPage(denied ? 403 : 400, denied ? 'Consent denied' : 'Okta refused the consent', [
        `Connection "${state.connection}" was not set up. Okta said: ${query.error}${query.error_description ? ` (${query.error_description})` : ''}.`,
        START_AGAIN,
      ]);
    }
    if (!query.code)
      return htmlPage(400, 'Sign-in link incomplete', ['The answer from Okta carries no code.', START_AGAIN]);

    try {
      const connection = await load(state.connection);
      if (connection.auth.type !== 'authorization-code') {
        return htmlPage(400, 'Nothing to consent to', [
          `Connection "${connection.name}" does not sign in with authorization-code.`,
        ]);
      }
      const tokens = await exchangeCode(
        connection,
        connection.auth,
        {
          code: query.code,
          codeVerifier: state.codeVerifier,
          redirectUri: state.redirectUri,
        },
        { fetch: deps.fetch, now, userAgent: USER_AGENT },
      );
      if (!tokens.refreshToken) {
        return htmlPage(502, 'No refresh token', [
          'Okta granted access but returned no refresh token. Enable the Refresh Token grant type on the Okta app, then start again.',
        ]);
      }
      await save(connection, tokens.refreshToken);
      clearConnectionCache();
      return htmlPage(200, 'Connection ready', [
        `Connection "${connection.name}" is ready: the connector can now call Okta on your behalf. You can close this page.`,
      ]);
    } catch (error) {
      if (isConnectorError(error))
        return htmlPage(error.httpStatus, 'The connection could not be set up', [error.message, START_AGAIN]);
      throw error;
    }
  }
}

export const handler = createCallbackHandler();
