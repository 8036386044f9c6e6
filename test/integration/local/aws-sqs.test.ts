import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';
import { match } from '../../support/match.js';

// The real SDK client (which checks every body's MD5), configured only through AWS_ENDPOINT_URL_SQS.
let aws: LocalAws;
let client: SQSClient;
const savedEnv = { ...process.env };

beforeAll(async () => {
  aws = await startLocalAws();
  Object.assign(process.env, aws.env());
  client = new SQSClient({});
});
afterAll(async () => {
  client.destroy();
  await aws.close();
  process.env = savedEnv;
});

async function queue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return QueueUrl!;
}

const receive = (queueUrl: string, extra: Partial<{ VisibilityTimeout: number; WaitTimeSeconds: number }> = {}) =>
  client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, ...extra }));

describe('local SQS', () => {
  it('sends, receives and deletes a message, with its MD5 and receive count', async () => {
    const url = await queue('basic');
    const sent = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"a":1}' }));
    const { Messages = [] } = await receive(url);
    expect(Messages).toHaveLength(1);
    expect(Messages[0]).toMatchObject({ MessageId: sent.MessageId, Body: '{"a":1}' });
    expect(Messages[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: Messages[0]!.ReceiptHandle }));
    expect(aws.sqs.messages('basic')).toEqual([]);
  });

  it('finds a queue by name and refuses an unknown one with QueueDoesNotExist', async () => {
    const url = await queue('named');
    expect((await client.send(new GetQueueUrlCommand({ QueueName: 'named' }))).QueueUrl).toBe(url);
    await expect(client.send(new GetQueueUrlCommand({ QueueName: 'nobody' }))).rejects.toBeInstanceOf(
      QueueDoesNotExist,
    );
  });

  it('sends a batch of 10, and refuses 11 entries', async () => {
    const url = await queue('batch');
    const entries = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: `body ${i}` }));
    const sent = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries.slice(0, 10) }));
    expect(sent.Successful).toHaveLength(10);
    await expect(client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }))).rejects.toMatchObject({
      name: 'TooManyEntriesInBatchRequest',
    });
    expect(aws.sqs.messages('batch')).toHaveLength(10);
  });

  it('hides a received message for the visibility timeout, then gives it again with the count raised', async () => {
    const url = await queue('visibility', { VisibilityTimeout: '1' });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    expect((await receive(url)).Messages).toHaveLength(1);
    expect((await receive(url)).Messages).toBeUndefined();
    const started = Date.now();
    const { Messages = [] } = await receive(url, { WaitTimeSeconds: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(Messages[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('lets ChangeMessageVisibility give a message back at once', async () => {
    const url = await queue('change', { VisibilityTimeout: '60' });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'back' }));
    const [message] = (await receive(url)).Messages ?? [];
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: message!.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect((await receive(url)).Messages?.[0]?.Body).toBe('back');
  });

  it('answers a long poll as soon as a message arrives', async () => {
    const url = await queue('long-poll');
    const started = Date.now();
    const polled = receive(url, { WaitTimeSeconds: 10 });
    setTimeout(() => void client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' })), 200);
    expect((await polled).Messages?.[0]?.Body).toBe('late');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('moves a message received more than maxReceiveCount times to the dead-letter queue', async () => {
    const dlqUrl = await queue('dead-letters');
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
    );
    const url = await queue('redriven', {
      VisibilityTimeout: '0',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 2 }),
    });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    expect((await receive(url)).Messages).toHaveLength(1);
    expect((await receive(url)).Messages).toHaveLength(1);
    expect((await receive(url)).Messages).toBeUndefined();
    expect(aws.sqs.messages('redriven')).toEqual([]);
    expect(aws.sqs.messages('dead-letters')).toEqual([match.objectContaining({ body: 'poison', receiveCount: 2 })]);
  });

  it('fails sends when told to, keeping nothing (the SDK tries 3 times)', async () => {
    const url = await queue('failing');
    aws.sqs.failSends(3);
    await expect(client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 500 },
    });
    expect(aws.sqs.messages('failing')).toEqual([]);
  });
});
