import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../../../functions/lib/config.js';
import { publishedAmong, withPublishLock } from '../../../../functions/lib/events/dedupe.js';
import type { LogEvent } from '../../../../functions/lib/events/event-format.js';
import { publishOnce, type PublishOnceDeps } from '../../../../functions/lib/events/publish-once.js';
import { startLocalAws, type LocalAws } from '../../../../local/aws/index.js';

// On dynalite and the local EventBridge, so the lock, the dedupe records and the partial failures are the wire's.
let aws: LocalAws;
let dynamoDb: DynamoDBClient;
let eventBridge: EventBridgeClient;
const TABLE = 'publish-once';
const RECEIVED_AT = '2026-12-03T16:00:00.000Z';

beforeAll(async () => {
  aws = await startLocalAws();
  await aws.createTable(TABLE);
  const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  dynamoDb = new DynamoDBClient({ ...local, endpoint: aws.endpoints.dynamodb });
  eventBridge = new EventBridgeClient({ ...local, endpoint: aws.endpoints.eventbridge });
  resetConfig();
});
afterAll(async () => {
  dynamoDb.destroy();
  eventBridge.destroy();
  await aws.close();
  resetConfig();
});
beforeEach(() => aws.eventBridge.clear());

/** The clients are made in beforeAll, so the deps are built per call. */
function wired(): PublishOnceDeps {
  return {
    dedupe: { dynamoDb, tableName: TABLE, sleep: () => Promise.resolve() },
    publish: { eventBridge, maxAttempts: 1, sleep: () => Promise.resolve() },
  };
}

function event(uuid: string): LogEvent {
  return { uuid, published: '2026-12-03T15:59:00.000Z', eventType: 'user.session.start' };
}
const publishedUuids = () => aws.eventBridge.entries().map((entry) => (JSON.parse(entry.Detail) as LogEvent).uuid);

describe('publishOnce', () => {
  it('publishes each uuid once, counting the repeats within the call as duplicates', async () => {
    const result = await publishOnce(
      [event('a1'), event('a2'), event('a1')],
      { connection: 'acme', trigger: 'poll', receivedAt: RECEIVED_AT },
      wired(),
    );

    expect(result).toEqual({ events: 3, published: 2, duplicates: 1, failed: 0 });
    expect(publishedUuids()).toEqual(['a1', 'a2']);
    expect(await publishedAmong('acme', ['a1', 'a2'], wired().dedupe)).toEqual(new Set(['a1', 'a2']));
  });

  it('skips the uuids published before by any trigger of the same connection', async () => {
    await publishOnce([event('b1')], { connection: 'acme', trigger: 'event-hook', receivedAt: RECEIVED_AT }, wired());
    aws.eventBridge.clear();

    const result = await publishOnce(
      [event('b1'), event('b2')],
      { connection: 'acme', trigger: 'poll', receivedAt: RECEIVED_AT },
      wired(),
    );

    expect(result).toEqual({ events: 2, published: 1, duplicates: 1, failed: 0 });
    expect(publishedUuids()).toEqual(['b2']);
  });

  it('keeps connections apart: a uuid published for one connection is published for another', async () => {
    await publishOnce([event('c1')], { connection: 'acme', trigger: 'poll', receivedAt: RECEIVED_AT }, wired());
    const result = await publishOnce(
      [event('c1')],
      { connection: 'globex', trigger: 'poll', receivedAt: RECEIVED_AT },
      wired(),
    );
    expect(result).toMatchObject({ published: 1, duplicates: 0 });
  });

  it('marks only what EventBridge accepted, so the next attempt publishes what it refused', async () => {
    aws.eventBridge.failEntries({ count: 1, match: (entry) => entry.Detail.includes('"d2"') });
    const callsBefore = aws.eventBridge.callCount();

    const first = await publishOnce(
      [event('d1'), event('d2')],
      { connection: 'acme', trigger: 'poll', receivedAt: RECEIVED_AT },
      wired(),
    );

    // The fault fired: a PutEvents call was made and d2 was refused.
    expect(aws.eventBridge.callCount()).toBeGreaterThan(callsBefore);
    expect(first).toEqual({ events: 2, published: 1, duplicates: 0, failed: 1 });
    expect(publishedUuids()).toEqual(['d1']);
    expect(await publishedAmong('acme', ['d1', 'd2'], wired().dedupe)).toEqual(new Set(['d1']));

    const second = await publishOnce(
      [event('d1'), event('d2')],
      { connection: 'acme', trigger: 'poll', receivedAt: RECEIVED_AT },
      wired(),
    );
    expect(second).toEqual({ events: 2, published: 1, duplicates: 1, failed: 0 });
    expect(publishedUuids()).toEqual(['d1', 'd2']);
  });

  it('publishes nothing and reports every distinct uuid failed when the publish lock stays busy past the deadline', async () => {
    let result: Awaited<ReturnType<typeof publishOnce>> | undefined;
    const held = await withPublishLock(
      'acme',
      Date.now() + 5_000,
      async () => {
        result = await publishOnce(
          [event('e1'), event('e2'), event('e1')],
          { connection: 'acme', trigger: 'poll', receivedAt: RECEIVED_AT, deadline: Date.now() + 200 },
          wired(),
        );
      },
      { dynamoDb, tableName: TABLE },
    );

    expect(held.acquired).toBe(true);
    expect(result).toEqual({ events: 3, published: 0, duplicates: 1, failed: 2 });
    expect(publishedUuids()).toEqual([]);
    expect(await publishedAmong('acme', ['e1', 'e2'], wired().dedupe)).toEqual(new Set());
  });

  it('makes no call at all for an empty batch', async () => {
    const callsBefore = aws.eventBridge.callCount();
    const result = await publishOnce([], { connection: 'acme', trigger: 'poll', receivedAt: RECEIVED_AT }, wired());
    expect(result).toEqual({ events: 0, published: 0, duplicates: 0, failed: 0 });
    expect(aws.eventBridge.callCount()).toBe(callsBefore);
  });
});
