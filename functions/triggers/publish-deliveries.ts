/**
 * The event hook's publisher (docs/TRIGGERS.md "Bursts: the hand-off queue"): the SQS event source mapping of the
 * hand-off queue invokes it with a batch of queued deliveries (functions/lib/events/delivery-queue.ts), already
 * authenticated and checked by the hook. It publishes each connection's events of the batch in one `publishOnce`
 * (one publish lock, one dedupe read, one mark per connection and batch, so a burst of small deliveries costs a few
 * DynamoDB calls per batch rather than per delivery) and answers with the partial batch response: the messages of
 * a connection whose events were not all published are `batchItemFailures`, so SQS gives them again after the
 * visibility timeout (the dedupe skips what was published), and after `maxReceiveCount` receives moves them to the
 * dead-letter queue. A message that is not a delivery is a failure too: it ends in the dead-letter queue, kept.
 *
 * It holds no connection secret: the connection's name comes with the message, and publishing needs only the table
 * and the bus.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { readDeliveryMessage, type DeliveryMessage } from '../lib/events/delivery-queue.js';
import { publishOnce, type PublishOnceDeps } from '../lib/events/publish-once.js';
import { remainingTimeOf, type LambdaContextLike } from '../lib/lambda-time.js';
import { countMetric, logger } from '../lib/observability.js';

export interface PublishDeliveriesDeps {
  publish?: PublishOnceDeps;
  now?: () => number;
}

/** Stops waiting for a lock or retrying a publish this long before the function's timeout. */
const MARGIN_MS = 3_000;

/** Publishes a batch of queued deliveries; answers the messages to retry. */
export async function handler(
  event: SQSEvent,
  context?: LambdaContextLike,
  deps: PublishDeliveriesDeps = {},
): Promise<SQSBatchResponse> {
  const now = deps.now ?? Date.now;
  const remaining = remainingTimeOf(context);
  const deadline = now() + Math.max(0, remaining() - MARGIN_MS);
  const failed: string[] = [];
  const byConnection = new Map<string, Array<{ record: SQSRecord; message: DeliveryMessage }>>();
  for (const record of event.Records ?? []) {
    const message = readDeliveryMessage(record.body);
    if (!message) {
      logger.error('A hand-off message is not a delivery; it goes to the dead-letter queue', {
        messageId: record.messageId,
      });
      failed.push(record.messageId);
      continue;
    }
    const list = byConnection.get(message.connection) ?? [];
    list.push({ record, message });
    byConnection.set(message.connection, list);
  }

  await Promise.all(
    [...byConnection].map(async ([connection, items]) => {
      const events = items.flatMap(({ message }) => message.events);
      // The earliest receipt of the batch: the mark says when the connector first held these events.
      const receivedAt = items.map(({ message }) => message.receivedAt).sort()[0] as string;
      try {
        const outcome = await publishOnce(
          events,
          { connection, trigger: 'event-hook', receivedAt, deadline },
          deps.publish,
        );
        countMetric('EventsPublished', { trigger: 'event-hook', connection }, outcome.published);
        if (outcome.failed > 0) throw new Error(`${outcome.failed} of ${outcome.events} events not published`);
        logger.info('Event hook deliveries published', { connection, messages: items.length, ...outcome });
      } catch (error) {
        logger.error('Event hook deliveries not fully published; SQS gives them again', {
          connection,
          messages: items.length,
          error,
        });
        failed.push(...items.map(({ record }) => record.messageId));
      }
    }),
  );
  if (failed.length > 0) countMetric('HookDeliveriesRetried', {}, failed.length);
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
