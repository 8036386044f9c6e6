import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';
import { match } from '../../support/match.js';

// The real SDK client, configured only through the AWS_ENDPOINT_URL_EVENTBRIDGE environment variable.
let aws: LocalAws;
let client: EventBridgeClient;
const savedEnv = { ...process.env };

beforeAll(async () => {
  aws = await startLocalAws();
  Object.assign(process.env, aws.env());
  client = new EventBridgeClient({ maxAttempts: 1 });
});
afterEach(() => aws.eventBridge.clear());
afterAll(async () => {
  client.destroy();
  await aws.close();
  process.env = savedEnv;
});

const entry = (overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'okta-connector',
  DetailType: 'user.lifecycle.create',
  Detail: JSON.stringify({ uuid: 'u1', eventType: 'user.lifecycle.create' }),
  EventBusName: 'okta-bus',
  ...overrides,
});

describe('local EventBridge: PutEvents', () => {
  it('records an accepted entry as PutEvents received it, reached through AWS_ENDPOINT_URL_EVENTBRIDGE', async () => {
    const time = new Date('2026-11-29T12:01:03.000Z');
    const result = await client.send(new PutEventsCommand({ Entries: [entry({ Time: time })] }));

    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(aws.eventBridge.entries()).toEqual([
      {
        Source: 'okta-connector',
        DetailType: 'user.lifecycle.create',
        Detail: JSON.stringify({ uuid: 'u1', eventType: 'user.lifecycle.create' }),
        Time: '2026-11-29T12:01:03.000Z',
        EventBusName: 'okta-bus',
      },
    ]);
  });

  it('keeps entries oldest first and serves them at GET /events', async () => {
    await client.send(new PutEventsCommand({ Entries: [entry({ DetailType: 'a' }), entry({ DetailType: 'b' })] }));
    await client.send(new PutEventsCommand({ Entries: [entry({ DetailType: 'c' })] }));

    const response = await fetch(`${aws.endpoints.eventbridge}/events`);
    const served = (await response.json()) as Array<{ DetailType: string }>;
    expect(served.map((e) => e.DetailType)).toEqual(['a', 'b', 'c']);
  });

  it('tells listeners of each accepted entry', async () => {
    const seen: string[] = [];
    const stop = aws.eventBridge.onEntry((e) => seen.push(e.DetailType));
    await client.send(new PutEventsCommand({ Entries: [entry({ DetailType: 'a' }), entry({ Detail: 'bad' })] }));
    stop();
    await client.send(new PutEventsCommand({ Entries: [entry({ DetailType: 'b' })] }));

    expect(seen).toEqual(['a']);
  });

  it('uses the default bus and the time of the call when the entry names neither', async () => {
    const before = Date.now();
    await client.send(new PutEventsCommand({ Entries: [entry({ EventBusName: undefined })] }));

    const [recorded] = aws.eventBridge.entries();
    expect(recorded?.EventBusName).toBe('default');
    expect(Date.parse(recorded?.Time ?? '')).toBeGreaterThanOrEqual(before - 1000);
  });

  it('rejects a call of more than 10 entries with ValidationException', async () => {
    const entries = Array.from({ length: 11 }, () => entry());
    await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(aws.eventBridge.entries()).toHaveLength(0);
  });

  it('rejects entries over 256 KB, counted as AWS counts them (Time is 14 bytes, strings in UTF-8)', async () => {
    // 14 (Time) + 14 (Source) + 1 (DetailType) + 10 ('{"a":"é"}' minus the padding) bytes, then ASCII padding.
    const detail = (bytes: number) => JSON.stringify({ a: 'é' + 'x'.repeat(bytes - 14 - 14 - 1 - 10) });
    const fits = entry({ DetailType: 'x', Time: new Date(), Detail: detail(256 * 1024) });
    const tooBig = entry({ DetailType: 'x', Time: new Date(), Detail: detail(256 * 1024 + 1) });

    await expect(client.send(new PutEventsCommand({ Entries: [fits] }))).resolves.toMatchObject({
      FailedEntryCount: 0,
    });
    await expect(client.send(new PutEventsCommand({ Entries: [tooBig] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
  });

  it('rejects a call whose entries together exceed 256 KB', async () => {
    const half = entry({ Detail: JSON.stringify({ a: 'x'.repeat(140 * 1024) }) });
    await expect(client.send(new PutEventsCommand({ Entries: [half, half] }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it.each([
    ['Source', { Source: undefined }, 'InvalidArgument'],
    ['DetailType', { DetailType: undefined }, 'InvalidArgument'],
    ['Detail', { Detail: undefined }, 'InvalidArgument'],
    ['Detail that is not JSON', { Detail: '{not json' }, 'MalformedDetail'],
    ['Detail that is not an object', { Detail: '[1,2]' }, 'MalformedDetail'],
  ])('fails an entry without a valid %s with %s, and accepts the others', async (_name, overrides, code) => {
    const result = await client.send(new PutEventsCommand({ Entries: [entry(), entry(overrides)] }));

    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries?.[0]?.EventId).toBeDefined();
    expect(result.Entries?.[1]).toMatchObject({ ErrorCode: code, ErrorMessage: match.any(String) });
    expect(aws.eventBridge.entries()).toHaveLength(1);
  });
});

describe('local EventBridge: fault injection', () => {
  it.each(['InternalFailure', 'ThrottlingException'] as const)(
    'fails the next entries with %s as a partial failure',
    async (errorCode) => {
      aws.eventBridge.failEntries({ count: 2, errorCode });
      const result = await client.send(
        new PutEventsCommand({
          Entries: [entry({ DetailType: 'a' }), entry({ DetailType: 'b' }), entry({ DetailType: 'c' })],
        }),
      );

      expect(result.FailedEntryCount).toBe(2);
      expect(result.Entries?.map((e) => e.ErrorCode)).toEqual([errorCode, errorCode, undefined]);
      expect(aws.eventBridge.entries().map((e) => e.DetailType)).toEqual(['c']);
    },
  );

  it('fails only the entries that match', async () => {
    aws.eventBridge.failEntries({ match: (e) => e.DetailType === 'b' });
    const result = await client.send(
      new PutEventsCommand({ Entries: [entry({ DetailType: 'a' }), entry({ DetailType: 'b' })] }),
    );

    expect(result.Entries?.map((e) => e.ErrorCode)).toEqual([undefined, 'InternalFailure']);
  });

  it('throttles whole calls with 400 ThrottlingException, counts them, then accepts again', async () => {
    const throttled = aws.eventBridge.throttledCount();
    aws.eventBridge.throttle(1);
    await expect(client.send(new PutEventsCommand({ Entries: [entry()] }))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(client.send(new PutEventsCommand({ Entries: [entry()] }))).resolves.toMatchObject({
      FailedEntryCount: 0,
    });
    expect(aws.eventBridge.throttledCount() - throttled).toBe(1);
  });

  it('lets the SDK retry a throttled call on its own', async () => {
    const retrying = new EventBridgeClient({ maxAttempts: 3 });
    aws.eventBridge.throttle(1);
    const calls = aws.eventBridge.callCount();

    await expect(retrying.send(new PutEventsCommand({ Entries: [entry()] }))).resolves.toMatchObject({
      FailedEntryCount: 0,
    });
    expect(aws.eventBridge.callCount() - calls).toBe(2);
    retrying.destroy();
  });

  it('delays calls when asked', async () => {
    aws.eventBridge.delay(150);
    const started = Date.now();
    await client.send(new PutEventsCommand({ Entries: [entry()] }));
    aws.eventBridge.delay(0);

    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('local EventBridge: fault injection over HTTP (for a sandbox in another process)', () => {
  it('fails entries and throttles calls as POST /faults says', async () => {
    await fetch(`${aws.endpoints.eventbridge}/faults`, {
      method: 'POST',
      body: JSON.stringify({ failEntries: { count: 1, errorCode: 'ThrottlingException' }, throttle: 1 }),
    });

    await expect(client.send(new PutEventsCommand({ Entries: [entry()] }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    const result = await client.send(new PutEventsCommand({ Entries: [entry(), entry()] }));
    expect(result.Entries?.map((e) => e.ErrorCode)).toEqual(['ThrottlingException', undefined]);
  });

  it('clears the recorded entries on DELETE /events', async () => {
    await client.send(new PutEventsCommand({ Entries: [entry()] }));
    await fetch(`${aws.endpoints.eventbridge}/events`, { method: 'DELETE' });

    expect(await (await fetch(`${aws.endpoints.eventbridge}/events`)).json()).toEqual([]);
  });
});

describe('local EventBridge: protocol', () => {
  it('answers an unknown operation with UnknownOperationException in AWS error shape', async () => {
    const response = await fetch(aws.endpoints.eventbridge, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.ListRules', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message: match.stringContaining('ListRules'),
    });
  });
});
