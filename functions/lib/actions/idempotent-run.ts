/**
 * Runs a write once per caller-given `idempotencyKey` (CONTRACT section 2, create-user), with Powertools for AWS
 * Lambda's Idempotency utility on the connector's table. The record's key is `pk` =
 * `idempotency#<action>#<hash of [connection, idempotencyKey]>` and it expires with the table's `expiresAt` TTL
 * (epoch seconds), so the table's `pk`-only key schema and TTL serve it unchanged. A retry with the same key and
 * the same input gets the first attempt's output without calling Okta; the same key with another input (compared
 * by hash, so no password is stored) is `InvalidInput`; a retry while the first attempt still runs is
 * `OktaUnavailable`, which a Step Functions `Retry` waits out. A failed attempt leaves no record, so its retry runs.
 */
import type { Context } from 'aws-lambda';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamoDb } from '../aws-clients.js';
import { requireTableName } from '../config.js';
import { InvalidInput, OktaUnavailable } from '../errors.js';

/** How long a key is remembered: a day covers any Step Functions retry policy of the examples. */
export const IDEMPOTENCY_RECORD_SECONDS = 24 * 60 * 60;
/** The key prefix of the records, for the table's IAM (`dynamodb:LeadingKeys`). */
export const IDEMPOTENCY_KEY_PREFIX = 'idempotency#';

let layer: { table: string; store: DynamoDBPersistenceLayer } | undefined;
function persistence(): DynamoDBPersistenceLayer {
  const table = requireTableName();
  if (layer?.table !== table) {
    layer = {
      table,
      store: new DynamoDBPersistenceLayer({
        tableName: table,
        awsSdkV3Client: dynamoDb(),
        keyAttr: 'pk',
        expiryAttr: 'expiresAt',
      }),
    };
  }
  return layer.store;
}

export interface IdempotentRun<O> {
  action: string;
  connection: string;
  idempotencyKey: string;
  /** The input without its key: a retry must send the same. */
  request: unknown;
  /** Epoch ms the action must end by: an attempt that dies leaves its record "in progress" only until then. */
  deadline: number;
  run: () => Promise<O>;
}

/** Runs `run` once per (connection, key); see the module comment. */
export async function runOnce<O>(call: IdempotentRun<O>): Promise<O> {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds: IDEMPOTENCY_RECORD_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  config.registerLambdaContext({ getRemainingTimeInMillis: () => call.deadline - Date.now() } as Context);
  const once = makeIdempotent(async (_payload: unknown) => call.run(), {
    persistenceStore: persistence(),
    config,
    keyPrefix: `${IDEMPOTENCY_KEY_PREFIX}${call.action}`,
  });
  try {
    return await once({ key: [call.connection, call.idempotencyKey], request: call.request });
  } catch (error) {
    if (error instanceof IdempotencyValidationError) {
      throw new InvalidInput([
        { field: 'idempotencyKey', problem: 'was already used with another input; use a new key for a new request' },
      ]);
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new OktaUnavailable('The first attempt under this idempotencyKey is still running; retry shortly', {
        retryAfterSeconds: 5,
      });
    }
    throw error;
  }
}
