/**
 * Starts the consent of an authorization-code connection, for an operator only: it is invoked directly with
 * `lambda:InvokeFunction` (an IAM-signed call: `npx okta-connector connections consent <name> [--replace]`), never
 * from the internet. Input `{connection, replace?, consenter?}`; it answers `{connection, url, expiresAt}`, a
 * one-time URL to open in the browser of the Okta user who will consent, good for ten minutes.
 *
 * The URL carries a ticket (`oauth-consent#<ticket>` in the table) with what the browser's half of the flow needs
 * and nothing secret: the org, the client id, the scopes, `replace` and the expected consenter. A connection that
 * already has a refresh token is refused unless `replace` is true (the callback checks again). Every start is
 * logged and counted (`ConsentStarted`).
 */
import { newConsentTicket, saveConsentTicket } from '../lib/auth/oauth-state.js';
import { ConfigurationError, type Config } from '../lib/config.js';
import { InvalidInput, type FieldProblem } from '../lib/errors.js';
import { consentSignInDeps, type ConsentSignInDeps } from './consent-deps.js';

export interface StartConsentInput {
  connection: string;
  /** Replace the refresh token the connection has (a new consent of another user, or more scopes). */
  replace?: boolean;
  /** The Okta user who must consent: a login or a user id (`00u…`); anyone who signs in otherwise. */
  consenter?: string;
}

export interface StartConsentResult {
  connection: string;
  /** The one-time consent URL (`…/oauth/authorize?consent=<ticket>`). */
  url: string;
  /** When the URL stops working (ISO 8601). */
  expiresAt: string;
}

export type StartConsentDeps = ConsentSignInDeps;

/** The scopes every consent asks for besides the connection's: the ID token with the consenter's login. */
export const OPENID_SCOPES = ['openid', 'profile'];
const FIELDS = ['connection', 'replace', 'consenter'];

export function createStartConsentHandler(deps: StartConsentDeps = {}) {
  const { loadConnection: load, readSignIn, db, tableName, now, settings, logger, count } = consentSignInDeps(deps);

  return async (event: unknown, context?: { awsRequestId?: string }): Promise<StartConsentResult> => {
    const input = checkInput(event);
    const cfg = settings();
    if (!cfg.authorizationCodeConnections.includes(input.connection)) {
      throw new InvalidInput([
        { field: 'connection', problem: 'is not an authorization-code connection of this deployment' },
      ]);
    }
    const authorizeUrl = consentStartUrl(cfg);
    const connection = await load(input.connection);
    if (connection.auth.type !== 'authorization-code') {
      throw new InvalidInput([
        { field: 'connection', problem: `signs in with ${connection.auth.type}, not authorization-code` },
      ]);
    }
    if (!input.replace && (await readSignIn(connection)).refreshToken !== undefined) {
      throw new InvalidInput([
        {
          field: 'replace',
          problem: 'the connection already has a refresh token: start with replace: true (--replace) to replace it',
        },
      ]);
    }
    const ticket = newConsentTicket(
      {
        connection: connection.name,
        issuer: connection.baseUrl,
        clientId: connection.auth.clientId,
        scopes: [...new Set([...OPENID_SCOPES, ...connection.auth.scopes, 'offline_access'])],
        replace: input.replace === true,
        ...(input.consenter === undefined ? {} : { consenter: input.consenter }),
      },
      now(),
    );
    await saveConsentTicket(ticket, { db: db(), tableName: tableName() });
    // Who invoked is in CloudTrail's Invoke data event of this request id (the function cannot see the caller).
    logger.info('OAuth consent started', {
      requestId: context?.awsRequestId ?? null,
      connection: connection.name,
      replace: ticket.replace,
      consenter: ticket.consenter ?? null,
      expiresAt: new Date(ticket.expiresAt * 1000).toISOString(),
    });
    count('ConsentStarted', { connection: connection.name });
    const url = new URL(authorizeUrl);
    url.searchParams.set('consent', ticket.ticket);
    return {
      connection: connection.name,
      url: url.toString(),
      expiresAt: new Date(ticket.expiresAt * 1000).toISOString(),
    };
  };
}

/**
 * The consent link's page, `/oauth/authorize` beside the callback URL the stack sets (`OAUTH_REDIRECT_URI`, which
 * ends in `/oauth/callback`): one setting says where the whole consent is served.
 */
export function consentStartUrl(cfg: Config): string {
  const callback = cfg.oauthRedirectUri ?? '';
  if (!/\/oauth\/callback$/.test(callback)) {
    throw new ConfigurationError('OAUTH_REDIRECT_URI', 'is required and ends in /oauth/callback (the stack sets it)');
  }
  return callback.replace(/\/oauth\/callback$/, '/oauth/authorize');
}

function checkInput(event: unknown): StartConsentInput {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidInput('the input must be an object {connection, replace?, consenter?}');
  }
  const input = event as Record<string, unknown>;
  const problems: FieldProblem[] = Object.keys(input)
    .filter((field) => !FIELDS.includes(field))
    .map((field) => ({ field, problem: 'is not a field of a consent (connection, replace, consenter)' }));
  if (typeof input.connection !== 'string' || input.connection === '')
    problems.push({ field: 'connection', problem: 'is required (a connection name)' });
  if (input.replace !== undefined && typeof input.replace !== 'boolean')
    problems.push({ field: 'replace', problem: 'must be true or false' });
  if (input.consenter !== undefined && (typeof input.consenter !== 'string' || !/^\S{1,256}$/.test(input.consenter)))
    problems.push({ field: 'consenter', problem: 'must be an Okta login or user id (1 to 256 characters, no spaces)' });
  if (problems.length > 0) throw new InvalidInput(problems);
  return input as unknown as StartConsentInput;
}

export const handler = createStartConsentHandler();
