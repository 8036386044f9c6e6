import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { OktaClient } from '../../functions/lib/okta/client.js';
import { logger } from '../../functions/lib/observability.js';
import { handler as poll } from '../../functions/triggers/poll-system-log.js';
import { handler as search } from '../../functions/triggers/scheduled-search.js';

// Found by the soak: with DynamoDB throttling past the SDK's retries, the poller and the scheduled search failed with
// the SDK's ProvisionedThroughputExceededException; a failure must carry a CONTRACT type (the cause is logged).
const throttled = new DynamoDBClient({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9',
  credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
});
let throttledCalls = 0;
throttled.middlewareStack.add(
  () => () => {
    throttledCalls += 1;
    return Promise.reject(
      new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: { httpStatusCode: 400 } }),
    );
  },
  { step: 'initialize', priority: 'high' },
);
const okta = { connection: { name: 'c' } } as unknown as OktaClient;
const context = { getRemainingTimeInMillis: () => 60_000 };
logger.setLogLevel('SILENT');

describe('trigger runs when DynamoDB throttles past the retries', () => {
  it('fails the poll with InternalError', async () => {
    const before = throttledCalls;
    await expect(
      poll({ connection: 'c' }, context, { okta, cursors: { dynamoDb: throttled, tableName: 't' } }),
    ).rejects.toMatchObject({ name: 'InternalError' });
    expect(throttledCalls).toBeGreaterThan(before);
  });

  it('fails the scheduled search with InternalError', async () => {
    const before = throttledCalls;
    const searches = [{ connection: 'c', name: 's', schedule: 'rate(1 hour)', window: '1h', windowMs: 3_600_000 }];
    await expect(
      search({ connection: 'c', search: 's' }, context, {
        okta,
        searches,
        cursors: { dynamoDb: throttled, tableName: 't' },
        // The search's lease lock is in the same table: without this it would fail on the missing TABLE_NAME instead.
        lock: { dynamoDb: throttled, tableName: 't' },
      }),
    ).rejects.toMatchObject({ name: 'InternalError' });
    expect(throttledCalls).toBeGreaterThan(before);
  });
});
