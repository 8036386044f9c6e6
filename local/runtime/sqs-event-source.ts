/**
 * An SQS event source mapping, as Lambda runs one: pollers long-poll the queue, gather a batch (up to the batch size,
 * for at most the batching window, under Lambda's 6 MB invocation payload), invoke the function with an SQS event
 * (`{Records: [{messageId, receiptHandle, body, attributes, …, eventSource: "aws:sqs"}]}`) and then delete the
 * messages it handled. A function error, a timeout or a throttle deletes nothing: the messages come back after the
 * visibility timeout (and, past the queue's `maxReceiveCount`, SQS moves them to the dead-letter queue). With
 * `ReportBatchItemFailures` the function's `{batchItemFailures: [{itemIdentifier}]}` keeps just those messages; an
 * answer that names no message of the batch, or is not that shape, fails the whole batch, as Lambda does.
 *
 * The settings are the stack's (`stackSettings().eventSources`); the client is the real AWS SDK's against the local
 * SQS. Pollers: the mapping's maximum concurrency, or 5 (Lambda starts an SQS mapping with five).
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { LocalFunction, LocalRuntime } from '../runtime.js';
import type { StackEventSource } from './stack-functions.js';

export interface SqsEventSourceOptions {
  runtime: LocalRuntime;
  fn: LocalFunction;
  source: StackEventSource;
  queueUrl: string;
  /** The local SQS endpoint, and the settings of its client. */
  endpoint: string;
  region?: string;
}

export interface SqsEventSourceStats {
  invocations: number;
  /** Messages deleted after the function handled them. */
  deleted: number;
  /** Messages left on the queue by a failed invocation, a throttle or a `batchItemFailures` entry. */
  failed: number;
  throttles: number;
}

export interface RunningEventSource {
  stats(): SqsEventSourceStats;
  /** Stops polling and waits for the invocations in flight. */
  stop(): Promise<void>;
}

/** Lambda's limit for a synchronous invocation's payload, less room for the records' other fields. */
const MAX_BATCH_BYTES = 5 * 1024 * 1024;
const DEFAULT_POLLERS = 5;

/** Starts the mapping's pollers. */
export function startSqsEventSource(options: SqsEventSourceOptions): RunningEventSource {
  const region = options.region ?? 'us-east-1';
  const client = new SQSClient({
    endpoint: options.endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { source, queueUrl } = options;
  const queueArn = `arn:aws:sqs:${region}:000000000000:${queueUrl.split('/').at(-1)}`;
  const stats: SqsEventSourceStats = { invocations: 0, deleted: 0, failed: 0, throttles: 0 };
  let stopped = false;

  const receive = async (max: number, waitSeconds: number): Promise<Message[]> => {
    try {
      const output = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, max),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      return output.Messages ?? [];
    } catch (error) {
      if (stopped) return [];
      throw error;
    }
  };

  /** The next batch: waits for a first message, then gathers more until the batch is full or the window ends. */
  const gather = async (): Promise<Message[]> => {
    let batch: Message[] = [];
    while (!stopped && batch.length === 0) batch = await receive(source.batchSize, 1);
    const windowEnds = Date.now() + source.maxBatchingWindowSeconds * 1000;
    const bytes = () => batch.reduce((sum, m) => sum + Buffer.byteLength(m.Body ?? '', 'utf8'), 0);
    while (!stopped && batch.length < source.batchSize && bytes() < MAX_BATCH_BYTES && Date.now() < windowEnds) {
      const more = await receive(source.batchSize - batch.length, 0);
      if (more.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      batch = [...batch, ...more];
    }
    return batch;
  };

  const handled = (batch: Message[], result: unknown, ok: boolean): Message[] => {
    if (!ok) return [];
    if (!source.reportBatchItemFailures) return batch;
    if (result === null || result === undefined) return batch;
    const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
    if (failures === undefined) return batch;
    if (!Array.isArray(failures)) return [];
    const ids = new Set(batch.map((m) => m.MessageId));
    const failed = new Set<string>();
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      // Lambda fails the whole batch when an identifier is missing or not one of the batch.
      if (typeof id !== 'string' || !ids.has(id)) return [];
      failed.add(id);
    }
    return batch.filter((m) => !failed.has(m.MessageId ?? ''));
  };

  const poller = async () => {
    while (!stopped) {
      const batch = await gather();
      if (batch.length === 0) continue;
      stats.invocations += 1;
      const outcome = await options.runtime.invoke(options.fn, sqsEvent(batch, queueArn, region));
      if (outcome.throttled) {
        stats.throttles += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const done = handled(batch, outcome.ok ? outcome.result : undefined, outcome.ok);
      stats.failed += batch.length - done.length;
      for (let i = 0; i < done.length; i += 10) {
        const chunk = done.slice(i, i + 10);
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
        stats.deleted += chunk.length;
      }
    }
  };

  const pollers = Array.from({ length: source.maxConcurrency ?? DEFAULT_POLLERS }, () =>
    poller().catch((error: unknown) => {
      if (!stopped) console.error(`SQS event source of ${options.fn.name} stopped: ${String(error)}`);
    }),
  );

  return {
    stats: () => ({ ...stats }),
    stop: async () => {
      stopped = true;
      await Promise.all(pollers);
      client.destroy();
    },
  };
}

/** The event Lambda gives a function for a batch of SQS messages. */
export function sqsEvent(batch: Message[], queueArn: string, region: string) {
  return {
    Records: batch.map((m) => ({
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      attributes: m.Attributes ?? {},
      messageAttributes: {},
      md5OfBody: m.MD5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}
