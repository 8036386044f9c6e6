/**
 * Cost per event (issue 18 target 7): the DynamoDB and EventBridge calls a trigger made per 1,000 events it
 * published, counted on the local endpoints, and what a connection publishing a million events a month pays AWS
 * for them at AWS's public on-demand prices (us-east-1), beside Okta Log Streaming into EventBridge.
 *
 * Request units are the protocol's, not counted: each event is read once from the dedupe table (BatchGetItem,
 * strongly consistent, an item under 4 KB: 1 read unit) and its record written once (BatchWriteItem, under 1 KB:
 * 1 write unit); every other call is on one small item (a lock, a cursor, a rate-limit lease: 1 unit). Each entry
 * is under 64 KB, so EventBridge bills it as one event. Lambda, SQS and CloudWatch are not in these figures.
 */
import type { LocalAws } from '../local/aws/index.js';

/** AWS's public prices, US East (N. Virginia), on-demand, USD; each with the page it is read from. */
export const awsPrices = {
  eventBridgeEventsPerMillion: { usd: 1.0, source: 'https://aws.amazon.com/eventbridge/pricing/ (custom events)' },
  partnerEventsPerMillion: { usd: 1.0, source: 'https://aws.amazon.com/eventbridge/pricing/ (partner events)' },
  dynamoDbWriteUnitsPerMillion: { usd: 0.625, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  dynamoDbReadUnitsPerMillion: { usd: 0.125, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
} as const;

/** The calls of the local endpoints so far. */
export interface AwsCalls {
  dynamoDb: Record<string, number>;
  putEvents: number;
}

export function awsCalls(aws: LocalAws): AwsCalls {
  return { dynamoDb: aws.dynamoDb.calls(), putEvents: aws.eventBridge.callCount() };
}

export interface CallsPer1000Events {
  /** DynamoDB calls by operation. */
  dynamoDb: Record<string, number>;
  putEvents: number;
}

/** The bench's own table set-up, which no trigger calls. */
const controlPlane = new Set(['CreateTable', 'DescribeTable', 'DeleteTable', 'ListTables']);

/** The data calls made between two counts, per 1,000 of the `events` published meanwhile. */
export function callsPer1000Events(before: AwsCalls, after: AwsCalls, events: number): CallsPer1000Events {
  const per = (count: number) => Math.round((count / events) * 1000 * 1000) / 1000;
  const dynamoDb: Record<string, number> = {};
  for (const [operation, count] of Object.entries(after.dynamoDb)) {
    if (controlPlane.has(operation)) continue;
    const made = count - (before.dynamoDb[operation] ?? 0);
    if (made > 0) dynamoDb[operation] = per(made);
  }
  return { dynamoDb, putEvents: per(after.putEvents - before.putEvents) };
}

export interface MonthlyCost {
  eventsPerMonth: number;
  dynamoDbUsd: number;
  eventBridgeUsd: number;
  totalUsd: number;
  /** The same events from Okta Log Streaming into EventBridge: partner events, nothing else on the AWS side. */
  logStreamingUsd: number;
}

const batchOperations = new Set(['BatchGetItem', 'BatchWriteItem']);
const readOperations = new Set(['GetItem', 'Query', 'Scan']);

/** The month's AWS cost of a connection's published events, from its calls per 1,000 events. */
export function monthlyCost(calls: CallsPer1000Events, eventsPerMonth = 1_000_000): MonthlyCost {
  const thousands = eventsPerMonth / 1000;
  let readUnits = calls.dynamoDb.BatchGetItem ? eventsPerMonth : 0;
  let writeUnits = calls.dynamoDb.BatchWriteItem ? eventsPerMonth : 0;
  for (const [operation, per1000] of Object.entries(calls.dynamoDb)) {
    if (batchOperations.has(operation)) continue;
    if (readOperations.has(operation)) readUnits += per1000 * thousands;
    else writeUnits += per1000 * thousands;
  }
  const perMillion = (units: number, price: { usd: number }) => (units / 1_000_000) * price.usd;
  const dynamoDbUsd =
    perMillion(readUnits, awsPrices.dynamoDbReadUnitsPerMillion) +
    perMillion(writeUnits, awsPrices.dynamoDbWriteUnitsPerMillion);
  const eventBridgeUsd = perMillion(eventsPerMonth, awsPrices.eventBridgeEventsPerMillion);
  const round = (usd: number) => Math.round(usd * 1000) / 1000;
  return {
    eventsPerMonth,
    dynamoDbUsd: round(dynamoDbUsd),
    eventBridgeUsd: round(eventBridgeUsd),
    totalUsd: round(dynamoDbUsd + eventBridgeUsd),
    logStreamingUsd: round(perMillion(eventsPerMonth, awsPrices.partnerEventsPerMillion)),
  };
}

/** One line for a measurement's notes. */
export function costNote(who: string, calls: CallsPer1000Events, cost: MonthlyCost): string {
  const dynamo = Object.entries(calls.dynamoDb)
    .map(([operation, count]) => `${operation} ${count}`)
    .join(', ');
  return (
    `${who}, per 1,000 events published: DynamoDB ${dynamo || 'none'}; EventBridge PutEvents ${calls.putEvents}. ` +
    `At ${cost.eventsPerMonth.toLocaleString('en')} events a month: DynamoDB $${cost.dynamoDbUsd.toFixed(2)} + ` +
    `EventBridge $${cost.eventBridgeUsd.toFixed(2)} = $${cost.totalUsd.toFixed(2)} a month (Okta Log Streaming ` +
    `into EventBridge: $${cost.logStreamingUsd.toFixed(2)}); prices: ${awsPrices.eventBridgeEventsPerMillion.source}, ` +
    awsPrices.dynamoDbWriteUnitsPerMillion.source
  );
}
