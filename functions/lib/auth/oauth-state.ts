/**
 * A consent in flight, as two one-time items in the connector's table (docs/ARCHITECTURE.md "The first consent"):
 *
 * - the **ticket** `oauth-consent#<ticket>`: an operator started the consent with an IAM-signed call
 *   (`functions/oauth/start-consent.ts`); it holds the connection's non-secret settings (org, client id, scopes),
 *   whether it may replace a refresh token, and the expected consenter. The one-time URL carries it.
 * - the **state** `oauth-state#<state>`: the browser opened that URL (`/oauth/authorize`); it holds the PKCE
 *   verifier, the OpenID nonce and the SHA-256 of the `__Host-` cookie set in that browser, so only that browser
 *   can end the consent at `/oauth/callback`.
 *
 * Each lives ten minutes and is taken with a conditional delete, so it is good once.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { consentTicketKey, oauthStateKey } from '../table-keys.js';

export const OAUTH_STATE_TTL_SECONDS = 10 * 60;

export interface OAuthStore {
  db: DynamoDBClient;
  tableName: string;
}

/** What a consent was started for: the connection's non-secret settings and the operator's choices. */
export interface ConsentRequest {
  connection: string;
  /** The org's origin, which is also its authorization server's issuer (`https://acme.okta.com`). */
  issuer: string;
  clientId: string;
  /** The scopes asked of Okta: `openid profile`, the connection's, and `offline_access`. */
  scopes: string[];
  /** The consent may replace a refresh token the connection already has (`--replace`). */
  replace: boolean;
  /** The Okta user who must consent: a login (`preferred_username`) or a user id (`sub`). */
  consenter?: string;
}

export interface ConsentTicket extends ConsentRequest {
  ticket: string;
  /** Epoch seconds (the table's TTL attribute). */
  expiresAt: number;
}

export interface OAuthState extends ConsentRequest {
  state: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  /** base64url(SHA-256) of the browser cookie's value. */
  browserBinding: string;
  expiresAt: number;
}

/** A random one-time value: 32 bytes, base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** base64url(SHA-256(value)): the S256 code challenge of a verifier, and what the table keeps of a cookie. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

export const codeChallenge = sha256;

export function newConsentTicket(request: ConsentRequest, nowMs: number): ConsentTicket {
  return { ...request, ticket: randomToken(), expiresAt: expiry(nowMs) };
}

/** The state of a consent opened in a browser whose cookie holds `cookie`. */
export function newOAuthState(ticket: ConsentRequest, redirectUri: string, cookie: string, nowMs: number): OAuthState {
  const { connection, issuer, clientId, scopes, replace, consenter } = ticket;
  return {
    connection,
    issuer,
    clientId,
    scopes,
    replace,
    ...(consenter === undefined ? {} : { consenter }),
    state: randomToken(),
    codeVerifier: randomToken(),
    nonce: randomToken(),
    redirectUri,
    browserBinding: sha256(cookie),
    expiresAt: expiry(nowMs),
  };
}

export async function saveConsentTicket(ticket: ConsentTicket, store: OAuthStore): Promise<void> {
  await put(consentTicketKey(ticket.ticket), { ...requestItem(ticket), expiresAt: num(ticket.expiresAt) }, store);
}

export async function saveOAuthState(state: OAuthState, store: OAuthStore): Promise<void> {
  await put(
    oauthStateKey(state.state),
    {
      ...requestItem(state),
      codeVerifier: { S: state.codeVerifier },
      nonce: { S: state.nonce },
      redirectUri: { S: state.redirectUri },
      browserBinding: { S: state.browserBinding },
      expiresAt: num(state.expiresAt),
    },
    store,
  );
}

export type Taken<T> = { found: T } | { problem: 'unknown' | 'expired' };

/** Takes a ticket: `unknown` when it was never issued or was already used, `expired` past its ten minutes. */
export async function takeConsentTicket(
  ticket: string,
  store: OAuthStore,
  nowMs: number,
): Promise<Taken<ConsentTicket>> {
  const item = await take(consentTicketKey(ticket), store);
  if (!item) return { problem: 'unknown' };
  return fresh({ ...requestOf(item), ticket, expiresAt: Number(item.expiresAt?.N ?? 0) }, nowMs);
}

/**
 * Takes a state, only for the browser holding its cookie (the condition compares the cookie's hash, so a request
 * from another browser neither uses nor learns anything of it): `unknown` when it was never issued, was already
 * used or belongs to another browser, `expired` past its ten minutes.
 */
export async function takeOAuthState(
  state: string,
  cookie: string,
  store: OAuthStore,
  nowMs: number,
): Promise<Taken<OAuthState>> {
  const item = await take(oauthStateKey(state), store, sha256(cookie));
  if (!item) return { problem: 'unknown' };
  return fresh(
    {
      ...requestOf(item),
      state,
      codeVerifier: item.codeVerifier?.S ?? '',
      nonce: item.nonce?.S ?? '',
      redirectUri: item.redirectUri?.S ?? '',
      browserBinding: item.browserBinding?.S ?? '',
      expiresAt: Number(item.expiresAt?.N ?? 0),
    },
    nowMs,
  );
}

type Item = Record<string, AttributeValue>;

function expiry(nowMs: number): number {
  return Math.floor(nowMs / 1000) + OAUTH_STATE_TTL_SECONDS;
}

// DynamoDB's TTL deletes late, so the time is checked here.
function fresh<T extends { expiresAt: number }>(found: T, nowMs: number): Taken<T> {
  return found.expiresAt * 1000 <= nowMs ? { problem: 'expired' } : { found };
}

function num(value: number): AttributeValue {
  return { N: String(value) };
}

function requestItem(request: ConsentRequest): Item {
  return {
    connection: { S: request.connection },
    issuer: { S: request.issuer },
    clientId: { S: request.clientId },
    scopes: { S: request.scopes.join(' ') },
    replace: { BOOL: request.replace },
    ...(request.consenter === undefined ? {} : { consenter: { S: request.consenter } }),
  };
}

function requestOf(item: Item): ConsentRequest {
  return {
    connection: item.connection?.S ?? '',
    issuer: item.issuer?.S ?? '',
    clientId: item.clientId?.S ?? '',
    scopes: (item.scopes?.S ?? '').split(' ').filter(Boolean),
    replace: item.replace?.BOOL === true,
    ...(item.consenter?.S === undefined ? {} : { consenter: item.consenter.S }),
  };
}

async function put(pk: string, attributes: Item, store: OAuthStore): Promise<void> {
  await store.db.send(
    new PutItemCommand({
      TableName: store.tableName,
      Item: { pk: { S: pk }, ...attributes },
      // A random 256-bit value never collides; the condition makes sure of it.
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

async function take(pk: string, store: OAuthStore, browserBinding?: string): Promise<Item | undefined> {
  try {
    const result = await store.db.send(
      new DeleteItemCommand({
        TableName: store.tableName,
        Key: { pk: { S: pk } },
        ConditionExpression:
          browserBinding === undefined ? 'attribute_exists(pk)' : 'attribute_exists(pk) AND browserBinding = :binding',
        ...(browserBinding === undefined ? {} : { ExpressionAttributeValues: { ':binding': { S: browserBinding } } }),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}
