/**
 * A lock with a lease in the connector's table: one conditional `PutItem` takes it, a conditional `DeleteItem`
 * releases it. The lease is what makes it safe on Lambda: a holder that crashed or timed out stops holding it when
 * its lease ends, so nothing waits forever. Used for the per-connection publish lock (dedupe.ts) and for each
 * scheduled search (one run at a time covers a search's windows).
 */
import { systemClock } from './clock.js';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { dynamoDb } from './aws-clients.js';
import { requireTableName } from './config.js';

export interface LeaseLockDeps {
  dynamoDb?: DynamoDBClient;
  tableName?: string;
  /** How long a lock keeps others away if its holder crashed; longer than any one piece of work under it. */
  leaseMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A held lock. */
export interface LeaseLock {
  key: string;
  owner: string;
  /** Epoch ms when the lease ends: the holder must be done (no new write attempt) by then. */
  leaseUntil: number;
}

export const DEFAULT_LEASE_MS = 30_000;
const LOCK_RETRY_MS = 25;

/**
 * Runs `work` holding the lock `key` (the item's `pk`), waiting for it until `deadline` (epoch ms). Returns
 * `{acquired: false}` when the lock could not be had in time; the lock is released however `work` ends.
 */
export async function withLeaseLock<T>(
  key: string,
  deadline: number,
  work: (lock: LeaseLock) => Promise<T>,
  deps: LeaseLockDeps = {},
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  const client = deps.dynamoDb ?? dynamoDb();
  const table = deps.tableName ?? requireTableName();
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? systemClock.sleep;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const owner = randomUUID();
  let lock: LeaseLock | undefined;
  for (let attempt = 0; !lock; attempt += 1) {
    lock = await tryLock(client, table, key, owner, now(), leaseMs);
    if (lock) break;
    const wait = Math.min(250, LOCK_RETRY_MS * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random() / 2);
    if (now() + wait >= deadline) return { acquired: false };
    await sleep(wait);
  }
  try {
    return { acquired: true, value: await work(lock) };
  } finally {
    await unlock(client, table, key, owner);
  }
}

async function tryLock(
  client: DynamoDBClient,
  table: string,
  key: string,
  owner: string,
  now: number,
  leaseMs: number,
): Promise<LeaseLock | undefined> {
  const leaseUntil = now + leaseMs;
  try {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: key },
          state: { S: 'held' },
          owner: { S: owner },
          leaseUntil: { N: String(leaseUntil) },
          // Cleaned up by the TTL should a holder crash and nobody take this lock again.
          expiresAt: { N: String(Math.floor(leaseUntil / 1000) + 86_400) },
        },
        // Free: nobody holds it, or its holder crashed (lease over).
        ConditionExpression: 'attribute_not_exists(pk) OR #leaseUntil < :now',
        ExpressionAttributeNames: { '#leaseUntil': 'leaseUntil' },
        ExpressionAttributeValues: { ':now': { N: String(now) } },
      }),
    );
    return { key, owner, leaseUntil };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

async function unlock(client: DynamoDBClient, table: string, key: string, owner: string): Promise<void> {
  try {
    await client.send(
      new DeleteItemCommand({
        TableName: table,
        Key: { pk: { S: key } },
        // Only our own lease: after it expired another holder may have it.
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': { S: owner } },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
