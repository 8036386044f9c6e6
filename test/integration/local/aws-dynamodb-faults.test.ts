import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type DynamoDbWrite, type LocalAws } from '../../../local/aws/index.js';

// Faults at the endpoint reach every SDK client of every process (each Lambda container has its own), as AWS's
// own answers would: the SDK's retry loop sees them, not a middleware of one client.
let aws: LocalAws;
let client: DynamoDBClient;
const TABLE = 'faults';
const noFaults = { throttle: 0, exhaustedThrottle: 0, conditionalConflict: 0 };

beforeAll(async () => {
  aws = await startLocalAws();
  const env = aws.env();
  client = new DynamoDBClient({
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
    region: env.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  await aws.createTable(TABLE);
});
afterEach(() => aws.dynamoDb.injectFaults(noFaults));
afterAll(async () => {
  client.destroy();
  await aws.close();
});

const item = (pk: string) => ({ TableName: TABLE, Item: { pk: { S: pk } } });

describe('local DynamoDB faults at the endpoint', () => {
  it('throttles single attempts, which the SDK retries to success', async () => {
    // The first draw throttles the first attempt; the next attempt draws 0.9 and passes.
    const draws = [0.1, 0.9];
    aws.dynamoDb.injectFaults({ ...noFaults, throttle: 0.5, random: () => draws.shift() ?? 0.9 });
    const before = aws.dynamoDb.calls().PutItem ?? 0;

    const output = await client.send(new PutItemCommand(item('retried')));

    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(output.$metadata.attempts).toBe(2);
    expect(aws.dynamoDb.calls().PutItem! - before).toBe(2);
    expect(aws.dynamoDb.faultCounts().throttles).toBeGreaterThanOrEqual(1);
  });

  it('throttles every attempt of a call with an exhausted throttle, so the caller sees ProvisionedThroughputExceededException', async () => {
    const before = aws.dynamoDb.faultCounts().exhaustedThrottles;
    const calls = aws.dynamoDb.calls().GetItem ?? 0;
    let draws = 0;
    // Only the call's first attempt draws: its retries carry the same amz-sdk-invocation-id.
    aws.dynamoDb.injectFaults({ ...noFaults, exhaustedThrottle: 0.5, random: () => (draws++ === 0 ? 0.1 : 0.9) });

    const read = client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'absent' } } }));

    await expect(read).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $metadata: { attempts: 3 },
    });
    expect(aws.dynamoDb.faultCounts().exhaustedThrottles - before).toBe(1);
    expect(aws.dynamoDb.calls().GetItem! - calls).toBe(3);
  });

  it('spares DeleteItem the exhausted throttle', async () => {
    aws.dynamoDb.injectFaults({ ...noFaults, exhaustedThrottle: 1 });

    const deleted = await client.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: 'absent' } } }));

    expect(deleted.$metadata.httpStatusCode).toBe(200);
  });

  it('answers a conditional PutItem ConditionalCheckFailedException without writing', async () => {
    const before = aws.dynamoDb.faultCounts().conditionalConflicts;
    aws.dynamoDb.injectFaults({ ...noFaults, conditionalConflict: 1 });

    const put = client.send(
      new PutItemCommand({ ...item('conflicted'), ConditionExpression: 'attribute_not_exists(pk)' }),
    );

    await expect(put).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(aws.dynamoDb.faultCounts().conditionalConflicts - before).toBe(1);
    aws.dynamoDb.injectFaults(noFaults);
    const read = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'conflicted' } } }));
    expect(read.Item).toBeUndefined();
    // An unconditional write is not a conflict.
    aws.dynamoDb.injectFaults({ ...noFaults, conditionalConflict: 1 });
    await expect(client.send(new PutItemCommand(item('unconditional')))).resolves.toBeDefined();
  });

  it('tells write listeners of the writes it answered 200, with their input, and not of the refused ones', async () => {
    const writes: DynamoDbWrite[] = [];
    const stop = aws.dynamoDb.onWrite((write) => writes.push(write));
    await client.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'cursor#c#poll' }, version: { N: '4' } } }),
    );
    aws.dynamoDb.injectFaults({ ...noFaults, conditionalConflict: 1 });
    await expect(
      client.send(new PutItemCommand({ ...item('cursor#c#poll'), ConditionExpression: 'version = :v' })),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    stop();
    await client.send(new PutItemCommand(item('after-unsubscribe')));

    expect(writes).toEqual([
      { operation: 'PutItem', input: { TableName: TABLE, Item: { pk: { S: 'cursor#c#poll' }, version: { N: '4' } } } },
    ]);
  });
});
