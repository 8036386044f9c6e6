/**
 * The local AWS the sandbox and the tests run against: dynalite for DynamoDB, and small local endpoints for
 * EventBridge, Secrets Manager and KMS. The connector's code reaches them only through the AWS SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>` settings (see `env()`), never through a code path of its own.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createConnectorTable, startDynalite, type LocalDynamoDb } from './dynamodb.js';
import { startLocalEventBridge, type LocalEventBridge } from './eventbridge.js';
import { startLocalKms, type LocalKms } from './kms.js';
import { startLocalSecretsManager } from './secrets-manager.js';
import { startLocalSqs, type LocalSqs } from './sqs.js';

export type { RecordedEntry, FailEntriesOptions, EntryErrorCode } from './eventbridge.js';
export type { DynamoDbFaults, DynamoDbFaultCounts, DynamoDbWrite } from './dynamodb.js';

export interface LocalAws {
  endpoints: { dynamodb: string; eventbridge: string; secretsManager: string; kms: string; sqs: string };
  /** The environment that points the AWS SDK v3 clients at these endpoints (with dummy credentials). */
  env(): Record<string, string>;
  /** The local EventBridge's records and fault controls. */
  eventBridge: Omit<LocalEventBridge, 'url' | 'close'>;
  secrets: {
    put(name: string, value: string | object): void;
    get(name: string): string | undefined;
    /** How many versions were ever written to a secret. */
    versionsWritten(name: string): number;
    /** How many `GetSecretValue` calls named this secret. */
    reads(name: string): number;
    /** Makes `GetSecretValue` of this secret answer `AccessDeniedException` (IAM outside a role's ARNs). */
    denyReads(name: string): void;
    /** Holds the next `count` `PutSecretValue` calls on a secret: never stored, never answered. */
    holdWrites(name: string, count: number, onHeld?: () => void): void;
  };
  /** The local DynamoDB's calls so far, by operation, from every process, and its faults. */
  dynamoDb: Pick<LocalDynamoDb, 'calls' | 'injectFaults' | 'faultCounts' | 'onWrite'>;
  /** The local KMS's keys and fault controls. */
  kms: Omit<LocalKms, 'url' | 'close'>;
  /** The local SQS's queues as they are now, and its fault controls. */
  sqs: Omit<LocalSqs, 'url' | 'close'>;
  /** Creates the connector's table (pk S) in dynalite; a no-op when it exists. */
  createTable(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface LocalAwsOptions {
  /**
   * First port: EventBridge on `port`, Secrets Manager on `port + 1`, DynamoDB on `port + 2`, KMS on `port + 3`,
   * SQS on `port + 4`. 0 (default) = any free ports.
   */
  port?: number;
}

const REGION = 'us-east-1';

/** Starts the local endpoints. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const port = options.port ?? 0;
  const next = (offset: number) => (port === 0 ? 0 : port + offset);
  const eventBridge = await startLocalEventBridge(port);
  const secrets = await startLocalSecretsManager(next(1));
  const dynamodb = await startDynalite(next(2));
  const kms = await startLocalKms(next(3));
  const sqs = await startLocalSqs(next(4));
  const endpoints = {
    dynamodb: dynamodb.url,
    eventbridge: eventBridge.url,
    secretsManager: secrets.url,
    kms: kms.url,
    sqs: sqs.url,
  };
  const dynamoClient = new DynamoDBClient({
    endpoint: endpoints.dynamodb,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

  return {
    endpoints,
    env: () => ({
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
      AWS_ENDPOINT_URL_KMS: endpoints.kms,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    }),
    eventBridge: {
      entries: eventBridge.entries,
      clear: eventBridge.clear,
      failEntries: eventBridge.failEntries,
      throttle: eventBridge.throttle,
      delay: eventBridge.delay,
      callCount: eventBridge.callCount,
      throttledCount: eventBridge.throttledCount,
      onEntry: eventBridge.onEntry,
    },
    secrets: {
      put: secrets.put,
      get: secrets.get,
      versionsWritten: secrets.versionsWritten,
      reads: secrets.reads,
      denyReads: secrets.denyReads,
      holdWrites: secrets.holdWrites,
    },
    dynamoDb: {
      calls: dynamodb.calls,
      injectFaults: dynamodb.injectFaults,
      faultCounts: dynamodb.faultCounts,
      onWrite: dynamodb.onWrite,
    },
    kms: { createKey: kms.createKey, calls: kms.calls, failNext: kms.failNext },
    sqs: { messages: sqs.messages, queueUrl: sqs.queueUrl, createQueue: sqs.createQueue, failSends: sqs.failSends },
    createTable: (name) => createConnectorTable(dynamoClient, name),
    close: async () => {
      dynamoClient.destroy();
      await Promise.all([eventBridge.close(), secrets.close(), dynamodb.close(), kms.close(), sqs.close()]);
    },
  };
}
