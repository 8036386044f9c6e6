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
export function publishEvents(entries: PutEventsRequestEntry[], deps: PublishDeps = {}): Promise<PublishResult> {
  return publishBuilt(entries.length, (i) => entries[i] as PutEventsRequestEntry, deps);
}

/** An entry and its size, built when its batch is about to be sent. */
interface Built {
  index: number;
  entry: PutEventsRequestEntry;
}

/**
 * Publishes `count` entries, each built by `entryAt(i)` only when a batch is about to take it, and says, entry by
 * entry, which ones EventBridge accepted. Only the batches in flight hold their entries: a page of 1,000 events is
 * never on hand twice, as objects and as entries (each entry's `Detail` is the event's JSON again).
 */
export async function publishBuilt(
  count: number,
  entryAt: (index: number) => PutEventsRequestEntry,
  deps: PublishDeps = {},
): Promise<PublishResult> {
  const client = deps.eventBridge ?? eventBridge();
  const concurrency = deps.concurrency ?? 8;
  const maxAttempts = deps.maxAttempts ?? 5;
  const sleep = deps.sleep ?? systemClock.sleep;
  const now = deps.now ?? Date.now;
  const accepted: boolean[] = new Array<boolean>(count).fill(false);

  // Batches are cut in order, as workers ask for them; an entry that does not fit into any call is never sent.
  let next = 0;
  let carried: { built: Built; size: number } | undefined;
  const nextBatch = (): Built[] | undefined => {
    const batch: Built[] = [];
    let bytes = 0;
    for (;;) {
      let item = carried;
      carried = undefined;
      if (!item) {
        if (next >= count) break;
        const index = next++;
        const entry = entryAt(index);
        item = { built: { index, entry }, size: entrySize(entry) };
        if (item.size > MAX_ENTRY_BYTES) continue;
      }
      if (batch.length === MAX_ENTRIES_PER_CALL || bytes + item.size > MAX_ENTRY_BYTES) {
        carried = item;
        break;
      }
      batch.push(item.built);
      bytes += item.size;
    }
    return batch.length > 0 ? batch : undefined;
  };

  const sendBatch = async (batch: Built[]): Promise<void> => {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const retry = await putOnce(client, pending, accepted);
      pending = retry;
      const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      if (pending.length === 0 || attempt >= maxAttempts) break;
      if (deps.deadline !== undefined && now() + delay >= deps.deadline) break;
      await sleep(delay);
    }
  };

  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, async () => {
    for (let batch = nextBatch(); batch; batch = nextBatch()) await sendBatch(batch);
  });
  await Promise.all(workers);

  const published = accepted.filter(Boolean).length;
  return { published, failed: count - published, accepted };
}

/** One PutEvents call; marks the accepted entries and returns those worth another attempt. */
async function putOnce(client: EventBridgeClient, batch: Built[], accepted: boolean[]): Promise<Built[]> {
  let output;
  try {
    output = await client.send(new PutEventsCommand({ Entries: batch.map((built) => built.entry) }));
  } catch (error) {
    return isRetryableCallError(error) ? batch : [];
  }
  const retry: Built[] = [];
  batch.forEach((built, position) => {
    const result = output.Entries?.[position];
    if (result?.EventId && !result.ErrorCode) accepted[built.index] = true;
    else if (result?.ErrorCode === undefined || retryableEntryCodes.has(result.ErrorCode)) retry.push(built);
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
