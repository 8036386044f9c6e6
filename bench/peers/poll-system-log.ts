/**
 * The System Log poller written with `@okta/okta-sdk-nodejs`: the peer of `functions/triggers/poll-system-log.ts`.
 * It does what a user would write: `systemLogApi.listLogEvents` from a cursor, 1,000 events a page, each event
 * published to EventBridge in the contract's shape, the cursor kept after every page. The SDK knows nothing of a
 * reserve: it pages as fast as Okta answers, and on a 429 it waits for the reset and retries (twice at most).
 * The cursor is kept in the container's memory, which is less work than the connector's conditional DynamoDB write.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Client } from '@okta/okta-sdk-nodejs';
import { afterOf, oktaSdkClient } from './okta-sdk-client.js';

const eventBridge = new EventBridgeClient({});
const cursors = new Map<string, string>();

export interface PollInput {
  connection?: string;
  /** Where a first poll starts (ISO 8601); 7 days ago by default. */
  since?: string;
}

export interface PollResult {
  events: number;
  pages: number;
}

interface LogEventLike {
  uuid: string;
  published: string | Date;
  eventType: string;
}

export interface PollPeerDeps {
  /** An SDK client built by the caller (the bench gives one whose 429 waits move the simulator's clock). */
  client?: Client;
  /** Told the size of each page once it is on the bus (the bench counts a run that later fails). */
  onPublished?: (events: number) => void;
}

export const handler = async (
  input: PollInput = {},
  _context?: unknown,
  deps: PollPeerDeps = {},
): Promise<PollResult> => {
  const connection = input.connection ?? process.env.DEFAULT_CONNECTION ?? 'default';
  const client = deps.client ?? (await oktaSdkClient(connection));
  const cursor = cursors.get(connection);
  const since = input.since ?? new Date(Date.now() - 7 * 86_400_000).toISOString();
  const collection = await client.systemLogApi.listLogEvents(
    cursor ? { after: cursor, limit: 1000 } : { since, limit: 1000 },
  );
  let batch: LogEventLike[] = [];
  let events = 0;
  let pages = 0;
  for await (const event of collection) {
    // A polling query never ends (it always has a next link); an empty page is the SDK's `null` item.
    if (!event) break;
    batch.push(event as unknown as LogEventLike);
    if (collection.currentItems.length === 0) {
      await publish(connection, batch);
      deps.onPublished?.(batch.length);
      events += batch.length;
      pages += 1;
      batch = [];
      const after = afterOf(collection.nextUri);
      if (after) cursors.set(connection, after);
    }
  }
  return { events, pages };
};

async function publish(connection: string, events: LogEventLike[]): Promise<void> {
  const receivedAt = new Date().toISOString();
  for (let i = 0; i < events.length; i += 10) {
    const entries: PutEventsRequestEntry[] = events.slice(i, i + 10).map((event) => ({
      Source: process.env.EVENT_SOURCE ?? 'okta-connector',
      DetailType: event.eventType,
      Time: new Date(event.published),
      EventBusName: process.env.EVENT_BUS_NAME ?? 'default',
      Detail: JSON.stringify({ ...event, 'okta-connector': { connection, trigger: 'poll', receivedAt } }),
    }));
    const result = await eventBridge.send(new PutEventsCommand({ Entries: entries }));
    if (result.FailedEntryCount) throw new Error(`EventBridge refused ${result.FailedEntryCount} entries`);
  }
}
