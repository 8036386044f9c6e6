import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSEvent } from 'aws-lambda';
import { mockPublishPath } from '../../support/mock-publish-path.js';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/triggers/publish-deliveries.js';
import type { OktaEventDetail } from '../../../infra/catalog-types.js';

const { dynamo, eventBridge } = mockPublishPath();
const context = { getRemainingTimeInMillis: () => 30_000 };

const event = (i: number) => ({
  uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  published: new Date().toISOString(),
  eventType: 'user.session.start',
});
const record = (messageId: string, body: unknown) => ({
  messageId,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const sqsEvent = (...records: Array<{ messageId: string; body: string }>) =>
  ({ Records: records }) as unknown as SQSEvent;

describe('publish-deliveries', () => {
  it('publishes every queued event under one lock per connection and reports no failure', async () => {
    const receivedAt = new Date().toISOString();
    const answer = await handler(
      sqsEvent(
        record('m1', { connection: 'acme', receivedAt, events: [event(1), event(2)] }),
        record('m2', { connection: 'acme', receivedAt, events: [event(3)] }),
        record('m3', { connection: 'globex', receivedAt, events: [event(4)] }),
      ),
      context,
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries).toHaveLength(4);
    expect((JSON.parse(entries[0]!.Detail!) as OktaEventDetail)['okta-connector']).toMatchObject({
      connection: 'acme',
      trigger: 'event-hook',
    });
    // One publish lock each for acme and globex.
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(2);
  });

  it('reports the messages of a connection whose events EventBridge refused, and only those', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: Array<{ Detail: string }> }) => {
      const failed = input.Entries.map(
        (e) => (JSON.parse(e.Detail) as OktaEventDetail)['okta-connector'].connection === 'globex',
      );
      return {
        FailedEntryCount: failed.filter(Boolean).length,
        Entries: failed.map((f) => (f ? { ErrorCode: 'InternalFailure' } : { EventId: 'e' })),
      };
    });
    const receivedAt = new Date().toISOString();
    const answer = await handler(
      sqsEvent(
        record('m1', { connection: 'acme', receivedAt, events: [event(1)] }),
        record('m2', { connection: 'globex', receivedAt, events: [event(2)] }),
      ),
      { getRemainingTimeInMillis: () => 5_000 },
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
  });

  it('reports a message that is not a delivery, so it ends in the dead-letter queue', async () => {
    const answer = await handler(sqsEvent(record('bad', 'not json')), context);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
