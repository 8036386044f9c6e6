import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { markPublished, publishedAmong, withPublishLock } from '../../../../functions/lib/events/dedupe.js';

const dynamo = mockClient(DynamoDBClient);
const NOW = 1_800_000_000_000;
const deps = {
  dynamoDb: new DynamoDBClient({}),
  tableName: 't',
  ttlDays: 7,
  leaseMs: 30_000,
  now: () => NOW,
  sleep: () => Promise.resolve(),
};
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

function record(uuid: string, expiresAt: number) {
  return { pk: { S: `dedupe#acme#${uuid}` }, expiresAt: { N: String(expiresAt) } };
}

afterEach(() => dynamo.reset());

describe('withPublishLock', () => {
  it('takes the lock with a conditional PutItem that only succeeds when it is free or its lease is over', async () => {
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(DeleteItemCommand).resolves({});
    await withPublishLock('acme', NOW + 1_000, () => Promise.resolve('done'), deps);
    const put = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put?.Item).toMatchObject({ pk: { S: 'lock#acme#publish' }, leaseUntil: { N: String(NOW + 30_000) } });
    expect(put?.ConditionExpression).toBe('attribute_not_exists(pk) OR #leaseUntil < :now');
    expect(put?.ExpressionAttributeValues).toEqual({ ':now': { N: String(NOW) } });
  });

  it('runs the work while holding the lock and returns its value', async () => {
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(DeleteItemCommand).resolves({});
    const result = await withPublishLock('acme', NOW + 1_000, (lock) => Promise.resolve(lock.leaseUntil), deps);
    expect(result).toEqual({ acquired: true, value: NOW + 30_000 });
  });

  it('releases only its own lease', async () => {
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(DeleteItemCommand).resolves({});
    let owner = '';
    await withPublishLock(
      'acme',
      NOW + 1_000,
      (lock) => {
        owner = lock.owner;
        return Promise.resolve();
      },
      deps,
    );
    const del = dynamo.commandCalls(DeleteItemCommand)[0]?.args[0].input;
    expect(del?.ConditionExpression).toBe('#owner = :owner');
    expect(del?.ExpressionAttributeValues).toEqual({ ':owner': { S: owner } });
  });

  it('releases the lock when the work throws', async () => {
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(DeleteItemCommand).resolves({});
    await expect(withPublishLock('acme', NOW + 1_000, () => Promise.reject(new Error('boom')), deps)).rejects.toThrow(
      'boom',
    );
    expect(dynamo.commandCalls(DeleteItemCommand)).toHaveLength(1);
  });

  it('waits while another holder has the lock, then takes it', async () => {
    dynamo.on(PutItemCommand).rejectsOnce(conditionFailed()).rejectsOnce(conditionFailed()).resolves({});
    dynamo.on(DeleteItemCommand).resolves({});
    const result = await withPublishLock('acme', NOW + 1_000, () => Promise.resolve('done'), deps);
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(3);
    expect(result.acquired).toBe(true);
  });

  it('gives up at the deadline without running the work', async () => {
    dynamo.on(PutItemCommand).rejects(conditionFailed());
    let ran = false;
    const result = await withPublishLock(
      'acme',
      NOW + 1,
      () => {
        ran = true;
        return Promise.resolve();
      },
      deps,
    );
    expect(result).toEqual({ acquired: false });
    expect(ran).toBe(false);
  });
});

describe('publishedAmong', () => {
  it('reads with consistent BatchGetItem calls of at most 100 keys', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    await publishedAmong(
      'acme',
      Array.from({ length: 250 }, (_, i) => `u${i}`),
      deps,
    );
    const gets = dynamo.commandCalls(BatchGetItemCommand).map((c) => c.args[0].input.RequestItems?.t);
    expect(gets.map((g) => g?.Keys?.length)).toEqual([100, 100, 50]);
    expect(gets.every((g) => g?.ConsistentRead === true)).toBe(true);
  });

  it('returns the uuids that have a published record', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { t: [record('u2', NOW / 1000 + 60)] } });
    await expect(publishedAmong('acme', ['u1', 'u2'], deps)).resolves.toEqual(new Set(['u2']));
  });

  it('ignores a record past its TTL that DynamoDB has not deleted yet', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { t: [record('u1', NOW / 1000 - 1)] } });
    await expect(publishedAmong('acme', ['u1'], deps)).resolves.toEqual(new Set());
  });

  it('retries the keys BatchGetItem left unprocessed', async () => {
    dynamo
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [{ pk: { S: 'dedupe#acme#u1' } }] } } })
      .resolves({ Responses: { t: [record('u1', NOW / 1000 + 60)] } });
    await expect(publishedAmong('acme', ['u1'], deps)).resolves.toEqual(new Set(['u1']));
  });
});

describe('markPublished', () => {
  it('writes published records with a TTL in BatchWriteItem calls of at most 25', async () => {
    dynamo.on(BatchWriteItemCommand).resolves({});
    await markPublished(
      'acme',
      Array.from({ length: 60 }, (_, i) => `u${i}`),
      'poll',
      deps,
    );
    const sizes = dynamo.commandCalls(BatchWriteItemCommand).map((c) => c.args[0].input.RequestItems?.t?.length);
    expect(sizes).toEqual([25, 25, 10]);
    const first = dynamo.commandCalls(BatchWriteItemCommand)[0]?.args[0].input.RequestItems?.t?.[0]?.PutRequest?.Item;
    expect(first).toMatchObject({
      pk: { S: 'dedupe#acme#u0' },
      state: { S: 'published' },
      trigger: { S: 'poll' },
      expiresAt: { N: String(NOW / 1000 + 7 * 86_400) },
    });
  });

  it('retries the items BatchWriteItem left unprocessed', async () => {
    const item = { PutRequest: { Item: { pk: { S: 'dedupe#acme#u1' } } } };
    dynamo
      .on(BatchWriteItemCommand)
      .resolvesOnce({ UnprocessedItems: { t: [item] } })
      .resolves({});
    await markPublished('acme', ['u1'], 'poll', deps);
    expect(dynamo.commandCalls(BatchWriteItemCommand)).toHaveLength(2);
  });
});
