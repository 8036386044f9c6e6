/**
 * The table and the bus as the unit tests of the publishing triggers (the event hook, the delivery publisher) mock
 * them: every lock, dedupe and PutEvents call succeeds unless a test says otherwise. Call it at the top of a test
 * file: it sets TABLE_NAME, silences the logger and resets the mocks around each test.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { resetConfig } from '../../functions/lib/config.js';
import { logger } from '../../functions/lib/observability.js';

/** The mocked DynamoDB and EventBridge clients, reset after each test. */
export function mockPublishPath() {
  const dynamo = mockClient(DynamoDBClient);
  const eventBridge = mockClient(EventBridgeClient);
  beforeAll(() => {
    process.env.TABLE_NAME = 'table';
    resetConfig();
    logger.setLogLevel('SILENT');
  });
  beforeEach(() => {
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(DeleteItemCommand).resolves({});
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { table: [] } });
    dynamo.on(BatchWriteItemCommand).resolves({});
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: 'e' })),
    }));
  });
  afterEach(() => {
    dynamo.reset();
    eventBridge.reset();
  });
  return { dynamo, eventBridge };
}
