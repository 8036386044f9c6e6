import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';
import { createLocalRuntime, type LocalRuntime } from '../../../local/runtime.js';
import { startSqsEventSource, type RunningEventSource } from '../../../local/runtime/sqs-event-source.js';
import { match } from '../../support/match.js';

// The mapping runs the fixture in containers of its own and talks to the local SQS with the real SDK client.
const fn = { name: 'batch', entry: 'test/integration/local/fixtures/batch-handler.ts' };
let aws: LocalAws;
let runtime: LocalRuntime;
let client: SQSClient;
const running: RunningEventSource[] = [];

beforeAll(async () => {
  aws = await startLocalAws();
  runtime = createLocalRuntime({ env: aws.env() });
  client = new SQSClient({
    endpoint: aws.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  await Promise.all(running.map((source) => source.stop()));
  client.destroy();
  await runtime.close();
  await aws.close();
});

/** A queue (visibility 2 s, so a failed message comes back soon) with a dead-letter queue, and its mapping. */
function mapped(name: string, options: { reportBatchItemFailures?: boolean; maxReceiveCount?: number } = {}) {
  aws.sqs.createQueue(`${name}-dlq`);
  const queueUrl = aws.sqs.createQueue(name, {
    visibilityTimeoutSeconds: 2,
    deadLetter: { queue: `${name}-dlq`, maxReceiveCount: options.maxReceiveCount ?? 2 },
  });
  const source = startSqsEventSource({
    runtime,
    fn,
    queueUrl,
    endpoint: aws.endpoints.sqs,
    source: {
      queue: name,
      entry: fn.entry,
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      reportBatchItemFailures: options.reportBatchItemFailures ?? true,
      maxConcurrency: 2,
    },
  });
  running.push(source);
  const send = (bodies: string[]) =>
    client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.map((messageBody, i) => ({ Id: `${i}`, MessageBody: messageBody })),
      }),
    );
  return { source, send };
}

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('not in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the local SQS event source mapping', () => {
  it('invokes the function with the batch and deletes what it handled', async () => {
    const { source, send } = mapped('handled');
    await send(['one', 'two', 'three']);
    await until(() => source.stats().deleted === 3);
    expect(aws.sqs.messages('handled')).toEqual([]);
    expect(aws.sqs.messages('handled-dlq')).toEqual([]);
  }, 30_000);

  it('keeps only the batchItemFailures, which end in the dead-letter queue after maxReceiveCount', async () => {
    const { source, send } = mapped('partial');
    await send(['ok-1', 'fail-1', 'ok-2']);
    await until(() => aws.sqs.messages('partial-dlq').length === 1);
    expect(aws.sqs.messages('partial-dlq')).toEqual([match.objectContaining({ body: 'fail-1', receiveCount: 2 })]);
    expect(aws.sqs.messages('partial')).toEqual([]);
    expect(source.stats().deleted).toBe(2);
  }, 30_000);

  it('deletes nothing of a batch whose invocation failed', async () => {
    const { source, send } = mapped('thrown', { maxReceiveCount: 1 });
    await send(['throw']);
    await until(() => aws.sqs.messages('thrown-dlq').length === 1);
    expect(source.stats()).toMatchObject({ deleted: 0, failed: 1 });
  }, 30_000);

  it('fails the whole batch when batchItemFailures names no message of it, as Lambda does', async () => {
    const { source, send } = mapped('bogus', { maxReceiveCount: 1 });
    await send(['bogus']);
    await until(() => aws.sqs.messages('bogus-dlq').length === 1);
    expect(source.stats().deleted).toBe(0);
  }, 30_000);

  it('without ReportBatchItemFailures, deletes the whole batch of a successful invocation', async () => {
    const { source, send } = mapped('whole', { reportBatchItemFailures: false });
    await send(['fail-but-ignored', 'ok']);
    await until(() => source.stats().deleted === 2);
    expect(aws.sqs.messages('whole-dlq')).toEqual([]);
  }, 30_000);
});
