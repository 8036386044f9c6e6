import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { handOff, messageBodies, readDeliveryMessage } from '../../../../functions/lib/events/delivery-queue.js';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const event = (i: number, padding = 0) => ({
  uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  published: '2026-12-04T12:00:00.000Z',
  eventType: 'user.session.start',
  padding: 'x'.repeat(padding),
});
const head = { connection: 'acme', receivedAt: '2026-12-04T12:00:01.000Z' };

describe('delivery hand-off', () => {
  it('queues a small delivery as one message that reads back unchanged', () => {
    const message = { ...head, events: [event(1), event(2)] };
    const bodies = messageBodies(message);
    expect(bodies).toHaveLength(1);
    expect(readDeliveryMessage(bodies[0]!)).toEqual(message);
  });

  it('splits a delivery over 250 KiB into messages under it, losing no event and keeping their order', () => {
    const events = Array.from({ length: 30 }, (_, i) => event(i, 20_000));
    const bodies = messageBodies({ ...head, events });
    expect(bodies.length).toBeGreaterThan(2);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(250 * 1024);
    expect(bodies.flatMap((body) => readDeliveryMessage(body)!.events)).toEqual(events);
  });

  it('sends at most 10 messages a call, and throws when SQS refuses any', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: Array<{ Id: string }> }) => ({
      Successful: input.Entries.map(({ Id }) => ({ Id })),
      Failed: [],
    }));
    const events = Array.from({ length: 150 }, (_, i) => event(i, 20_000));
    const { messages } = await handOff({ ...head, events }, { queueUrl: 'http://q/1/d' });
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries!.length).reduce((a, b) => a + b)).toBe(messages);
    for (const call of calls) expect(call.args[0].input.Entries!.length).toBeLessThanOrEqual(10);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'x', SenderFault: false }] });
    await expect(handOff({ ...head, events: [event(1)] }, { queueUrl: 'http://q/1/d' })).rejects.toThrow(/refused/);
  });

  it('reads nothing from a message that is not a delivery', () => {
    expect(readDeliveryMessage('{')).toBeUndefined();
    expect(readDeliveryMessage('{"connection":"acme"}')).toBeUndefined();
    expect(readDeliveryMessage('null')).toBeUndefined();
  });
});
