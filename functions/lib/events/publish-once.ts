/**
 * What every live trigger does with the events it received (dedupe.ts has the protocol): under the connection's
 * publish lock, skip the uuids published before, publish the others, and mark as published exactly those
 * EventBridge accepted. Each uuid reaches the bus once per connection, whichever trigger (hook or poller) saw it
 * first, and a failure loses nothing: what is not marked is published by the next attempt.
 */
import { config } from '../config.js';
import { markPublished, publishedAmong, withPublishLock, type DedupeDeps } from './dedupe.js';
import { toEventEntry, type LogEvent, type Trigger } from './event-format.js';
import { publishBuilt, type PublishDeps } from './publish.js';

export interface PublishOnceOptions {
  connection: string;
  trigger: Trigger;
  /** When the trigger received the events, ISO 8601. */
  receivedAt: string;
  /** Epoch ms after which no wait for the lock and no publish retry starts (default: 60 s from now). */
  deadline?: number;
}

export interface PublishOnceDeps {
  dedupe?: DedupeDeps;
  publish?: PublishDeps;
  now?: () => number;
}

export interface PublishOnceResult {
  /** Events given, repeated uuids included. */
  events: number;
  /** Published by this call. */
  published: number;
  /** Skipped: published before, or repeated within `events`. */
  duplicates: number;
  /** Not published (EventBridge refused them, or the lock was busy until the deadline); not marked either. */
  failed: number;
}

/** Keeps the last publish attempt this far inside the lock's lease. */
const LEASE_MARGIN_MS = 5_000;

/** Publishes the events not published before, and only those; see the file comment. */
export async function publishOnce(
  events: LogEvent[],
  options: PublishOnceOptions,
  deps: PublishOnceDeps = {},
): Promise<PublishOnceResult> {
  const now = deps.now ?? Date.now;
  const deadline = options.deadline ?? now() + 60_000;
  const byUuid = new Map<string, LogEvent>();
  for (const event of events) if (!byUuid.has(event.uuid)) byUuid.set(event.uuid, event);
  const repeated = events.length - byUuid.size;
  if (byUuid.size === 0) return { events: events.length, published: 0, duplicates: repeated, failed: 0 };

  const outcome = await withPublishLock(
    options.connection,
    deadline,
    async (lock) => {
      const known = await publishedAmong(options.connection, [...byUuid.keys()], deps.dedupe);
      const fresh = [...byUuid.values()].filter((event) => !known.has(event.uuid));
      const { published, failed } = await publishFresh(
        fresh,
        options,
        Math.min(deadline, lock.leaseUntil - LEASE_MARGIN_MS),
        deps,
      );
      return { published, failed, duplicates: repeated + known.size };
    },
    deps.dedupe,
  );

  if (!outcome.acquired) return { events: events.length, published: 0, duplicates: repeated, failed: byUuid.size };
  return { events: events.length, ...outcome.value };
}

async function publishFresh(
  events: LogEvent[],
  options: PublishOnceOptions,
  deadline: number,
  deps: PublishOnceDeps,
): Promise<{ published: number; failed: number }> {
  if (events.length === 0) return { published: 0, failed: 0 };
  const cfg = config();
  const mark = { connection: options.connection, trigger: options.trigger, receivedAt: options.receivedAt };
  const target = { source: cfg.eventSource, eventBusName: cfg.eventBusName };
  const { accepted } = await publishBuilt(events.length, (i) => toEventEntry(events[i] as LogEvent, mark, target), {
    deadline,
    concurrency: 16,
    ...deps.publish,
  });
  const done = events.filter((_, i) => accepted[i]).map((event) => event.uuid);
  if (done.length > 0) await markPublished(options.connection, done, options.trigger, deps.dedupe);
  return { published: done.length, failed: events.length - done.length };
}
