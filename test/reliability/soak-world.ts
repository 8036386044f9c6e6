/**
 * What the soak's runs share, and each run's deployment.
 *
 * The world is the local AWS (dynalite, EventBridge, Secrets Manager, SQS) with the connector's table, and the
 * cursor writes the table answered. Each run deploys the stack afresh (`startSoakDeployment`): every function in
 * containers of its own (the isolated runtime, as Lambda runs them), with the stack's own settings, its event hook
 * Function URL and the hand-off queue's mapping into its publisher.
 *
 * DynamoDB faults are injected at the local DynamoDB's endpoint (local/aws/dynamodb.ts), so every container's SDK
 * client sees them as AWS's own answers: single throttled attempts, which the SDK retries; throttling of every
 * attempt of a call, which reaches the connector as throttling that outlasted the SDK's retries; and conditional
 * conflicts on conditional writes (`ConditionalCheckFailedException` without writing: another writer won), the
 * lock's and the cursors' alike. `DeleteItem` (the publish lock's release) is spared the exhausted throttle: a lock
 * left behind is only released by its 30 s lease, which would make the run wait, not fail (docs/RELIABILITY.md).
 */
import '../support/quiet-env.js';
import { startLocalAws, type DynamoDbFaults, type LocalAws } from '../../local/aws/index.js';
import { gatewayRoutes, stackFunctionList, startStackRuntime, type StackRuntime } from '../../local/stack-runtime.js';
import { bundleFunction } from '../../bench/bundles.js';
import type { SearchSetting } from '../../infra/okta-connector-props.js';

export const SOAK_TABLE = 'okta-connector-soak';
export const SOAK_BUS = 'soak-bus';

/** Probabilities of the DynamoDB faults, per call; changed by each run. */
export type DynamoFaults = Omit<DynamoDbFaults, 'random'>;

/** A successful cursor write, as the table saw it. */
export interface CursorWrite {
  pk: string;
  version: number;
  next?: string;
  until?: string;
}

export interface SoakWorld {
  aws: LocalAws;
  cursorWrites: CursorWrite[];
  /** Every function's esbuild bundle, by entry, as the stack deploys it. */
  bundles: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the local AWS with the connector's table, bundles the functions and records the cursor writes the table
 * answered. The containers run bundles, as Lambda does: a container that compiled TypeScript at its init would
 * take seconds of CPU to start on two shared cores, past Lambda's 10 s init limit under load.
 */
export async function startSoakWorld(): Promise<SoakWorld> {
  const bundles = await bundleStack();
  const aws = await startLocalAws();
  try {
    await aws.createTable(SOAK_TABLE);
  } catch (error) {
    await aws.close();
    throw error;
  }
  const cursorWrites: CursorWrite[] = [];
  aws.dynamoDb.onWrite(({ operation, input }) => {
    const item = (input as { Item?: Record<string, { S?: string; N?: string }> }).Item;
    const pk = item?.pk?.S ?? '';
    if (operation !== 'PutItem' || !pk.startsWith('cursor#')) return;
    cursorWrites.push({ pk, version: Number(item?.version?.N), next: item?.next?.S, until: item?.until?.S });
  });
  return { aws, cursorWrites, bundles, close: () => aws.close() };
}

let stackBundles: Promise<Record<string, string>> | undefined;

/** Bundles every function of the stack (a few seconds), two at a time, once per process: the code does not change. */
function bundleStack(): Promise<Record<string, string>> {
  stackBundles ??= buildStackBundles().catch((error: unknown) => {
    stackBundles = undefined;
    throw error;
  });
  return stackBundles;
}

async function buildStackBundles(): Promise<Record<string, string>> {
  const functions = stackFunctionList(gatewayRoutes());
  const bundles: Record<string, string> = {};
  const queue = [...functions];
  const worker = async () => {
    for (let fn = queue.shift(); fn; fn = queue.shift())
      bundles[fn.entry] = (await bundleFunction(fn.entry, `soak-${fn.name}`)).file;
  };
  await Promise.all([worker(), worker()]);
  return bundles;
}

export interface SoakDeploymentOptions {
  connection: string;
  searches?: SearchSetting[];
  /** The account's concurrency in the runtime: containers at once over every function. */
  accountConcurrency: number;
}

/** Deploys the stack for one run's connection on the world's AWS: the functions start in containers on demand. */
export function startSoakDeployment(world: SoakWorld, options: SoakDeploymentOptions): Promise<StackRuntime> {
  return startStackRuntime({
    aws: world.aws,
    props: {
      connections: [options.connection],
      defaultConnection: options.connection,
      searches: options.searches ?? [],
      bus: { type: 'existing', name: SOAK_BUS },
    },
    tableName: SOAK_TABLE,
    env: {
      ...world.aws.env(),
      ALLOW_INSECURE_LOCAL_OKTA: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    runtime: { accountConcurrency: options.accountConcurrency, bundles: world.bundles },
  });
}
