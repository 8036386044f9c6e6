import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoDb, eventBridge, kms, resetAwsClients, secretsManager } from '../../../functions/lib/aws-clients.js';

afterEach(() => resetAwsClients());

describe('aws-clients', () => {
  it('creates each client once per container', () => {
    expect(dynamoDb()).toBeInstanceOf(DynamoDBClient);
    expect(eventBridge()).toBeInstanceOf(EventBridgeClient);
    expect(secretsManager()).toBeInstanceOf(SecretsManagerClient);
    expect(kms()).toBeInstanceOf(KMSClient);
    expect(dynamoDb()).toBe(dynamoDb());
    expect(eventBridge()).toBe(eventBridge());
    expect(secretsManager()).toBe(secretsManager());
    expect(kms()).toBe(kms());
  });

  it('builds new clients after a reset, for tests that move the endpoints', () => {
    const first = dynamoDb();
    resetAwsClients();
    expect(dynamoDb()).not.toBe(first);
  });

  it("takes the region from the SDK's own settings", async () => {
    expect(await dynamoDb().config.region()).toBe(process.env.AWS_REGION);
  });
});
