/**
 * Puts entries on the event bus: batches of at most 10 entries and 256 KB (EventBridge's PutEvents limits), a few
 * batches in flight at once, and retries with backoff of the entries EventBridge reports as failed and of calls it
 * throttles. Only what EventBridge accepted counts as published: PutEvents answers 200 even when some entries
 * failed, so `FailedEntryCount` and each entry's `ErrorCode` are read, never assumed.
 */
import { systemClock } from '../clock.js';
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { eventBridge } from '../aws-clients.js';
import { entrySize, MAX_ENTRY_BYTES } from './event-format.js';

export interface PublishDeps {
  eventBridge?: EventBridgeClient;
  /** Batches in flight at once. */
  concurrency?: number;
  /** Attempts per entry, the first one included. */
  maxAttempts?: number;
  /** Epoch ms after which no retry starts (a Lambda's deadline, an event hook's 3 s). */
  deadline?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface PublishResult {
  /** How many entries EventBridge accepted. */
  published: number;
  /** How many it still refused after the retries. */
  failed: number;
  /** Per input entry, in order: whether EventBridge accepted it. */
  accepted: boolean[];
}

const MAX_ENTRIES_PER_CALL = 10;
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

// Per-entry codes worth retrying; others (InvalidArgument, MalformedDetail, AccessDenied…) fail the same way again.
const retryableEntryCodes = new Set(['InternalFailure', 'ThrottlingException', 'ServiceUnavailable']);
// Whole-call errors worth retrying; the SDK has already retried these a few times itself.
const retryableCallErrors = new Set([
  'ThrottlingException',
  'InternalException',
  'InternalFailure',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);

/** Publishes `entries` and says, entry by entry, which ones EventBridge accepted. */
export async function publishEvents(entries: PutEventsRequestEntry[], deps: PublishDeps = {}): Promise<PublishResult> {
  const client = deps.eventBridge ?? eventBridge();
  const concurrency = deps.concurrency ?? 8;
  const maxAttempts = deps.maxAttempts ?? 5;
  const sleep = deps.sleep ?? systemClock.sleep;
  const now = deps.now ?? Date.now;
  const accepted = entries.map(() => false);

  const sizes = entries.map(entrySize);
  const fitting = entries.map((_, i) => i).filter((i) => (sizes[i] as number) <= MAX_ENTRY_BYTES);
  const queue = toBatches(fitting, sizes);

  const sendBatch = async (indexes: number[]): Promise<void> => {
    let pending = indexes;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const retry = await putOnce(client, entries, pending, accepted);
      pending = retry;
      const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      if (pending.length === 0 || attempt >= maxAttempts) break;
      if (deps.deadline !== undefined && now() + delay >= deps.deadline) break;
      await sleep(delay);
    }
  };

  const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) await sendBatch(batch);
  });
  await Promise.all(workers);

  const published = accepted.filter(Boolean).length;
  return { published, failed: entries.length - published, accepted };
}

/** One PutEvents call; marks the accepted entries and returns the indexes worth another attempt. */
async function putOnce(
  client: EventBridgeClient,
  entries: PutEventsRequestEntry[],
  indexes: number[],
  accepted: boolean[],
): Promise<number[]> {
  let output;
  try {
    output = await client.send(
      new PutEventsCommand({ Entries: indexes.map((i) => entries[i] as PutEventsRequestEntry) }),
    );
  } catch (error) {
    return isRetryableCallError(error) ? indexes : [];
  }
  const retry: number[] = [];
  indexes.forEach((entryIndex, position) => {
    const result = output.Entries?.[position];
    if (result?.EventId && !result.ErrorCode) accepted[entryIndex] = true;
    else if (result?.ErrorCode === undefined || retryableEntryCodes.has(result.ErrorCode)) retry.push(entryIndex);
  });
  return retry;
}

function isRetryableCallError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  // No HTTP status at all: the connection failed (reset, refused, timed out) before EventBridge answered.
  if (status === undefined && !('$fault' in error)) return true;
  return retryableCallErrors.has(error.name);
}

/** Packs entry indexes, in order, into batches of at most 10 entries and 256 KB in total. */
export function toBatches(indexes: number[], sizes: number[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  for (const index of indexes) {
    const size = sizes[index] as number;
    if (current.length === MAX_ENTRIES_PER_CALL || currentBytes + size > MAX_ENTRY_BYTES) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(index);
    currentBytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
