import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readPollCursor,
  readSearchCursor,
  writePollCursor,
  writeSearchCursor,
} from '../../../../functions/lib/events/cursors.js';

const dynamo = mockClient(DynamoDBClient);
const deps = { dynamoDb: new DynamoDBClient({}), tableName: 't', now: () => 0 };

afterEach(() => dynamo.reset());

describe('poll cursor', () => {
  it('reads as version 0 when none is stored', async () => {
    dynamo.on(GetItemCommand).resolves({});
    await expect(readPollCursor('acme', deps)).resolves.toEqual({
      version: 0,
      next: undefined,
      lastPublished: undefined,
    });
  });

  it('reads the stored next link with a consistent read', async () => {
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: { pk: { S: 'cursor#acme#poll' }, next: { S: 'https://n' }, version: { N: '4' } } });
    await expect(readPollCursor('acme', deps)).resolves.toMatchObject({ next: 'https://n', version: 4 });
    expect(dynamo.commandCalls(GetItemCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it('writes a first cursor only if none exists', async () => {
    dynamo.on(PutItemCommand).resolves({});
    await writePollCursor('acme', { version: 0 }, { next: 'https://n' }, deps);
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('writes a later cursor only if its version is still the one read', async () => {
    dynamo.on(PutItemCommand).resolves({});
    const written = await writePollCursor(
      'acme',
      { version: 3, next: 'a' },
      { next: 'b', lastPublished: '2026-01-01T00:00:00.000Z' },
      deps,
    );
    const input = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('#version = :expected');
    expect(input?.ExpressionAttributeValues).toEqual({ ':expected': { N: '3' } });
    expect(input?.Item?.version).toEqual({ N: '4' });
    expect(written).toEqual({ next: 'b', lastPublished: '2026-01-01T00:00:00.000Z', version: 4 });
  });

  it('returns undefined when another poller moved the cursor first', async () => {
    dynamo.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    await expect(writePollCursor('acme', { version: 3 }, { next: 'b' }, deps)).resolves.toBeUndefined();
  });
});

describe('search cursor', () => {
  it('is kept per connection and search name', async () => {
    dynamo.on(GetItemCommand).resolves({});
    await readSearchCursor('acme', 'failed-logins', deps);
    expect(dynamo.commandCalls(GetItemCommand)[0]?.args[0].input.Key).toEqual({
      pk: { S: 'cursor#acme#search#failed-logins' },
    });
  });

  it('moves to the end of the window just covered', async () => {
    dynamo.on(PutItemCommand).resolves({});
    const written = await writeSearchCursor('acme', 's', { version: 1, until: 'a' }, 'b', deps);
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.Item?.until).toEqual({ S: 'b' });
    expect(written).toEqual({ until: 'b', version: 2 });
  });
});
