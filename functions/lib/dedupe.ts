/**
 * The shared dedupe of CONTRACT section 3: each (connection, uuid) is published at most once, whichever trigger saw
 * it first. One item per event, `dedupe#<connection>#<uuid>` (docs/ARCHITECTURE.md), with a TTL.
 *
 * The protocol survives a crash between dedupe and publish:
 *
 *   claim  (state=publishing, leaseUntil=now+lease)   conditional: no item, or an expired lease, or an expired TTL
 *   publish to EventBridge
 *   mark   (state=published)                          only after EventBridge accepted the entry
 *
 * A crash after the claim leaves a lease that expires, after which another run may claim and publish the event; a
 * failed publish releases its claims at once so Okta's retry or the next poll does not wait for the lease. A crash
 * after publishing but before marking may publish the event a second time: the only window where that can happen.
 *
 * Calls are batched: one consistent BatchGetItem per 100 events skips those already published, then one
 * conditional PutItem per remaining event, many in parallel, so 1,000 events cost ~10 + 1,000 parallel calls, not
 * 2,000 sequential ones.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { dynamoDb } from './aws-clients.js';
import { config, requireTableName } from './config.js';
import type { Trigger } from './event-format.js';

export interface DedupeDeps {
  dynamoDb?: DynamoDBClient;
  tableName?: string;
  ttlDays?: number;
  /** How long a claim keeps other runs away; long enough for one publish with its retries. */
  leaseMs?: number;
  now?: () => number;
  /** Conditional writes in flight at once. */
  concurrency?: number;
}

export interface ClaimResult {
  /** Identifies this claim; needed to release it. */
  owner: string;
  /** Claimed by this call: publish them, then `markPublished`. */
  claimed: string[];
  /** Published already: skip them. */
  published: string[];
  /** Claimed by another run whose lease is still running. */
  inFlight: string[];
}

type Item = Record<string, AttributeValue>;

export const defaultLeaseMs = 30_000;

/** The item key of one event. */
export function dedupeKey(connection: string, uuid: string): string {
  return `dedupe#${connection}#${uuid}`;
}

/** Claims each not-yet-published uuid for this run (duplicates in `uuids` are claimed once). */
export async function claimEvents(connection: string, uuids: string[], trigger: Trigger, deps: DedupeDeps = {}): Promise<ClaimResult> {
  const s = settings(deps);
  const owner = randomUUID();
  const result: ClaimResult = { owner, claimed: [], published: [], inFlight: [] };
  const unique = [...new Set(uuids)];

  const known = await getItems(s, unique.map((uuid) => dedupeKey(connection, uuid)));
  const candidates: string[] = [];
  for (const uuid of unique) {
    const verdict = classify(known.get(dedupeKey(connection, uuid)), s.now());
    if (verdict === 'published') result.published.push(uuid);
    else if (verdict === 'in-flight') result.inFlight.push(uuid);
    else candidates.push(uuid);
  }

  const lost: string[] = [];
  await inParallel(candidates, s.concurrency, async (uuid) => {
    if (await putClaim(s, connection, uuid, trigger, owner)) result.claimed.push(uuid);
    else lost.push(uuid);
  });
  // Another run claimed these between our read and our write: read again to say which state they are in.
  if (lost.length > 0) {
    const raced = await getItems(s, lost.map((uuid) => dedupeKey(connection, uuid)));
    for (const uuid of lost) {
      const verdict = classify(raced.get(dedupeKey(connection, uuid)), s.now());
      (verdict === 'published' ? result.published : result.inFlight).push(uuid);
    }
  }
  return result;
}

/** Records that EventBridge accepted these events, so every trigger skips them until the TTL. */
export async function markPublished(connection: string, uuids: string[], trigger: Trigger, deps: DedupeDeps = {}): Promise<void> {
  const s = settings(deps);
  const items = [...new Set(uuids)].map((uuid) => ({
    pk: { S: dedupeKey(connection, uuid) },
    state: { S: 'published' },
    trigger: { S: trigger },
    expiresAt: { N: String(expiresAt(s)) },
  }));
  await inParallel(chunks(items, 25), 4, async (chunk) => {
    let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) await pause(attempt);
      const output = await s.client.send(new BatchWriteItemCommand({ RequestItems: { [s.table]: pending } }));
      pending = (output.UnprocessedItems?.[s.table] ?? []) as typeof pending;
    }
  });
}

/** Gives up this run's claims (its publish failed), so a retry need not wait for the lease to expire. */
export async function releaseClaims(connection: string, uuids: string[], owner: string, deps: DedupeDeps = {}): Promise<void> {
  const s = settings(deps);
  await inParallel([...new Set(uuids)], s.concurrency, async (uuid) => {
    try {
      await s.client.send(new DeleteItemCommand({
        TableName: s.table,
        Key: { pk: { S: dedupeKey(connection, uuid) } },
        // Only our own unfinished claim: never a published record, never another run's newer claim.
        ConditionExpression: '#owner = :owner AND #state = :publishing',
        ExpressionAttributeNames: { '#owner': 'owner', '#state': 'state' },
        ExpressionAttributeValues: { ':owner': { S: owner }, ':publishing': { S: 'publishing' } },
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  });
}

interface Settings {
  client: DynamoDBClient;
  table: string;
  ttlDays: number;
  leaseMs: number;
  now: () => number;
  concurrency: number;
}

function settings(deps: DedupeDeps): Settings {
  return {
    client: deps.dynamoDb ?? dynamoDb(),
    table: deps.tableName ?? requireTableName(),
    ttlDays: deps.ttlDays ?? config().dedupeTtlDays,
    leaseMs: deps.leaseMs ?? defaultLeaseMs,
    now: deps.now ?? Date.now,
    concurrency: deps.concurrency ?? 32,
  };
}

function expiresAt(s: Settings): number {
  return Math.floor(s.now() / 1000) + s.ttlDays * 86_400;
}

function classify(item: Item | undefined, now: number): 'published' | 'in-flight' | 'free' {
  if (!item) return 'free';
  // DynamoDB deletes expired items lazily (up to days later): an expired record no longer counts.
  if (Number(item.expiresAt?.N ?? 0) * 1000 <= now) return 'free';
  if (item.state?.S === 'published') return 'published';
  return Number(item.leaseUntil?.N ?? 0) > now ? 'in-flight' : 'free';
}

async function putClaim(s: Settings, connection: string, uuid: string, trigger: Trigger, owner: string): Promise<boolean> {
  const now = s.now();
  try {
    await s.client.send(new PutItemCommand({
      TableName: s.table,
      Item: {
        pk: { S: dedupeKey(connection, uuid) },
        state: { S: 'publishing' },
        trigger: { S: trigger },
        owner: { S: owner },
        leaseUntil: { N: String(now + s.leaseMs) },
        expiresAt: { N: String(expiresAt(s)) },
      },
      // Free to claim: never seen, or a claim whose holder crashed (lease over), or a record past its TTL.
      ConditionExpression:
        'attribute_not_exists(pk) OR (#state = :publishing AND #leaseUntil < :now) OR #expiresAt < :nowSeconds',
      ExpressionAttributeNames: { '#state': 'state', '#leaseUntil': 'leaseUntil', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: {
        ':publishing': { S: 'publishing' },
        ':now': { N: String(now) },
        ':nowSeconds': { N: String(Math.floor(now / 1000)) },
      },
    }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Consistent reads of `keys`, 100 per BatchGetItem, unprocessed keys retried. */
async function getItems(s: Settings, keys: string[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  await inParallel(chunks(keys, 100), 4, async (chunk) => {
    let pending: Item[] = chunk.map((pk) => ({ pk: { S: pk } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) await pause(attempt);
      const output = await s.client.send(new BatchGetItemCommand({
        RequestItems: { [s.table]: { Keys: pending, ConsistentRead: true } },
      }));
      for (const item of output.Responses?.[s.table] ?? []) found.set(item.pk?.S as string, item);
      pending = output.UnprocessedKeys?.[s.table]?.Keys ?? [];
    }
  });
  return found;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length > 0) await work(queue.shift() as T);
  });
  await Promise.all(workers);
}

/** Backoff for unprocessed batch items (DynamoDB asks for an exponential one). */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
}
