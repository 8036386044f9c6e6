/**
 * The AWS SDK clients, created once per container on first use so their connections are reused across
 * invocations. They take only the SDK's standard settings: the region and the `AWS_ENDPOINT_URL_*` variables that
 * the local sandbox and the tests set (docs/ARCHITECTURE.md). There is no code path of our own for local endpoints.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';

let dynamoDbClient: DynamoDBClient | undefined;
let eventBridgeClient: EventBridgeClient | undefined;
let secretsManagerClient: SecretsManagerClient | undefined;
let sqsClient: SQSClient | undefined;
let kmsClient: KMSClient | undefined;

export function dynamoDb(): DynamoDBClient {
  dynamoDbClient ??= new DynamoDBClient({});
  return dynamoDbClient;
}

export function eventBridge(): EventBridgeClient {
  eventBridgeClient ??= new EventBridgeClient({});
  return eventBridgeClient;
}

export function secretsManager(): SecretsManagerClient {
  secretsManagerClient ??= new SecretsManagerClient({});
  return secretsManagerClient;
}

export function sqs(): SQSClient {
  sqsClient ??= new SQSClient({});
  return sqsClient;
}

export function kms(): KMSClient {
  kmsClient ??= new KMSClient({});
  return kmsClient;
}

/** Drops the clients so the next call builds them from the current environment (tests that move endpoints). */
export function resetAwsClients(): void {
  dynamoDbClient?.destroy();
  eventBridgeClient?.destroy();
  secretsManagerClient?.destroy();
  sqsClient?.destroy();
  sqsClient = undefined;
  kmsClient?.destroy();
  dynamoDbClient = undefined;
  eventBridgeClient = undefined;
  secretsManagerClient = undefined;
  kmsClient = undefined;
}
