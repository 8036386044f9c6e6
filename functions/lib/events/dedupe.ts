/**
 * The shared dedupe of docs/CONTRACT.md §3: each (connection, uuid) is published at most once, whichever trigger saw
 * it first. One record per published event, `dedupe#<connection>#<uuid>` (docs/ARCHITECTURE.md), with a TTL.
 *
 * The protocol, per batch of events (a hook delivery, a poller page):
 *
 *   claim   the connection's publish lock `lock#<connection>#publish`   conditional PutItem, short lease
 *   read    which uuids are published already                         BatchGetItem, 100 keys a call
 *   publish the others to EventBridge
 *   mark    exactly those EventBridge accepted as published            BatchWriteItem, 25 items a call
 *   release the lock                                                   conditional DeleteItem (own lease only)
 *
 * Nothing is marked before EventBridge accepted it, so a crash between dedupe and publish loses nothing: the lease
 * expires and the next holder publishes what is still unmarked. A crash after publishing and before marking can
 * publish those events a second time: the one window where that can happen.
 *
 * Why one lock per connection rather than one conditional PutItem per event: both are safe, but the lock costs
 * two conditional writes per batch instead of one per event, so a page of 1,000 events costs ~55 DynamoDB calls
 * instead of ~1,050. The hook and the poller take turns; a holder keeps it for one batch (well under a second).
 */
import { systemClock } from '../clock.js';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { dynamoDb } from '../aws-clients.js';
import { config, requireTableName } from '../config.js';
import type { Trigger } from './event-format.js';
import { withLeaseLock } from '../lease-lock.js';
import { dedupeKey, publishLockKey as lockKey } from '../table-keys.js';

export interface DedupeDeps {
  dynamoDb?: DynamoDBClient;
  tableName?: string;
  ttlDays?: number;
  /** How long a lock keeps others away if its holder crashed; longer than any one batch's publish. */
  leaseMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A held publish lock. */
export interface PublishLock {
  connection: string;
  owner: string;
  /** Epoch ms when the lease ends: the holder must be done (no new publish attempt) by then. */
  leaseUntil: number;
}

type Item = Record<string, AttributeValue>;

const MAX_BATCH_ATTEMPTS = 8;

export { dedupeKey, lockKey };

/**
 * Runs `work` holding the connection's publish lock, waiting for it until `deadline` (epoch ms). Returns
 * `{acquired: false}` when the lock could not be had in time; the lock is released however `work` ends.
 */
export async function withPublishLock<T>(
  connection: string,
  deadline: number,
  work: (lock: PublishLock) => Promise<T>,
  deps: DedupeDeps = {},
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  return withLeaseLock(
    lockKey(connection),
    deadline,
    (lock) => work({ connection, owner: lock.owner, leaseUntil: lock.leaseUntil }),
    deps,
  );
}

/** Which of `uuids` are recorded as published (consistent reads, 100 keys per call, unprocessed keys retried). */
export async function publishedAmong(connection: string, uuids: string[], deps: DedupeDeps = {}): Promise<Set<string>> {
  const s = settings(deps);
  const published = new Set<string>();
  const prefix = dedupeKey(connection, '');
  await inParallel(chunks([...new Set(uuids)], 100), 4, async (chunk) => {
    let pending: Item[] = chunk.map((uuid) => ({ pk: { S: dedupeKey(connection, uuid) } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) await pause(s, attempt);
      const output = await s.client.send(
        new BatchGetItemCommand({
          RequestItems: { [s.table]: { Keys: pending, ConsistentRead: true, ProjectionExpression: 'pk, expiresAt' } },
        }),
      );
      for (const item of output.Responses?.[s.table] ?? []) {
        // DynamoDB deletes expired items lazily (up to days later): a record past its TTL no longer counts.
        if (Number(item.expiresAt?.N ?? 0) * 1000 > s.now()) published.add((item.pk?.S ?? '').slice(prefix.length));
      }
      pending = output.UnprocessedKeys?.[s.table]?.Keys ?? [];
    }
  });
  return published;
}

/** Records that EventBridge accepted these events, so every trigger skips them until the TTL. */
export async function markPublished(
  connection: string,
  uuids: string[],
  trigger: Trigger,
  deps: DedupeDeps = {},
): Promise<void> {
  const s = settings(deps);
  const expiresAt = String(Math.floor(s.now() / 1000) + s.ttlDays * 86_400);
  const items = [...new Set(uuids)].map((uuid) => ({
    pk: { S: dedupeKey(connection, uuid) },
    state: { S: 'published' },
    trigger: { S: trigger },
    expiresAt: { N: expiresAt },
  }));
  await inParallel(chunks(items, 25), 4, async (chunk) => {
    let pending = chunk.map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= MAX_BATCH_ATTEMPTS)
        throw new Error(`DynamoDB left ${pending.length} dedupe records unwritten after ${attempt} attempts`);
      if (attempt > 0) await pause(s, attempt);
      try {
        const output = await s.client.send(new BatchWriteItemCommand({ RequestItems: { [s.table]: pending } }));
        pending = (output.UnprocessedItems?.[s.table] ?? []) as typeof pending;
      } catch (error) {
        // The events are on the bus already: a throttled call (the SDK's retries spent) wrote nothing, so the whole
        // chunk is retried like unprocessed items rather than left unmarked, which would publish it again.
        if (!isThrottling(error)) throw error;
      }
    }
  });
}

interface Settings {
  client: DynamoDBClient;
  table: string;
  ttlDays: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

function settings(deps: DedupeDeps): Settings {
  return {
    client: deps.dynamoDb ?? dynamoDb(),
    table: deps.tableName ?? requireTableName(),
    ttlDays: deps.ttlDays ?? config().dedupeTtlDays,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? systemClock.sleep,
  };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(workers);
}

function isThrottling(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return (
    name === 'ProvisionedThroughputExceededException' ||
    name === 'ThrottlingException' ||
    name === 'RequestLimitExceeded'
  );
}

/** Backoff for unprocessed batch items (DynamoDB asks for an exponential one). */
function pause(s: Settings, attempt: number): Promise<void> {
  return s.sleep(Math.min(1_000, 25 * 2 ** attempt));
}
