import { DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';

// The real SDK client, configured only through the AWS_ENDPOINT_URL_DYNAMODB environment variable.
let aws: LocalAws;
let client: DynamoDBClient;
const savedEnv = { ...process.env };

beforeAll(async () => {
  aws = await startLocalAws();
  Object.assign(process.env, aws.env());
  client = new DynamoDBClient({});
});
afterAll(async () => {
  client.destroy();
  await aws.close();
  process.env = savedEnv;
});

describe('local DynamoDB (dynalite)', () => {
  it('creates the connector table with pk as its string partition key, active at once', async () => {
    await aws.createTable('connector');
    const described = await client.send(new DescribeTableCommand({ TableName: 'connector' }));

    expect(described.Table?.TableStatus).toBe('ACTIVE');
    expect(described.Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(described.Table?.AttributeDefinitions).toEqual([{ AttributeName: 'pk', AttributeType: 'S' }]);
  });

  it('creates the table again without an error', async () => {
    await aws.createTable('again');
    await expect(aws.createTable('again')).resolves.toBeUndefined();
  });

  it('stores and reads items, with conditional writes', async () => {
    await aws.createTable('items');
    await client.send(
      new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'cursor#default#poll' }, version: { N: '1' } } }),
    );

    const conditional = client.send(
      new PutItemCommand({
        TableName: 'items',
        Item: { pk: { S: 'cursor#default#poll' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await expect(conditional).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const read = await client.send(
      new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'cursor#default#poll' } } }),
    );
    expect(read.Item?.version).toEqual({ N: '1' });
  });

  it('counts the calls it answered by operation, from every client', async () => {
    await aws.createTable('counted');
    const before = aws.dynamoDb.calls();
    const other = new DynamoDBClient({});
    await other.send(new PutItemCommand({ TableName: 'counted', Item: { pk: { S: 'a' } } }));
    await client.send(new GetItemCommand({ TableName: 'counted', Key: { pk: { S: 'a' } } }));
    await client.send(new GetItemCommand({ TableName: 'counted', Key: { pk: { S: 'a' } } }));
    other.destroy();
    const after = aws.dynamoDb.calls();

    expect((after.PutItem ?? 0) - (before.PutItem ?? 0)).toBe(1);
    expect((after.GetItem ?? 0) - (before.GetItem ?? 0)).toBe(2);
  });
});
