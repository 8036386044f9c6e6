import {
  BatchGetItemCommand, BatchWriteItemCommand, ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { claimEvents, markPublished, releaseClaims } from '../../../functions/lib/dedupe.js';

const dynamo = mockClient(DynamoDBClient);
const now = 1_800_000_000_000;
const deps = { dynamoDb: new DynamoDBClient({}), tableName: 't', ttlDays: 7, leaseMs: 30_000, now: () => now };
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

function stored(uuid: string, fields: Record<string, string | number>) {
  const item: Record<string, { S: string } | { N: string }> = { pk: { S: `dedupe#acme#${uuid}` } };
  for (const [k, v] of Object.entries(fields)) item[k] = typeof v === 'number' ? { N: String(v) } : { S: v };
  return item;
}

afterEach(() => dynamo.reset());

describe('claimEvents', () => {
  it('reads what is known with consistent BatchGetItem calls of at most 100 keys', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    dynamo.on(PutItemCommand).resolves({});
    await claimEvents('acme', Array.from({ length: 250 }, (_, i) => `u${i}`), 'poll', deps);
    const gets = dynamo.commandCalls(BatchGetItemCommand).map((c) => c.args[0].input.RequestItems?.t);
    expect(gets.map((g) => g?.Keys?.length)).toEqual([100, 100, 50]);
    expect(gets.every((g) => g?.ConsistentRead === true)).toBe(true);
  });

  it('claims a new event with a conditional PutItem carrying a lease and a TTL', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    dynamo.on(PutItemCommand).resolves({});
    const result = await claimEvents('acme', ['u1'], 'event-hook', deps);
    const put = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put?.Item).toMatchObject({
      pk: { S: 'dedupe#acme#u1' },
      state: { S: 'publishing' },
      trigger: { S: 'event-hook' },
      leaseUntil: { N: String(now + 30_000) },
      expiresAt: { N: String(now / 1000 + 7 * 86_400) },
    });
    expect(put?.ConditionExpression).toContain('attribute_not_exists(pk)');
    expect(result.claimed).toEqual(['u1']);
  });

  it('skips an event already published without writing', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { t: [stored('u1', { state: 'published', expiresAt: now / 1000 + 100 })] } });
    const result = await claimEvents('acme', ['u1'], 'poll', deps);
    expect(result).toMatchObject({ claimed: [], published: ['u1'], inFlight: [] });
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('reports an event another run is publishing under a live lease as in flight', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { t: [stored('u1', { state: 'publishing', leaseUntil: now + 1, expiresAt: now / 1000 + 100 })] } });
    const result = await claimEvents('acme', ['u1'], 'poll', deps);
    expect(result.inFlight).toEqual(['u1']);
  });

  it('claims again an event whose claim outlived its lease (its holder crashed)', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { t: [stored('u1', { state: 'publishing', leaseUntil: now - 1, expiresAt: now / 1000 + 100 })] } });
    dynamo.on(PutItemCommand).resolves({});
    const result = await claimEvents('acme', ['u1'], 'poll', deps);
    expect(result.claimed).toEqual(['u1']);
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.ConditionExpression).toContain('#leaseUntil < :now');
  });

  it('treats a record past its TTL (not yet deleted by DynamoDB) as never seen', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { t: [stored('u1', { state: 'published', expiresAt: now / 1000 - 1 })] } });
    dynamo.on(PutItemCommand).resolves({});
    const result = await claimEvents('acme', ['u1'], 'poll', deps);
    expect(result.claimed).toEqual(['u1']);
  });

  it('reads again an event another run claimed between the read and the write', async () => {
    dynamo.on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { t: [] } })
      .resolves({ Responses: { t: [stored('u1', { state: 'published', expiresAt: now / 1000 + 100 })] } });
    dynamo.on(PutItemCommand).rejects(conditionFailed());
    const result = await claimEvents('acme', ['u1'], 'poll', deps);
    expect(result).toMatchObject({ claimed: [], published: ['u1'] });
  });

  it('claims a uuid repeated in the input once', async () => {
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
    dynamo.on(PutItemCommand).resolves({});
    await claimEvents('acme', ['u1', 'u1'], 'poll', deps);
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(1);
  });

  it('retries the keys BatchGetItem left unprocessed', async () => {
    dynamo.on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [{ pk: { S: 'dedupe#acme#u1' } }] } } })
      .resolves({ Responses: { t: [stored('u1', { state: 'published', expiresAt: now / 1000 + 100 })] } });
    const result = await claimEvents('acme', ['u1'], 'poll', deps);
    expect(result.published).toEqual(['u1']);
  });
});

describe('markPublished', () => {
  it('writes published records in BatchWriteItem calls of at most 25', async () => {
    dynamo.on(BatchWriteItemCommand).resolves({});
    await markPublished('acme', Array.from({ length: 60 }, (_, i) => `u${i}`), 'poll', deps);
    const sizes = dynamo.commandCalls(BatchWriteItemCommand).map((c) => c.args[0].input.RequestItems?.t?.length);
    expect(sizes).toEqual([25, 25, 10]);
    const first = dynamo.commandCalls(BatchWriteItemCommand)[0]?.args[0].input.RequestItems?.t?.[0]?.PutRequest?.Item;
    expect(first).toMatchObject({ state: { S: 'published' }, expiresAt: { N: String(now / 1000 + 7 * 86_400) } });
  });

  it('retries the items BatchWriteItem left unprocessed', async () => {
    const item = { PutRequest: { Item: { pk: { S: 'dedupe#acme#u1' } } } };
    dynamo.on(BatchWriteItemCommand).resolvesOnce({ UnprocessedItems: { t: [item] } }).resolves({});
    await markPublished('acme', ['u1'], 'poll', deps);
    expect(dynamo.commandCalls(BatchWriteItemCommand)).toHaveLength(2);
  });
});

describe('releaseClaims', () => {
  it('deletes only its own unfinished claim', async () => {
    dynamo.on(DeleteItemCommand).resolves({});
    await releaseClaims('acme', ['u1'], 'owner-1', deps);
    const input = dynamo.commandCalls(DeleteItemCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('#owner = :owner AND #state = :publishing');
    expect(input?.ExpressionAttributeValues?.[':owner']).toEqual({ S: 'owner-1' });
  });

  it('ignores a claim that is no longer its own', async () => {
    dynamo.on(DeleteItemCommand).rejects(conditionFailed());
    await expect(releaseClaims('acme', ['u1'], 'owner-1', deps)).resolves.toBeUndefined();
  });
});
