/**
 * The local DynamoDB: dynalite (DynamoDB's API over HTTP, in memory) and the connector's one table as
 * docs/ARCHITECTURE.md defines it, with faults injected at the endpoint, so they reach every client of every
 * process (each Lambda container has its own SDK client) as AWS's own answers would.
 */
import { PassThrough } from 'node:stream';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { CreateTableCommand, ResourceInUseException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { listen, type RunningServer } from './json-protocol.js';

/** Probabilities of the endpoint's faults, per call (0 = off). */
export interface DynamoDbFaults {
  /** A throttle of one attempt (`ProvisionedThroughputExceededException`), which the SDK retries. */
  throttle: number;
  /**
   * A throttle of every attempt of one call (the SDK's retries are recognised by their `amz-sdk-invocation-id`),
   * so it reaches the caller as throttling that outlasted the SDK's retries. `DeleteItem` is spared.
   */
  exhaustedThrottle: number;
  /** A `PutItem` with a `ConditionExpression` answered `ConditionalCheckFailedException` without writing. */
  conditionalConflict: number;
  /** Where the probabilities draw from (`Math.random` by default; seeded for a repeatable run). */
  random?: () => number;
}

/** How many of each fault the endpoint answered. */
export interface DynamoDbFaultCounts {
  throttles: number;
  exhaustedThrottles: number;
  conditionalConflicts: number;
}

/** A call dynalite answered 200: its operation (`PutItem`, ...) and its input as sent. */
export interface DynamoDbWrite {
  operation: string;
  input: Record<string, unknown>;
}

/** dynalite's server, the calls it answered, and its fault controls. */
export interface LocalDynamoDb extends RunningServer {
  /**
   * Calls so far by operation, from every client of every process: what the connector's bookkeeping costs
   * when its functions run in containers of their own (each with its own SDK client).
   */
  calls: () => Record<string, number>;
  /** Sets the faults of the calls from now on (all zero to stop). */
  injectFaults: (faults: DynamoDbFaults) => void;
  /** The faults answered so far. */
  faultCounts: () => DynamoDbFaultCounts;
  /** Calls `listener` with every `PutItem`, `UpdateItem` and `DeleteItem` answered 200; returns the unsubscribe. */
  onWrite: (listener: (write: DynamoDbWrite) => void) => () => void;
}

const writeOperations = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
/** Invocation ids remembered for the exhausted throttle: far more calls than are ever in flight at once. */
const REMEMBERED_INVOCATIONS = 10_000;

/** Starts dynalite on 127.0.0.1:`port` (0 = any free port), tables ACTIVE as soon as they are created. */
export async function startDynalite(port = 0): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dynaliteListeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const calls: Record<string, number> = {};
  let faults: Required<DynamoDbFaults> = {
    throttle: 0,
    exhaustedThrottle: 0,
    conditionalConflict: 0,
    random: Math.random,
  };
  const counts: DynamoDbFaultCounts = { throttles: 0, exhaustedThrottles: 0, conditionalConflicts: 0 };
  const exhausted = new Set<string>();
  const writeListeners = new Set<(write: DynamoDbWrite) => void>();

  /** The fault this attempt gets, if any; decided once per call (invocation id) for the exhausted throttle. */
  const faultOf = (operation: string, invocationId: string, input: Record<string, unknown>) => {
    // A fault that is off draws nothing, so a seeded run draws the same numbers whatever else is on.
    const drawn = (probability: number) => probability > 0 && faults.random() < probability;
    if (invocationId && exhausted.has(invocationId)) return 'exhausted';
    if (operation !== 'DeleteItem' && drawn(faults.exhaustedThrottle)) {
      if (invocationId) exhausted.add(invocationId);
      if (exhausted.size > REMEMBERED_INVOCATIONS) exhausted.delete(exhausted.values().next().value as string);
      counts.exhaustedThrottles += 1;
      return 'exhausted';
    }
    if (operation === 'PutItem' && input.ConditionExpression && drawn(faults.conditionalConflict)) {
      counts.conditionalConflicts += 1;
      return 'conflict';
    }
    if (drawn(faults.throttle)) {
      counts.throttles += 1;
      return 'throttle';
    }
    return undefined;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const target = req.headers['x-amz-target'];
    const operation = typeof target === 'string' ? (target.split('.')[1] ?? target) : '';
    // Counted as the request arrives: a call the SDK retries counts each time, as AWS bills it.
    if (operation) calls[operation] = (calls[operation] ?? 0) + 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const input = parseInput(body);
      const invocationId = String(req.headers['amz-sdk-invocation-id'] ?? '');
      const fault = operation ? faultOf(operation, invocationId, input) : undefined;
      if (fault === 'conflict')
        return sendFault(res, 'ConditionalCheckFailedException', 'The conditional request failed');
      if (fault) {
        return sendFault(
          res,
          'ProvisionedThroughputExceededException',
          'The level of configured provisioned throughput for the table was exceeded.',
        );
      }
      if (writeOperations.has(operation) && writeListeners.size > 0) {
        res.once('finish', () => {
          if (res.statusCode !== 200) return;
          for (const listener of writeListeners) listener({ operation, input });
        });
      }
      // dynalite reads the request itself: it gets the same request with the body played again.
      const replay = Object.assign(new PassThrough(), {
        headers: req.headers,
        method: req.method,
        url: req.url,
        socket: req.socket,
      }) as unknown as IncomingMessage;
      for (const listener of dynaliteListeners) listener(replay, res);
      (replay as unknown as PassThrough).end(body);
    });
  });

  return {
    ...(await listen(server, port)),
    calls: () => ({ ...calls }),
    injectFaults: (next) => {
      faults = { random: Math.random, ...next };
    },
    faultCounts: () => ({ ...counts }),
    onWrite: (listener) => {
      writeListeners.add(listener);
      return () => writeListeners.delete(listener);
    },
  };
}

function parseInput(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** DynamoDB's error answer (JSON 1.0): the SDK reads the type after the `#`. */
function sendFault(res: ServerResponse, type: string, message: string): void {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Creates the connector's table: partition key `pk` (string), no sort key, on demand. Creating it again is a
 * no-op. The TTL attribute `expiresAt` is not enabled here: dynalite does not implement `UpdateTimeToLive`
 * (nor expire items), so locally nothing expires; the deployed table enables it in infra/.
 */
export async function createConnectorTable(client: DynamoDBClient, name: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
