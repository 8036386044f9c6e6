/**
 * `GET /oauth/authorize?connection=<name>`: starts the first consent of an authorization-code connection. It
 * keeps a random `state` with a PKCE verifier in the table for ten minutes and redirects the admin's browser to
 * the org's `/oauth2/v1/authorize` with the connection's scopes plus `offline_access` (so a refresh token comes
 * back, USR-OAUTH) and the S256 code challenge.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDb } from '../lib/aws-clients.js';
import { htmlPage } from './consent-pages.js';
import { codeChallenge, newOAuthState, saveOAuthState } from '../lib/auth/oauth-state.js';
import { config, ConfigurationError, requireTableName } from '../lib/config.js';
import { loadConnection, type Connection } from '../lib/connections.js';
import { isConnectorError } from '../lib/errors.js';
import { logger as sharedLogger } from '../lib/observability.js';
import type { ConsentLogger } from './consent-pages.js';

export interface AuthorizeDeps {
  loadConnection?: (name?: string) => Promise<Connection>;
  db?: () => DynamoDBClient;
  tableName?: () => string;
  now?: () => number;
  env?: Record<string, string | undefined>;
  logger?: ConsentLogger;
}

export function createAuthorizeHandler(deps: AuthorizeDeps = {}) {
  const load = deps.loadConnection ?? ((name?: string) => loadConnection(name));
  const db = deps.db ?? dynamoDb;
  const tableName = deps.tableName ?? (() => requireTableName(config()));
  const now = deps.now ?? Date.now;
  const env = deps.env ?? process.env;
  const logger = deps.logger ?? sharedLogger;

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      const page = await start(event);
      logger.info('OAuth consent started', { status: page.statusCode });
      return page;
    } catch (error) {
      logger.error('OAuth consent could not start', { error });
      return htmlPage(500, 'This connection cannot be set up', [
        'The connector failed unexpectedly; its logs say why.',
      ]);
    }
  };

  async function start(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const name = event.queryStringParameters?.connection || undefined;
    let connection: Connection;
    try {
      connection = await load(name);
    } catch (error) {
      if (isConnectorError(error))
        return htmlPage(error.httpStatus, 'This connection cannot be set up', [error.message]);
      throw error;
    }
    if (connection.auth.type !== 'authorization-code') {
      return htmlPage(400, 'Nothing to consent to', [
        `Connection "${connection.name}" signs in with ${connection.auth.type}; only authorization-code connections need a consent.`,
      ]);
    }

    const redirectUri = callbackUrl(env);
    const state = newOAuthState(connection.name, redirectUri, now());
    await saveOAuthState(state, { db: db(), tableName: tableName() });

    const location = new URL(`${connection.baseUrl}/oauth2/v1/authorize`);
    const scopes = [...new Set([...connection.auth.scopes, 'offline_access'])];
    location.search = new URLSearchParams({
      client_id: connection.auth.clientId,
      response_type: 'code',
      scope: scopes.join(' '),
      redirect_uri: redirectUri,
      state: state.state,
      code_challenge: codeChallenge(state.codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    return { statusCode: 302, headers: { location: location.toString(), 'cache-control': 'no-store' }, body: '' };
  }
}

/**
 * The callback URL registered with the Okta app: `OAUTH_REDIRECT_URI`, which the stack always sets (this API's own
 * `/oauth/callback`, or the deployer's custom domain). Never derived from the request: its `Host` and
 * `X-Forwarded-Proto` are the caller's to choose.
 */
export function callbackUrl(env: Record<string, string | undefined> = process.env): string {
  const uri = env.OAUTH_REDIRECT_URI?.trim();
  if (!uri) {
    throw new ConfigurationError('OAUTH_REDIRECT_URI', 'is required (the stack sets it to its /oauth/callback URL)');
  }
  return uri;
}

export const handler = createAuthorizeHandler();
