import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { publishBuilt, publishEvents } from '../../../../functions/lib/events/publish.js';

const eventBridge = mockClient(EventBridgeClient);
const client = new EventBridgeClient({});
const noWait = { eventBridge: client, sleep: () => Promise.resolve() };

function entries(count: number, detailBytes = 20): PutEventsRequestEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    Source: 'okta-connector',
    DetailType: 'user.session.start',
    Detail: JSON.stringify({ uuid: `u${i}`, pad: 'x'.repeat(detailBytes) }),
    EventBusName: 'default',
  }));
}

/** Accepts every entry of every call. */
function acceptAll() {
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `id-${i}` })),
  }));
}

function sentEntries(): PutEventsRequestEntry[][] {
  return eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
}

afterEach(() => eventBridge.reset());

describe('publishEvents', () => {
  it('sends at most 10 entries per PutEvents call', async () => {
    acceptAll();
    const result = await publishEvents(entries(25), noWait);
    expect(sentEntries().map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(result).toMatchObject({ published: 25, failed: 0 });
  });

  it('keeps every call under 256 KB in total', async () => {
    acceptAll();
    await publishEvents(entries(6, 100_000), noWait);
    expect(sentEntries().map((batch) => batch.length)).toEqual([2, 2, 2]);
  });

  it('retries only the entries EventBridge reported as failed', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'x' }, { EventId: 'c' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const input = entries(3);
    const result = await publishEvents(input, noWait);
    expect(sentEntries()[1]).toEqual([input[1]]);
    expect(result).toEqual({ published: 3, failed: 0, accepted: [true, true, true] });
  });

  it('retries a call EventBridge throttled as a whole', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(throttled)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'a' }] });
    const result = await publishEvents(entries(1), noWait);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(result.published).toBe(1);
  });

  it('does not retry an entry refused for a reason that will not change', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'bad' }] });
    const result = await publishEvents(entries(1), noWait);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(result).toEqual({ published: 0, failed: 1, accepted: [false] });
  });

  it('does not retry a call refused as invalid', async () => {
    const invalid = Object.assign(new Error('bad'), {
      name: 'ValidationException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    eventBridge.on(PutEventsCommand).rejects(invalid);
    const result = await publishEvents(entries(2), noWait);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(result.failed).toBe(2);
  });

  it('counts as failed the entries still refused after the last attempt', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'x' }] });
    const result = await publishEvents(entries(1), { ...noWait, maxAttempts: 3 });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
    expect(result).toMatchObject({ published: 0, failed: 1 });
  });

  it('starts no retry after the deadline', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] });
    const result = await publishEvents(entries(1), { ...noWait, now: () => 1_000, deadline: 1_001 });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(result.failed).toBe(1);
  });

  it('fails an entry over 256 KB without sending it', async () => {
    acceptAll();
    const result = await publishEvents(entries(1, 300_000), noWait);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(result.failed).toBe(1);
  });

  it('sends several batches at once', async () => {
    let inFlight = 0;
    let most = 0;
    eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries: unknown[] }) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) };
    });
    await publishEvents(entries(100), { ...noWait, concurrency: 4 });
    expect(most).toBe(4);
  });
});

describe('publishBuilt', () => {
  it('keeps the order of the entries across calls', async () => {
    acceptAll();
    const input = entries(25);
    await publishBuilt(input.length, (i) => input[i]!, { ...noWait, concurrency: 1 });
    expect(sentEntries().flat()).toEqual(input);
  });

  it('builds each entry only when a batch is about to take it, so a page is never held twice', async () => {
    const input = entries(100);
    let built = 0;
    const builtWhenSent: number[] = [];
    eventBridge.on(PutEventsCommand).callsFake((call: { Entries: unknown[] }) => {
      builtWhenSent.push(built);
      return { FailedEntryCount: 0, Entries: call.Entries.map(() => ({ EventId: 'x' })) };
    });
    const result = await publishBuilt(
      input.length,
      (i) => {
        built += 1;
        return input[i]!;
      },
      { ...noWait, concurrency: 2 },
    );
    expect(result.published).toBe(100);
    // Two batches in flight, and the one entry that ended a batch by not fitting.
    for (const [call, count] of builtWhenSent.entries()) expect(count).toBeLessThanOrEqual((call + 2) * 10 + 1);
    expect(builtWhenSent[0]).toBeLessThanOrEqual(11);
  });

  it('never sends an entry over 256 KB, and says it was not accepted', async () => {
    acceptAll();
    const input = [...entries(1), ...entries(1, 300_000), ...entries(1)];
    const result = await publishBuilt(input.length, (i) => input[i]!, noWait);
    expect(result.accepted).toEqual([true, false, true]);
    expect(sentEntries().flat()).toEqual([input[0], input[2]]);
  });
});
