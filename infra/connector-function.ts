/**
 * One Lambda function of the connector, built the same way for every handler: esbuild bundles the TypeScript entry
 * into one ESM file with the AWS SDK inside (the version the tests ran against, not whatever the runtime ships),
 * nodejs22.x on ARM64, its own log group, and a role that starts empty. Permissions come only through the `use*`
 * methods, which set the environment variable and the matching grant together, so a function never holds a right its
 * settings do not explain.
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, where package.json is: entries in the action catalog are relative to it. This file runs from
 * infra/ in the repository and from dist/infra/ once compiled, inside a user's node_modules.
 */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`okta-connector: no package.json above ${from}`);
  }
}

/**
 * The repository's lock file; an installed package has none (npm never packs it), and CDK then needs another file
 * of the package to stand in for it: it only locates the project root with it, as no node_modules are installed
 * into the bundles. Installed, the bundles take the AWS SDK and the other dependencies the user's install resolved.
 */
const LOCK_FILE = [path.join(PACKAGE_ROOT, 'package-lock.json'), path.join(PACKAGE_ROOT, 'package.json')].find((file) =>
  existsSync(file),
)!;

/** The service name every function reports its metrics under (Powertools adds it as the `service` dimension). */
export const METRICS_SERVICE_NAME = 'okta-connector';
/** The CloudWatch namespace of the connector's own metrics. */
export const METRICS_NAMESPACE = 'OktaConnector';

export interface ConnectorFunctionProps {
  /** The handler's TypeScript file, relative to the package root (e.g. `functions/actions/get-user.ts`). */
  readonly entry: string;
  readonly description: string;
  /** Megabytes. */
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  /** X-Ray active tracing. */
  readonly tracing: boolean;
  /**
   * Node's `--enable-source-maps` (stacks in the logs point into the TypeScript source). Off by default: Node then
   * reads and keeps the bundle's map at every cold start, measured at +20-40 ms of load and +11 MB of memory per
   * function (BENCHMARKS.md). The map is deployed beside the code either way.
   * @default false
   */
  readonly sourceMaps?: boolean;
  /**
   * Settings every function reads (docs/ARCHITECTURE.md "Settings").
   * @default only the Powertools service and namespace
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * The function's reserved concurrency.
   * @default none: the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Where an asynchronous invocation goes after Lambda's retries fail, with its whole payload.
   * @default none
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/** DynamoDB calls a function may make on the connector's table. */
export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchGetItem' | 'BatchWriteItem';

/**
 * What a function may do on the table: these calls, on the items whose key is one of `keys` only (a `*` stands for
 * any characters: `dedupe#acme#*`), enforced by IAM with a `dynamodb:LeadingKeys` condition.
 */
export interface TableAccess {
  readonly actions: readonly TableAction[];
  readonly keys: readonly string[];
}

/** Which secrets a function may read, and which of them it may write. */
export interface SecretAccess {
  readonly prefix: string;
  readonly read: readonly string[];
  /**
   * The secrets it may also write (refresh tokens of authorization-code connections).
   * @default none
   */
  readonly write?: readonly string[];
}

/**
 * One of the connector's functions: bundled by esbuild from its TypeScript entry at synth, with a role that holds
 * only what its `use*` calls grant.
 */
export class ConnectorFunction extends NodejsFunction {
  /** The handler's TypeScript file, relative to the package root (the local runtime finds a function by it). */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: ConnectorFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    super(scope, id, {
      entry: path.join(PACKAGE_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PACKAGE_ROOT,
      depsLockFilePath: LOCK_FILE,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        ...(props.sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        POWERTOOLS_SERVICE_NAME: METRICS_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // The AWS SDK is bundled at the version in package-lock.json, the one the tests exercised.
        externalModules: [],
        // Bundled CommonJS dependencies still call require() for Node built-ins; ESM has no require of its own.
        banner:
          "import { createRequire as __okcCreateRequire } from 'node:module'; const require = __okcCreateRequire(import.meta.url);",
        forceDockerBundling: false,
        // The package's own compiler settings, not those of a tsconfig.json esbuild would find above node_modules.
        tsconfig: path.join(PACKAGE_ROOT, 'tsconfig.json'),
      },
    });
    this.entry = props.entry;
    // Logs go only to the function's own log group (no AWSLambdaBasicExecutionRole and its log-group wildcard).
    logGroup.grantWrite(role);
    for (const rule of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
      Validations.of(this).acknowledge({
        id: rule,
        reason:
          'nodejs22.x is the runtime the connector is built and tested for (esbuild target node22); a newer runtime comes with a tested release.',
      });
    }
    if (!props.tracing) {
      Validations.of(this).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason: 'The deployer turned X-Ray tracing off (tracing: false).',
      });
    }
    if (props.tracing) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so AWS requires "*".',
      });
    }
  }

  /** Sets CONNECTION_SECRET_PREFIX and grants reading (and writing, where asked) the named connections' secrets only. */
  useSecrets(access: SecretAccess): this {
    this.addEnvironment('CONNECTION_SECRET_PREFIX', access.prefix);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: access.read.map((name) => secretArn(this, access.prefix, name)),
      }),
    );
    if (access.write && access.write.length > 0) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:PutSecretValue'],
          resources: access.write.map((name) => secretArn(this, access.prefix, name)),
        }),
      );
    }
    return this;
  }

  /**
   * Sets CONNECTION_SECRET_PREFIX and grants reading the named connections' event hook secrets
   * (`<prefix><name>/event-hook`, functions/lib/hook-secrets.ts) only: not their connection secrets.
   */
  useHookSecrets(access: Pick<SecretAccess, 'prefix' | 'read'>): this {
    this.addEnvironment('CONNECTION_SECRET_PREFIX', access.prefix);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: access.read.map((name) => hookSecretArn(this, access.prefix, name)),
      }),
    );
    return this;
  }

  /**
   * Sets TABLE_NAME and grants exactly the listed DynamoDB calls on the table, on the listed keys only: a function
   * that is tricked into writing another item (a cursor, a lock, another connection's records) is refused by IAM.
   */
  useTable(table: dynamodb.ITable, access: TableAccess): this {
    if (access.keys.length === 0) throw new Error(`${this.node.path}: a table grant needs the keys it may touch`);
    this.addEnvironment('TABLE_NAME', table.tableName);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: access.actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...access.keys] } },
      }),
    );
    return this;
  }

  /** Sets EVENT_BUS_NAME and EVENT_SOURCE and grants PutEvents on that bus only. */
  useBus(bus: events.IEventBus, eventSource: string): this {
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    this.addEnvironment('EVENT_SOURCE', eventSource);
    bus.grantPutEventsTo(this);
    return this;
  }
}

/**
 * The ARN of one connection's secret. Secrets Manager appends `-` and six random characters to every secret's ARN;
 * `-??????` matches exactly that suffix, so `okta-connector/acme` never also matches `okta-connector/acme-prod`.
 */
export function secretArn(scope: Construct, prefix: string, connection: string): string {
  return Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${prefix}${connection}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** The ARN of one connection's event hook secret, `<prefix><connection>/event-hook` (same suffix rule as above). */
export function hookSecretArn(scope: Construct, prefix: string, connection: string): string {
  return secretArn(scope, prefix, `${connection}/event-hook`);
}
