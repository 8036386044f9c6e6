import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leaseLockExclusive } from '../../../../functions/lib/auth/authorization-code.js';
import { RENEWAL_LEASE_MS } from '../../../../functions/lib/auth/refresh-renewal.js';
import { resetConfig } from '../../../../functions/lib/config.js';
import { fakeClock } from '../okta/fake-okta.js';

const dynamo = mockClient(DynamoDBClient);
const held = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => {
  dynamo.reset();
  dynamo.on(DeleteItemCommand).resolves({});
});
afterEach(() => {
  delete process.env.TABLE_NAME;
  resetConfig();
});

describe('the renewal lock of an authorization-code connection', () => {
  it('takes the lease lock lock#<connection>#sign-in for 10 s, runs the renewal, then releases it', async () => {
    const clock = fakeClock();
    dynamo.on(PutItemCommand).resolves({});
    const exclusive = leaseLockExclusive('acme', {
      dynamoDb: new DynamoDBClient({}),
      tableName: 'table',
      now: clock.now,
      sleep: clock.sleep,
    });
    const leases: number[] = [];
    const outcome = await exclusive(clock.now() + 5_000, (leaseUntil) => {
      leases.push(leaseUntil);
      expect(dynamo.commandCalls(DeleteItemCommand)).toHaveLength(0);
      return Promise.resolve('renewed');
    });
    expect(outcome).toEqual({ acquired: true, value: 'renewed' });
    expect(leases).toEqual([clock.now() + RENEWAL_LEASE_MS]);
    const put = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put?.Item?.pk).toEqual({ S: 'lock#acme#sign-in' });
    expect(put?.ConditionExpression).toBe('attribute_not_exists(pk) OR #leaseUntil < :now');
    expect(dynamo.commandCalls(DeleteItemCommand)[0]?.args[0].input.Key).toEqual({ pk: { S: 'lock#acme#sign-in' } });
  });

  it('waits while another container holds it, and runs once the holder is done', async () => {
    const clock = fakeClock();
    dynamo.on(PutItemCommand).rejectsOnce(held()).rejectsOnce(held()).resolves({});
    const exclusive = leaseLockExclusive('acme', {
      dynamoDb: new DynamoDBClient({}),
      tableName: 'table',
      now: clock.now,
      sleep: clock.sleep,
    });
    const outcome = await exclusive(clock.now() + 5_000, () => Promise.resolve('renewed'));
    expect(outcome).toEqual({ acquired: true, value: 'renewed' });
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('gives up at the deadline without running the renewal while the lock stays held (its holder died)', async () => {
    const clock = fakeClock();
    dynamo.on(PutItemCommand).rejects(held());
    const exclusive = leaseLockExclusive('acme', {
      dynamoDb: new DynamoDBClient({}),
      tableName: 'table',
      now: clock.now,
      sleep: clock.sleep,
    });
    let ran = false;
    const outcome = await exclusive(clock.now() + 2_000, () => {
      ran = true;
      return Promise.resolve();
    });
    expect(outcome).toEqual({ acquired: false });
    expect(ran).toBe(false);
    expect(clock.now()).toBeLessThanOrEqual(Date.UTC(2026, 10, 29, 9, 0, 2));
  });

  it('runs the renewal unlocked where there is no table (the CLI outside a deployment)', async () => {
    delete process.env.TABLE_NAME;
    resetConfig();
    const exclusive = leaseLockExclusive('acme', { dynamoDb: new DynamoDBClient({}) });
    const outcome = await exclusive(Date.now() + 5_000, () => Promise.resolve('renewed'));
    expect(outcome).toEqual({ acquired: true, value: 'renewed' });
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('uses the table of TABLE_NAME when no table is given', async () => {
    process.env.TABLE_NAME = 'from-env';
    resetConfig();
    dynamo.on(PutItemCommand).resolves({});
    const exclusive = leaseLockExclusive('acme', { dynamoDb: new DynamoDBClient({}) });
    await exclusive(Date.now() + 5_000, () => Promise.resolve('renewed'));
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.TableName).toBe('from-env');
  });
});
