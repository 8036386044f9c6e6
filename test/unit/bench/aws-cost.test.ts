import { describe, expect, it } from 'vitest';
import { callsPer1000Events, monthlyCost } from '../../../bench/aws-cost.js';

describe('cost per event', () => {
  it('counts the data calls made between two counts, per 1,000 events published meanwhile (not the table set-up)', () => {
    const before = { dynamoDb: { BatchGetItem: 3, PutItem: 1 }, putEvents: 7 };
    const after = { dynamoDb: { BatchGetItem: 23, BatchWriteItem: 80, PutItem: 3, CreateTable: 1 }, putEvents: 207 };
    expect(callsPer1000Events(before, after, 2000)).toEqual({
      dynamoDb: { BatchGetItem: 10, BatchWriteItem: 40, PutItem: 1 },
      putEvents: 100,
    });
  });

  it('prices a month: a read and a write unit per event for the dedupe, one unit per other call, one EventBridge event per entry', () => {
    const cost = monthlyCost({
      dynamoDb: { BatchGetItem: 10, BatchWriteItem: 40, PutItem: 1, DeleteItem: 1, UpdateItem: 1, GetItem: 0.01 },
      putEvents: 100,
    });
    // Writes 1,003,000 x $0.625/M + reads 1,000,010 x $0.125/M; 1M events x $1.00/M.
    expect(cost).toEqual({
      eventsPerMonth: 1_000_000,
      dynamoDbUsd: 0.752,
      eventBridgeUsd: 1,
      totalUsd: 1.752,
      logStreamingUsd: 1,
    });
  });
});
