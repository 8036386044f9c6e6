/**
 * What the soak's runs share: the local AWS (dynalite, EventBridge, Secrets Manager) reached by the connector's
 * real SDK clients, the event hook handler served over HTTP as a Function URL serves it, and the DynamoDB faults.
 *
 * DynamoDB faults. dynalite cannot throttle, so the connector's own DynamoDB client gets two middlewares:
 * - inside the SDK's retry loop (`finalizeRequest`, after the retry middleware): throttling answers
 *   (`ProvisionedThroughputExceededException`), which the SDK retries as it would AWS's;
 * - before it (`initialize`): a throttle that reaches the connector as if the SDK had run out of retries, and
 *   conditional conflicts on conditional writes (`ConditionalCheckFailedException` without writing: another
 *   writer won), the lock's and the cursors' alike.
 * `DeleteItem` (the publish lock's release) is spared the exhausted throttle: a lock left behind is only released
 * by its 30 s lease, which would make the run wait, not fail (docs/RELIABILITY.md).
 */
import '../support/quiet-env.js';
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { dynamoDb, eventBridge, resetAwsClients } from '../../functions/lib/aws-clients.js';
import { resetConfig } from '../../functions/lib/config.js';
import { clearConnectionCache } from '../../functions/lib/connections.js';
import { logger } from '../../functions/lib/observability.js';
import { serveEventHook } from '../support/serve-event-hook.js';
import { addMiddleware, type Middleware } from '../support/fault-counters.js';
import { startLocalAws, type LocalAws } from '../../local/aws/index.js';

export const SOAK_TABLE = 'okta-connector-soak';
export const SOAK_BUS = 'soak-bus';

/** Probabilities of the DynamoDB faults, per call; changed by each run. */
export interface DynamoFaults {
  throttle: number;
  exhaustedThrottle: number;
  conditionalConflict: number;
}

/** Counts of what was injected (and seen) on the AWS side. */
export interface AwsFaultCounts {
  dynamoThrottles: number;
  dynamoExhaustedThrottles: number;
  dynamoConditionalConflicts: number;
  eventBridgeThrottles: number;
}

/** A successful cursor write, as the table saw it. */
export interface CursorWrite {
  pk: string;
  version: number;
  next?: string;
  until?: string;
}

export interface SoakWorld {
  aws: LocalAws;
  hookUrl: string;
  dynamoFaults: DynamoFaults;
  counts: AwsFaultCounts;
  cursorWrites: CursorWrite[];
  /** A deterministic number in [0, 1) for the DynamoDB faults (set per run from its seed). */
  random: () => number;
  close(): Promise<void>;
}

/** Starts the local AWS and the hook receiver, points the connector at them, and arms the DynamoDB faults. */
export async function startSoakWorld(): Promise<SoakWorld> {
  const aws = await startLocalAws();
  Object.assign(process.env, aws.env(), {
    TABLE_NAME: SOAK_TABLE,
    EVENT_BUS_NAME: SOAK_BUS,
    ALLOW_INSECURE_LOCAL_OKTA: 'true',
    CONNECTION_CACHE_SECONDS: '300',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  logger.setLogLevel('SILENT');
  resetConfig();
  resetAwsClients();
  clearConnectionCache();
  await aws.createTable(SOAK_TABLE);

  const world: SoakWorld = {
    aws,
    hookUrl: '',
    dynamoFaults: { throttle: 0, exhaustedThrottle: 0, conditionalConflict: 0 },
    counts: { dynamoThrottles: 0, dynamoExhaustedThrottles: 0, dynamoConditionalConflicts: 0, eventBridgeThrottles: 0 },
    cursorWrites: [],
    random: Math.random,
    close: () => Promise.resolve(),
  };
  armDynamoFaults(dynamoDb(), world);
  countEventBridgeThrottles(world);
  const receiver = await serveEventHook();
  world.hookUrl = receiver.url;
  world.close = async () => {
    await new Promise<void>((resolve) => {
      receiver.server.close(() => resolve());
      receiver.server.closeAllConnections();
    });
    resetAwsClients();
    await aws.close();
  };
  return world;
}

function armDynamoFaults(client: DynamoDBClient, world: SoakWorld): void {
  const insideRetries: Middleware = (next) => async (args) => {
    if (world.random() < world.dynamoFaults.throttle) {
      world.counts.dynamoThrottles += 1;
      throw new ProvisionedThroughputExceededException({
        message: 'Injected by the soak: throughput exceeded',
        $metadata: { httpStatusCode: 400 },
      });
    }
    return next(args);
  };
  const beforeRetries: Middleware = (next, context) => async (args) => {
    const command = context.commandName ?? '';
    const input = args.input as { ConditionExpression?: string; Item?: Record<string, { S?: string }> };
    if (command !== 'DeleteItemCommand' && world.random() < world.dynamoFaults.exhaustedThrottle) {
      world.counts.dynamoExhaustedThrottles += 1;
      throw new ProvisionedThroughputExceededException({
        message: 'Injected by the soak: throughput exceeded (retries exhausted)',
        $metadata: { httpStatusCode: 400 },
      });
    }
    if (
      command === 'PutItemCommand' &&
      input.ConditionExpression &&
      world.random() < world.dynamoFaults.conditionalConflict
    ) {
      world.counts.dynamoConditionalConflicts += 1;
      throw new ConditionalCheckFailedException({
        message: 'Injected by the soak: the conditional request failed',
        $metadata: { httpStatusCode: 400 },
      });
    }
    const result = await next(args);
    const pk = input.Item?.pk?.S ?? '';
    if (command === 'PutItemCommand' && pk.startsWith('cursor#')) {
      world.cursorWrites.push({
        pk,
        version: Number((input.Item?.version as { N?: string })?.N),
        next: input.Item?.next?.S,
        until: input.Item?.until?.S,
      });
    }
    return result;
  };
  addMiddleware(client, insideRetries, {
    step: 'finalizeRequest',
    priority: 'low',
    name: 'soakThrottleInsideRetries',
  });
  addMiddleware(client, beforeRetries, {
    step: 'initialize',
    priority: 'high',
    name: 'soakFaultsBeforeRetries',
  });
}

function countEventBridgeThrottles(world: SoakWorld): void {
  addMiddleware(
    eventBridge(),
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if ((error as Error).name === 'ThrottlingException') world.counts.eventBridgeThrottles += 1;
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'soakCountThrottles' },
  );
}
