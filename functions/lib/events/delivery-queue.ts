/**
 * The event hook's durable hand-off (docs/TRIGGERS.md "Bursts: the hand-off queue"): an authenticated, checked
 * delivery is written to the SQS queue `DELIVERY_QUEUE_URL` and acknowledged; the publisher function
 * (functions/triggers/publish-deliveries.ts) drains the queue and publishes with the dedupe. A message is
 * `{connection, receivedAt, events}`; a delivery larger than one message is split by events.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqs } from '../aws-clients.js';
import { config } from '../config.js';
import type { LogEvent } from './event-format.js';

/** One queued part of a delivery. */
export interface DeliveryMessage {
  connection: string;
  /** When the hook received the delivery, ISO 8601 (the published events' `receivedAt`). */
  receivedAt: string;
  events: LogEvent[];
  /** Verified mode: the message only asks for a poll of the connection; `events` is empty. */
  wake?: true;
}

export interface HandOffDeps {
  sqs?: SQSClient;
  queueUrl?: string;
}

/**
 * 256 KiB per message and per batch call: SQS's limit until 2025 (now 1 MiB), kept so the queue works under
 * either, less room for the envelope.
 */
const MAX_MESSAGE_BYTES = 250 * 1024;
const MAX_BATCH_ENTRIES = 10;

/** Queues a delivery's events, in as few messages and calls as the limits allow; throws if any part failed. */
export async function handOff(message: DeliveryMessage, deps: HandOffDeps = {}): Promise<{ messages: number }> {
  const queueUrl = deps.queueUrl ?? config().deliveryQueueUrl;
  if (!queueUrl) throw new Error('DELIVERY_QUEUE_URL is not set');
  const bodies = messageBodies(message);
  const client = deps.sqs ?? sqs();
  await Promise.all(
    batches(bodies).map(async (batch) => {
      const output = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((messageBody, i) => ({ Id: String(i), MessageBody: messageBody })),
        }),
      );
      if ((output.Failed ?? []).length > 0)
        throw new Error(`SQS refused ${output.Failed?.length} of ${batch.length} delivery messages`);
    }),
  );
  return { messages: bodies.length };
}

/** The message bodies of a delivery: its events split so each body stays under the message limit. */
export function messageBodies(message: DeliveryMessage): string[] {
  if (message.wake) return [JSON.stringify({ ...message, events: [] })];
  const head = { connection: message.connection, receivedAt: message.receivedAt };
  const overhead = Buffer.byteLength(JSON.stringify({ ...head, events: [] }), 'utf8');
  const bodies: string[] = [];
  let part: string[] = [];
  let size = overhead;
  const flush = () => {
    if (part.length > 0) bodies.push(`${JSON.stringify(head).slice(0, -1)},"events":[${part.join(',')}]}`);
    part = [];
    size = overhead;
  };
  for (const event of message.events) {
    const text = JSON.stringify(event);
    const bytes = Buffer.byteLength(text, 'utf8') + 1;
    if (size + bytes > MAX_MESSAGE_BYTES) flush();
    part.push(text);
    size += bytes;
  }
  flush();
  return bodies;
}

/** Reads a queued message; undefined when the body is not one (it then goes to the dead-letter queue). */
export function readDeliveryMessage(body: string): DeliveryMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const { connection, receivedAt, events, wake } = (value ?? {}) as Partial<DeliveryMessage>;
  if (typeof connection !== 'string' || typeof receivedAt !== 'string' || !Array.isArray(events)) return undefined;
  return { connection, receivedAt, events, ...(wake === true ? { wake } : {}) };
}

function batches(bodies: string[]): string[][] {
  const out: string[][] = [];
  let batch: string[] = [];
  let size = 0;
  for (const body of bodies) {
    const bytes = Buffer.byteLength(body, 'utf8');
    if (batch.length === MAX_BATCH_ENTRIES || (batch.length > 0 && size + bytes > MAX_MESSAGE_BYTES)) {
      out.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(body);
    size += bytes;
  }
  if (batch.length > 0) out.push(batch);
  return out;
}
