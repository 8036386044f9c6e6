/**
 * The state of a first consent in flight (`/oauth/authorize` to `/oauth/callback`): one item
 * `oauth-state#<state>` in the connector's table (docs/ARCHITECTURE.md) holding the connection, the PKCE verifier
 * and the redirect URI, for ten minutes. Taking it deletes it with a condition, so a state is good once.
 */
import { randomBytes, createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export const OAUTH_STATE_TTL_SECONDS = 10 * 60;

export interface OAuthState {
  state: string;
  connection: string;
  codeVerifier: string;
  redirectUri: string;
  /** Epoch seconds (the table's TTL attribute). */
  expiresAt: number;
}

export interface OAuthStateStore {
  db: DynamoDBClient;
  tableName: string;
}

/** A new state with its PKCE verifier (RFC 7636: 32 random bytes, base64url, 43 characters). */
export function newOAuthState(connection: string, redirectUri: string, nowMs: number): OAuthState {
  return {
    state: randomBytes(24).toString('base64url'),
    connection,
    codeVerifier: randomBytes(32).toString('base64url'),
    redirectUri,
    expiresAt: Math.floor(nowMs / 1000) + OAUTH_STATE_TTL_SECONDS,
  };
}

/** The S256 code challenge of a verifier. */
export function codeChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier).digest('base64url');
}

export async function saveOAuthState(item: OAuthState, store: OAuthStateStore): Promise<void> {
  await store.db.send(
    new PutItemCommand({
      TableName: store.tableName,
      Item: {
        pk: { S: `oauth-state#${item.state}` },
        connection: { S: item.connection },
        codeVerifier: { S: item.codeVerifier },
        redirectUri: { S: item.redirectUri },
        expiresAt: { N: String(item.expiresAt) },
      },
      // A random 192-bit state never collides; the condition makes sure of it.
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/**
 * Takes a state out of the table: `unknown` when it was never issued or was already used, `expired` when it is
 * past its ten minutes (DynamoDB's TTL deletes late, so the time is checked here).
 */
export async function takeOAuthState(
  state: string,
  store: OAuthStateStore,
  nowMs: number,
): Promise<{ found: OAuthState } | { problem: 'unknown' | 'expired' }> {
  try {
    const result = await store.db.send(
      new DeleteItemCommand({
        TableName: store.tableName,
        Key: { pk: { S: `oauth-state#${state}` } },
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    const item = result.Attributes ?? {};
    const found: OAuthState = {
      state,
      connection: item.connection?.S ?? '',
      codeVerifier: item.codeVerifier?.S ?? '',
      redirectUri: item.redirectUri?.S ?? '',
      expiresAt: Number(item.expiresAt?.N ?? 0),
    };
    return found.expiresAt * 1000 <= nowMs ? { problem: 'expired' } : { found };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { problem: 'unknown' };
    throw error;
  }
}
