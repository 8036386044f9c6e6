/**
 * A local SQS endpoint over the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Operation>`, what the AWS SDK v3
 * `SQSClient` speaks): `CreateQueue`, `GetQueueUrl`, `GetQueueAttributes`, `SendMessage`, `SendMessageBatch`,
 * `ReceiveMessage` (long polling included), `DeleteMessage`, `DeleteMessageBatch` and `ChangeMessageVisibility`,
 * with AWS's semantics where the connector relies on them: a received message is invisible for the visibility
 * timeout and comes back unless deleted; each receive counts (`ApproximateReceiveCount`); a message received more
 * often than its queue's redrive policy allows (`maxReceiveCount`) moves to the dead-letter queue instead. Bodies
 * carry their MD5 (the SDK checks it), limits are AWS's (10 entries a batch, 1 MiB a message and a batch).
 */
import { createHash, randomUUID } from 'node:crypto';
import { AwsError, startJsonProtocolServer } from './json-protocol.js';

interface Message {
  id: string;
  body: string;
  md5: string;
  sentAt: number;
  /** Epoch ms before which the message is not received (delay, or a receive's visibility timeout). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The handle of the latest receive: only it deletes the message or changes its visibility. */
  receiptHandle?: string;
}

interface Queue {
  name: string;
  url: string;
  arn: string;
  visibilityTimeoutSeconds: number;
  redrive?: { deadLetterArn: string; maxReceiveCount: number };
  messages: Message[];
  /** Long-polling receives waiting for a message. */
  waiters: Set<() => void>;
}

export interface QueueMessage {
  id: string;
  body: string;
  receiveCount: number;
  /** Whether a receive holds it invisible now. */
  inFlight: boolean;
}

export interface LocalSqs {
  url: string;
  /** Every message a queue holds now (visible or in flight), oldest first. */
  messages: (queueName: string) => QueueMessage[];
  /** The queue's URL, as `GetQueueUrl` answers it. */
  queueUrl: (queueName: string) => string;
  /** Creates a queue (a no-op when it exists), as `CreateQueue` with these attributes would. */
  createQueue: (
    queueName: string,
    options?: { visibilityTimeoutSeconds?: number; deadLetter?: { queue: string; maxReceiveCount: number } },
  ) => string;
  /** Answers the next `calls` SendMessage/SendMessageBatch calls with 500 `InternalError` (nothing is kept). */
  failSends: (calls?: number) => void;
  close: () => Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT_ID = '000000000000';
const MAX_BATCH_ENTRIES = 10;
/** SQS's limit for one message and for a whole batch (raised from 256 KiB to 1 MiB in 2025). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Starts the local SQS endpoint on 127.0.0.1:`port` (0 = any free port). */
export async function startLocalSqs(port = 0): Promise<LocalSqs> {
  const queues = new Map<string, Queue>();
  let failingSends = 0;
  let baseUrl = '';

  const byUrl = (input: Record<string, unknown>): Queue => {
    const url = input.QueueUrl;
    const name = typeof url === 'string' ? url.split('/').at(-1) : undefined;
    const queue = name === undefined ? undefined : queues.get(name);
    if (!queue) throw new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400);
    return queue;
  };
  const byArn = (arn: string) => [...queues.values()].find((q) => q.arn === arn);

  const createQueue = (input: Record<string, unknown>) => {
    const name = input.QueueName;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(name))
      throw new AwsError(
        'InvalidParameterValue',
        'Queue name can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    const attributes = (input.Attributes ?? {}) as Record<string, string>;
    const existing = queues.get(name);
    if (existing) return { QueueUrl: existing.url };
    const redrive = attributes.RedrivePolicy
      ? (JSON.parse(attributes.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number | string })
      : undefined;
    const queue: Queue = {
      name,
      url: `${baseUrl}/${ACCOUNT_ID}/${name}`,
      arn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`,
      visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout ?? 30),
      redrive: redrive && {
        deadLetterArn: redrive.deadLetterTargetArn,
        maxReceiveCount: Number(redrive.maxReceiveCount),
      },
      messages: [],
      waiters: new Set(),
    };
    queues.set(name, queue);
    return { QueueUrl: queue.url };
  };

  const enqueue = (queue: Queue, body: unknown, delaySeconds: unknown): Message => {
    if (typeof body !== 'string' || body === '')
      throw new AwsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    if (Buffer.byteLength(body, 'utf8') > MAX_MESSAGE_BYTES)
      throw new AwsError(
        'InvalidParameterValue',
        `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`,
      );
    const now = Date.now();
    const message: Message = {
      id: randomUUID(),
      body,
      md5: md5(body),
      sentAt: now,
      visibleAt: now + Number(delaySeconds ?? 0) * 1000,
      receiveCount: 0,
    };
    queue.messages.push(message);
    wake(queue);
    return message;
  };

  const checkSend = () => {
    if (failingSends > 0) {
      failingSends -= 1;
      throw new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500);
    }
  };

  const sendMessage = (input: Record<string, unknown>) => {
    const queue = byUrl(input);
    checkSend();
    const message = enqueue(queue, input.MessageBody, input.DelaySeconds);
    return { MessageId: message.id, MD5OfMessageBody: message.md5 };
  };

  const sendMessageBatch = (input: Record<string, unknown>) => {
    const queue = byUrl(input);
    const entries = input.Entries as Array<{ Id: string; MessageBody: string; DelaySeconds?: number }> | undefined;
    if (!Array.isArray(entries) || entries.length === 0)
      throw new AwsError(
        'EmptyBatchRequest',
        'There should be at least one SendMessageBatchRequestEntry in the request.',
      );
    if (entries.length > MAX_BATCH_ENTRIES)
      throw new AwsError(
        'TooManyEntriesInBatchRequest',
        `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}.`,
      );
    const total = entries.reduce((sum, entry) => sum + Buffer.byteLength(String(entry.MessageBody ?? ''), 'utf8'), 0);
    if (total > MAX_MESSAGE_BYTES)
      throw new AwsError('BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes.`);
    checkSend();
    const successful = entries.map((entry) => {
      const message = enqueue(queue, entry.MessageBody, entry.DelaySeconds);
      return { Id: entry.Id, MessageId: message.id, MD5OfMessageBody: message.md5 };
    });
    return { Successful: successful, Failed: [] };
  };

  /** Moves the messages received too often to the dead-letter queue, as SQS does when they are next received. */
  const redrive = (queue: Queue, now: number) => {
    if (!queue.redrive) return;
    const deadLetters = byArn(queue.redrive.deadLetterArn);
    const { maxReceiveCount } = queue.redrive;
    queue.messages = queue.messages.filter((message) => {
      if (message.visibleAt > now || message.receiveCount < maxReceiveCount) return true;
      deadLetters?.messages.push({ ...message, visibleAt: now, receiptHandle: undefined });
      if (deadLetters) wake(deadLetters);
      return false;
    });
  };

  const take = (queue: Queue, max: number, visibilitySeconds: number) => {
    const now = Date.now();
    redrive(queue, now);
    const taken = queue.messages.filter((m) => m.visibleAt <= now).slice(0, max);
    for (const message of taken) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilitySeconds * 1000;
      message.receiptHandle = `${message.id}#${randomUUID()}`;
    }
    if (taken.length > 0) scheduleWake(queue, visibilitySeconds * 1000);
    return taken;
  };

  const receiveMessage = async (input: Record<string, unknown>) => {
    const queue = byUrl(input);
    const max = Number(input.MaxNumberOfMessages ?? 1);
    if (!Number.isInteger(max) || max < 1 || max > 10)
      throw new AwsError(
        'InvalidParameterValue',
        'Value for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
      );
    const visibility = Number(input.VisibilityTimeout ?? queue.visibilityTimeoutSeconds);
    const waitMs = Math.min(20, Number(input.WaitTimeSeconds ?? 0)) * 1000;
    const deadline = Date.now() + waitMs;
    let taken = take(queue, max, visibility);
    while (taken.length === 0 && Date.now() < deadline && queues.has(queue.name)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, deadline - Date.now());
        function done() {
          clearTimeout(timer);
          queue.waiters.delete(done);
          resolve();
        }
        queue.waiters.add(done);
      });
      taken = take(queue, max, visibility);
    }
    if (taken.length === 0) return {};
    return {
      Messages: taken.map((m) => ({
        MessageId: m.id,
        ReceiptHandle: m.receiptHandle,
        MD5OfBody: m.md5,
        Body: m.body,
        Attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
          SenderId: ACCOUNT_ID,
        },
      })),
    };
  };

  const findByHandle = (queue: Queue, handle: unknown): Message | undefined => {
    if (typeof handle !== 'string' || handle === '')
      throw new AwsError('MissingParameter', 'The request must contain the parameter ReceiptHandle.');
    return queue.messages.find((m) => m.receiptHandle === handle);
  };

  const deleteOne = (queue: Queue, handle: unknown) => {
    const message = findByHandle(queue, handle);
    // SQS answers success for a handle whose message is gone (deleted already, or moved).
    if (message) queue.messages.splice(queue.messages.indexOf(message), 1);
  };

  const changeVisibility = (input: Record<string, unknown>) => {
    const queue = byUrl(input);
    const message = findByHandle(queue, input.ReceiptHandle);
    const seconds = Number(input.VisibilityTimeout);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200)
      throw new AwsError(
        'InvalidParameterValue',
        'Value for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.',
      );
    if (!message || message.visibleAt <= Date.now())
      throw new AwsError(
        'MessageNotInflight',
        'Message does not exist or is not available for visibility timeout change.',
      );
    message.visibleAt = Date.now() + seconds * 1000;
    scheduleWake(queue, seconds * 1000);
    return {};
  };

  const getQueueAttributes = (input: Record<string, unknown>) => {
    const queue = byUrl(input);
    const now = Date.now();
    return {
      Attributes: {
        QueueArn: queue.arn,
        VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
        ApproximateNumberOfMessages: String(queue.messages.filter((m) => m.visibleAt <= now).length),
        ApproximateNumberOfMessagesNotVisible: String(queue.messages.filter((m) => m.visibleAt > now).length),
        ...(queue.redrive
          ? {
              RedrivePolicy: JSON.stringify({
                deadLetterTargetArn: queue.redrive.deadLetterArn,
                maxReceiveCount: queue.redrive.maxReceiveCount,
              }),
            }
          : {}),
      },
    };
  };

  const running = await startJsonProtocolServer(
    {
      targetPrefix: 'AmazonSQS',
      operations: {
        CreateQueue: createQueue,
        GetQueueUrl: (input) => {
          const queue = queues.get(String(input.QueueName));
          if (!queue) throw new AwsError('QueueDoesNotExist', 'The specified queue does not exist.');
          return { QueueUrl: queue.url };
        },
        GetQueueAttributes: getQueueAttributes,
        SendMessage: sendMessage,
        SendMessageBatch: sendMessageBatch,
        ReceiveMessage: receiveMessage,
        DeleteMessage: (input) => {
          deleteOne(byUrl(input), input.ReceiptHandle);
          return {};
        },
        DeleteMessageBatch: (input) => {
          const queue = byUrl(input);
          const entries = (input.Entries ?? []) as Array<{ Id: string; ReceiptHandle: string }>;
          for (const entry of entries) deleteOne(queue, entry.ReceiptHandle);
          return { Successful: entries.map((entry) => ({ Id: entry.Id })), Failed: [] };
        },
        ChangeMessageVisibility: changeVisibility,
      },
    },
    port,
  );
  baseUrl = running.url;

  return {
    url: running.url,
    messages: (name) => {
      const now = Date.now();
      return (queues.get(name)?.messages ?? []).map((m) => ({
        id: m.id,
        body: m.body,
        receiveCount: m.receiveCount,
        inFlight: m.visibleAt > now && m.receiveCount > 0,
      }));
    },
    queueUrl: (name) => `${running.url}/${ACCOUNT_ID}/${name}`,
    createQueue: (name, options = {}) => {
      const attributes: Record<string, string> = {};
      if (options.visibilityTimeoutSeconds !== undefined)
        attributes.VisibilityTimeout = String(options.visibilityTimeoutSeconds);
      if (options.deadLetter) {
        attributes.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${options.deadLetter.queue}`,
          maxReceiveCount: options.deadLetter.maxReceiveCount,
        });
      }
      return createQueue({ QueueName: name, Attributes: attributes }).QueueUrl;
    },
    failSends: (calls = 1) => {
      failingSends += calls;
    },
    close: async () => {
      for (const queue of queues.values()) for (const waiter of [...queue.waiters]) waiter();
      queues.clear();
      await running.close();
    },
  };
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function wake(queue: Queue): void {
  for (const waiter of [...queue.waiters]) waiter();
}

/** Wakes the queue's long polls when a message becomes visible again. */
function scheduleWake(queue: Queue, ms: number): void {
  setTimeout(() => wake(queue), ms + 5).unref();
}
