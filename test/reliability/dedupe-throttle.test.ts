import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markPublished, publishedAmong } from '../../functions/lib/events/dedupe.js';
import { startLocalAws, type LocalAws } from '../../local/aws/index.js';

// Found by the soak: events on the bus whose dedupe marks were throttled away were published again by the next
// trigger. A throttled BatchWriteItem (the SDK's own retries spent) must be retried like unprocessed items.
describe('dedupe marks under DynamoDB throttling', () => {
  let aws: LocalAws;
  let client: DynamoDBClient;
  let throttledCalls = 0;
  const table = 'dedupe-throttle';

  beforeAll(async () => {
    aws = await startLocalAws();
    await aws.createTable(table);
    client = new DynamoDBClient({
      endpoint: aws.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchWriteItemCommand' && throttledCalls > 0) {
          throttledCalls -= 1;
          throw new ProvisionedThroughputExceededException({
            message: 'throttled',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'initialize', priority: 'high' },
    );
  });
  afterAll(async () => {
    client.destroy();
    await aws.close();
  });

  it('marks every event when a BatchWriteItem call is throttled', async () => {
    throttledCalls = 2;
    const uuids = Array.from({ length: 60 }, (_, i) => `uuid-${i}`);
    const deps = { dynamoDb: client, tableName: table, ttlDays: 7, sleep: () => Promise.resolve() };

    await markPublished('c', uuids, 'poll', deps);

    expect(throttledCalls).toBe(0);
    expect((await publishedAmong('c', uuids, deps)).size).toBe(60);
  });
});
