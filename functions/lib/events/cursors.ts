/**
 * Cursors of the poller and of the scheduled searches (docs/ARCHITECTURE.md "The DynamoDB table"). Every write is
 * conditional on the `version` that was read, so two runs at once cannot both move a cursor: the second one's
 * write fails, it stops, and the cursor never goes back nor skips ahead of what was published.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { dynamoDb } from '../aws-clients.js';
import { requireTableName } from '../config.js';
import { pollCursorKey, searchCursorKey, searchLockKey } from '../table-keys.js';

export interface CursorDeps {
  dynamoDb?: DynamoDBClient;
  tableName?: string;
  now?: () => number;
}

/** The System Log poller's position. */
export interface PollCursor {
  /** The stored `next` link of Okta's polling request. */
  next?: string;
  /** ISO time of the newest published event so far (to restart from when the link is lost). */
  lastPublished?: string;
  /** 0 when no cursor was stored yet; incremented by every write. */
  version: number;
}

/** A scheduled search's position: the end of the last window it covered. */
export interface SearchCursor {
  until?: string;
  version: number;
}

export { pollCursorKey, searchCursorKey, searchLockKey };

/** The poll cursor of a connection; `{version: 0}` when none is stored. */
export async function readPollCursor(connection: string, deps: CursorDeps = {}): Promise<PollCursor> {
  const item = await readItem(pollCursorKey(connection), deps);
  return { next: item?.next?.S, lastPublished: item?.lastPublished?.S, version: Number(item?.version?.N ?? 0) };
}

/**
 * Stores the poll cursor if nobody moved it since `expected` was read. Returns the stored cursor, or undefined on
 * a conflict (another poller wrote first: the caller stops).
 */
export async function writePollCursor(
  connection: string,
  expected: PollCursor,
  update: { next: string; lastPublished?: string },
  deps: CursorDeps = {},
): Promise<PollCursor | undefined> {
  const cursor: PollCursor = {
    next: update.next,
    lastPublished: update.lastPublished ?? expected.lastPublished,
    version: expected.version + 1,
  };
  const attributes: Record<string, AttributeValue> = { next: { S: update.next } };
  if (cursor.lastPublished) attributes.lastPublished = { S: cursor.lastPublished };
  return (await writeItem(pollCursorKey(connection), expected.version, attributes, deps)) ? cursor : undefined;
}

/** The cursor of one named search; `{version: 0}` when none is stored. */
export async function readSearchCursor(
  connection: string,
  search: string,
  deps: CursorDeps = {},
): Promise<SearchCursor> {
  const item = await readItem(searchCursorKey(connection, search), deps);
  return { until: item?.until?.S, version: Number(item?.version?.N ?? 0) };
}

/** Moves a search's cursor to `until` if nobody moved it since `expected`; undefined on a conflict. */
export async function writeSearchCursor(
  connection: string,
  search: string,
  expected: SearchCursor,
  until: string,
  deps: CursorDeps = {},
): Promise<SearchCursor | undefined> {
  const written = await writeItem(searchCursorKey(connection, search), expected.version, { until: { S: until } }, deps);
  return written ? { until, version: expected.version + 1 } : undefined;
}

async function readItem(pk: string, deps: CursorDeps): Promise<Record<string, AttributeValue> | undefined> {
  const output = await (deps.dynamoDb ?? dynamoDb()).send(
    new GetItemCommand({
      TableName: deps.tableName ?? requireTableName(),
      Key: { pk: { S: pk } },
      ConsistentRead: true,
    }),
  );
  return output.Item;
}

async function writeItem(
  pk: string,
  expectedVersion: number,
  attributes: Record<string, AttributeValue>,
  deps: CursorDeps,
): Promise<boolean> {
  const now = deps.now ?? Date.now;
  try {
    await (deps.dynamoDb ?? dynamoDb()).send(
      new PutItemCommand({
        TableName: deps.tableName ?? requireTableName(),
        Item: {
          ...attributes,
          pk: { S: pk },
          version: { N: String(expectedVersion + 1) },
          updatedAt: { S: new Date(now()).toISOString() },
        },
        // Version 0 means "no cursor yet": then the item must not exist, otherwise it must still be the one we read.
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
        ExpressionAttributeNames: expectedVersion === 0 ? undefined : { '#version': 'version' },
        ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ':expected': { N: String(expectedVersion) } },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
