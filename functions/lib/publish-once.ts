/**
 * What every live trigger does with the events it received: claim them in the dedupe table, publish the claimed
 * ones, then mark as published exactly those EventBridge accepted and release the rest, so each uuid reaches the
 * bus once per connection whichever trigger (hook or poller) saw it first, and a failure loses nothing.
 */
import { config } from './config.js';
import { claimEvents, markPublished, releaseClaims, type DedupeDeps } from './dedupe.js';
import { toEventEntry, type LogEvent, type Trigger } from './event-format.js';
import { publishEvents, type PublishDeps } from './publish.js';

export interface PublishOnceOptions {
  connection: string;
  trigger: Trigger;
  /** When the trigger received the events, ISO 8601. */
  receivedAt: string;
  /** Epoch ms after which no retry or wait starts. */
  deadline?: number;
  /**
   * Wait for events another run is publishing right now until they are published or its lease expires (then
   * claim them). The poller does, since it moves its cursor past them; the hook does not, since the poller
   * reads every event again anyway.
   */
  waitForInFlight?: boolean;
}

export interface PublishOnceDeps {
  dedupe?: DedupeDeps;
  publish?: PublishDeps;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface PublishOnceResult {
  /** Events given, repeated uuids included. */
  events: number;
  /** Published by this call. */
  published: number;
  /** Skipped: published before (or repeated within `events`). */
  duplicates: number;
  /** Claimed by another run that had not finished publishing them. */
  inFlight: number;
  /** Not published; their claims were released, so the next attempt publishes them. */
  failed: number;
}

const inFlightRecheckMs = 500;

/** Publishes the events not published before, and only those; see the file comment. */
export async function publishOnce(events: LogEvent[], options: PublishOnceOptions, deps: PublishOnceDeps = {}): Promise<PublishOnceResult> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? Date.now;
  const byUuid = new Map<string, LogEvent>();
  for (const event of events) if (!byUuid.has(event.uuid)) byUuid.set(event.uuid, event);
  const result: PublishOnceResult = { events: events.length, published: 0, duplicates: events.length - byUuid.size, inFlight: 0, failed: 0 };

  let pending = [...byUuid.keys()];
  for (;;) {
    const claim = await claimEvents(options.connection, pending, options.trigger, deps.dedupe);
    result.duplicates += claim.published.length;
    if (claim.claimed.length > 0) {
      const outcome = await publishClaimed(claim.claimed.map((uuid) => byUuid.get(uuid) as LogEvent), claim.owner, options, deps);
      result.published += outcome.published;
      result.failed += outcome.failed;
    }
    pending = claim.inFlight;
    const canWait = options.waitForInFlight && (options.deadline === undefined || now() + inFlightRecheckMs < options.deadline);
    if (pending.length === 0 || !canWait) break;
    await sleep(inFlightRecheckMs);
  }
  result.inFlight = pending.length;
  return result;
}

async function publishClaimed(
  events: LogEvent[],
  owner: string,
  options: PublishOnceOptions,
  deps: PublishOnceDeps,
): Promise<{ published: number; failed: number }> {
  const cfg = config();
  const mark = { connection: options.connection, trigger: options.trigger, receivedAt: options.receivedAt };
  const target = { source: cfg.eventSource, eventBusName: cfg.eventBusName };
  const entries = events.map((event) => toEventEntry(event, mark, target));
  const { accepted } = await publishEvents(entries, { deadline: options.deadline, ...deps.publish });
  const done = events.filter((_, i) => accepted[i]).map((e) => e.uuid);
  const notDone = events.filter((_, i) => !accepted[i]).map((e) => e.uuid);
  if (done.length > 0) await markPublished(options.connection, done, options.trigger, deps.dedupe);
  if (notDone.length > 0) await releaseClaims(options.connection, notDone, owner, deps.dedupe);
  return { published: done.length, failed: notDone.length };
}
