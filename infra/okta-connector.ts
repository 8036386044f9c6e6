/**
 * `OktaConnector`: the whole connector in one construct. One function and one route per catalog action, the event
 * hook's Function URL, the System Log poller and the scheduled searches on EventBridge Scheduler, the one DynamoDB
 * table, the bus, alarms and a dashboard. Every function's role holds only what its code calls, on named resources.
 */
import { CfnOutput, CustomResource, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { actions as catalog, type ActionSpec } from '../functions/catalog.js';
import {
  consentTicketKey,
  dedupeKey,
  oauthStateKey,
  pollCursorKey,
  publishLockKey,
  searchCursorKey,
  searchLockKey,
  signInLockKey,
} from '../functions/lib/table-keys.js';
import { ActionsApi } from './actions-api.js';
import { ConnectorAlarms } from './alarms.js';
import {
  ConnectorFunction,
  hookSecretArn,
  type ConnectorFunctionProps,
  type TableAccess,
  type TableAction,
} from './connector-function.js';
import { ConnectorDashboard } from './dashboard.js';
import { CONTAIN_ACTIONS, ContainAccountExample } from './contain-account-example.js';
import { EventHookFrontDoor } from './event-hook-front-door.js';
import { EventSchemaRegistry } from './event-schema-registry.js';
import { OnboardingExample } from './onboarding-example.js';
import { resolveSettings, type OktaConnectorProps, type ResolvedSettings } from './okta-connector-props.js';
import { TriggerSchedules } from './trigger-schedules.js';

export type { OktaConnectorProps } from './okta-connector-props.js';

// What each function's code calls on the table (docs/ARCHITECTURE.md "The DynamoDB table"): the dedupe protocol of
// functions/lib/events/dedupe.ts (batch read, conditional claims, batch marks, releases) and the cursors of cursors.ts.
// Each grant is limited to the keys the function uses (functions/lib/table-keys.ts), for its connections only.
const DEDUPE: TableAction[] = ['BatchGetItem', 'PutItem', 'BatchWriteItem', 'DeleteItem'];
const CURSORS: TableAction[] = ['GetItem', 'PutItem'];
// A scheduled search also takes and releases its own lock (one run at a time per search).
const SEARCH: TableAction[] = [...CURSORS, 'DeleteItem'];
const DEDUPE_AND_CURSORS: TableAction[] = [...new Set([...DEDUPE, ...CURSORS])];
// An action with an `idempotencyKey` input keeps its records with Powertools Idempotency (idempotent-run.ts).
const IDEMPOTENCY: TableAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];

/** The dedupe records and the publish lock of each connection. */
function dedupeKeys(connections: readonly string[]): string[] {
  return connections.flatMap((name) => [dedupeKey(name, '*'), publishLockKey(name)]);
}

/** What differs from one of the connector's functions to the next; the construct sets the rest. */
type FunctionShape = Pick<
  ConnectorFunctionProps,
  'entry' | 'description' | 'memorySize' | 'timeout' | 'reservedConcurrentExecutions'
>;

/** A trigger's function: its shape, what its code does on the table, and whether it signs in to Okta. */
interface PublisherShape extends FunctionShape {
  /** @default no table */
  readonly table?: TableAccess;
  /** It signs in to Okta, so it may store a refresh token Okta rotated. */
  readonly callsOkta: boolean;
  /**
   * Which secrets it reads: the connections' (to sign in to Okta), or only their event hook secrets.
   * @default 'connections'
   */
  readonly secrets?: 'connections' | 'hook-secrets';
}

/**
 * The whole connector: a function and a route per action, the event hook, the System Log poller, the scheduled
 * searches, the table, the bus, alarms and a dashboard (docs/CONTRACT.md). Outputs `ActionsUrl`, `EventHookUrl`,
 * `EventBusName` and `TableName`.
 */
export class OktaConnector extends Construct {
  /** The props with every default applied. */
  readonly settings: ResolvedSettings;
  /** The one DynamoDB table: cursors, dedupe records, locks, OAuth states. Retained when the stack is deleted. */
  readonly table: dynamodb.Table;
  /** The bus events are published to: a rule on it receives the Okta events. */
  readonly bus: events.IEventBus;
  /** The REST API of the actions (`POST /actions/<name>`). */
  readonly api: ActionsApi;
  /** One function per catalog action, by action name: a Step Functions task invokes these. */
  readonly actionFunctions = new Map<string, ConnectorFunction>();
  /** The KMS keys that sign client assertions (`kmsSigningKeys`), by connection. */
  readonly signingKeys = new Map<string, kms.Key>();
  /** The copies of actions pinned to one connection (`pinnedActions`), by `<connection>/<action>`. */
  readonly pinnedFunctions = new Map<string, ConnectorFunction>();
  /** The function behind the event hook's URL. */
  readonly eventHook: ConnectorFunction;
  /** The hook's Function URL; none with `eventHookFrontDoor`, which must not be bypassed. */
  readonly eventHookUrl?: lambda.FunctionUrl;
  /** The REST API and WAF web ACL in front of the hook, with `eventHookFrontDoor`. */
  readonly eventHookFrontDoor?: EventHookFrontDoor;
  /** The URL to register in Okta as the event hook, with `?connection=<name>`. */
  readonly eventHookEndpoint: string;
  /** The event hook's hand-off queue: checked deliveries, drained by `deliveryPublisher`. */
  readonly deliveries: sqs.Queue;
  /** Publishes the queued deliveries (the queue's event source mapping invokes it); none in verified mode. */
  readonly deliveryPublisher?: ConnectorFunction;
  /** The System Log poller, run on a schedule per connection. */
  readonly poller: ConnectorFunction;
  /** The scheduled searches' function, when `searches` names any. */
  readonly search?: ConnectorFunction;
  /** The custom resources' function that registers the hooks of `eventHookRegistration`, when it names any. */
  readonly eventHookRegistration?: ConnectorFunction;
  /** The replay function: invoke it with `{since, until, types?, connection?}` to publish past events again. */
  readonly replay: ConnectorFunction;
  /**
   * Starts a consent (authorization-code connections): grant `lambda:InvokeFunction` on it to the operators who may
   * (`npx okta-connector connections consent <name> --function-name <ConsentFunctionName>`).
   */
  readonly consentStarter?: ConnectorFunction;
  /** The browser's first step of a consent (`GET /oauth/authorize`), with authorization-code connections. */
  readonly oauthAuthorize?: ConnectorFunction;
  /** The end of a consent (`GET /oauth/callback`): it stores the refresh token. */
  readonly oauthCallback?: ConnectorFunction;
  /** Where scheduler deliveries and asynchronous invocations that failed every retry end up. */
  readonly deadLetters: sqs.Queue;
  /** The alarms (event hook, poller lag per connection, failures, dead letters), without actions: route them. */
  readonly alarms: ConnectorAlarms;
  /** The onboarding state machine, with `stepFunctionsExample: true`. */
  readonly onboarding?: OnboardingExample;
  readonly containAccount?: ContainAccountExample;
  /** The Schema Registry of the published events, with `eventSchemas: true`. */
  readonly eventSchemas?: EventSchemaRegistry;
  private readonly logRetention: logs.RetentionDays;

  constructor(scope: Construct, id: string, props: OktaConnectorProps = {}) {
    super(scope, id);
    const settings = resolveSettings(props);
    const actions: readonly ActionSpec[] = props.actions ?? catalog;
    this.settings = settings;
    this.logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;

    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This queue is itself the dead-letter queue of the schedules and the functions; nothing consumes it automatically.',
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Cursors and dedupe records outlive a stack replacement; losing them would replay or skip events.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bus =
      settings.bus.type === 'existing'
        ? events.EventBus.fromEventBusName(this, 'Bus', settings.bus.name)
        : new events.EventBus(this, 'Bus', {
            // Bus names are account-wide per region: the stack's name keeps two deployments of the construct apart.
            eventBusName:
              settings.bus.name ??
              `${Stack.of(this).stackName}-${Names.uniqueResourceName(this, { maxLength: 120, allowedSpecialCharacters: '-_.' })}`,
            description: 'Okta System Log events from okta-connector',
          });

    settings.kmsSigningKeys.forEach(({ connection, keySpec }, index) => {
      const key = new kms.Key(this, `SigningKey-${connection}`, {
        keySpec: keySpec === 'RSA_2048' ? kms.KeySpec.RSA_2048 : kms.KeySpec.ECC_NIST_P256,
        keyUsage: kms.KeyUsage.SIGN_VERIFY,
        description: `okta-connector: signs the client assertions of connection ${connection}`,
        // An Okta app may still trust the public key; KMS itself waits 7 to 30 days before deleting a key.
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.signingKeys.set(connection, key);
      new CfnOutput(this, `KmsSigningKeyArn${index + 1}`, {
        value: key.keyArn,
        description: `The KMS key of connection ${connection}: okta-connector connections add ${connection} --aws --kms-key-id <this> --client-id <id> --domain <org>`,
      });
    });

    for (const spec of actions) {
      this.actionFunctions.set(
        spec.name,
        this.actionFunction(`Action${pascal(spec.name)}`, spec, settings.connections),
      );
    }
    for (const [connection, names] of Object.entries(settings.pinnedActions)) {
      for (const name of names) {
        const spec = actions.find((a) => a.name === name)!;
        const fn = this.actionFunction(`Action${pascal(name)}Pinned-${connection}`, spec, [connection]);
        fn.addEnvironment('PINNED_CONNECTION', connection);
        this.pinnedFunctions.set(pinnedKey(connection, name), fn);
      }
    }

    // The hook is on the internet and never calls Okta: it reads the connections' hook secrets and no other secret
    // (issue 14 item 3). 10 s, although Okta waits 3 s: a slow publish still completes (and dedupes) rather than
    // being cut off halfway.
    this.eventHook = this.publisher('EventHook', {
      entry: 'functions/triggers/event-hook.ts',
      description: 'Receives Okta event hooks',
      table: { actions: DEDUPE, keys: dedupeKeys(settings.connections) },
      callsOkta: false,
      secrets: 'hook-secrets',
      memorySize: 512,
      timeout: Duration.seconds(10),
      reservedConcurrentExecutions: settings.eventHookConcurrency,
    });
    if (Object.keys(settings.eventHookIds).length > 0)
      this.eventHook.addEnvironment('EVENT_HOOK_IDS', JSON.stringify(settings.eventHookIds));
    if (settings.eventHookFrontDoor) {
      this.eventHookFrontDoor = new EventHookFrontDoor(this, 'EventHookFrontDoor', {
        hook: this.eventHook,
        setting: settings.eventHookFrontDoor,
        tracing: settings.tracing,
        logRetention: this.logRetention,
      });
      this.eventHookEndpoint = this.eventHookFrontDoor.url;
    } else {
      this.eventHookUrl = this.eventHook.addFunctionUrl({
        // Okta cannot sign its requests (no SigV4, no IAM), so the URL must be public. The function authenticates
        // every POST itself: it compares the `Authorization` header with the connection's hook secret in
        // constant time and refuses anything else before parsing the body.
        authType: lambda.FunctionUrlAuthType.NONE,
      });
      this.eventHookEndpoint = this.eventHookUrl.url;
    }

    // One poll at a time: overlapping polls of a connection would only race for its cursor (safely: the cursor's
    // writes are conditional). In verified mode the hand-off queue's mapping (2 at most) polls beside the schedule.
    // 55 s: done before the next minute's poll.
    const verified = settings.eventHookMode === 'verified';
    this.poller = this.publisher('Poller', {
      entry: 'functions/triggers/poll-system-log.ts',
      description: 'Polls the Okta System Log',
      table: {
        actions: DEDUPE_AND_CURSORS,
        keys: [...dedupeKeys(settings.connections), ...settings.connections.map(pollCursorKey)],
      },
      callsOkta: true,
      memorySize: 512,
      timeout: Duration.seconds(55),
      reservedConcurrentExecutions: verified ? 3 : 1,
    });
    if (verified) this.eventHook.addEnvironment('EVENT_HOOK_MODE', 'verified');
    const consumer = verified ? this.poller : this.deliveryPublisherFunction();
    if (!verified) this.deliveryPublisher = consumer;
    this.deliveries = this.hookDeliveries(consumer);
    if (settings.searches.length > 0) {
      this.search = this.publisher('Search', {
        entry: 'functions/triggers/scheduled-search.ts',
        description: 'Runs scheduled System Log searches',
        table: {
          actions: SEARCH,
          keys: settings.searches.flatMap((search) => [
            searchCursorKey(search.connection, search.name),
            searchLockKey(search.connection, search.name),
          ]),
        },
        callsOkta: true,
        memorySize: 512,
        timeout: Duration.seconds(300),
      });
      this.search.addEnvironment('SEARCHES', JSON.stringify(settings.searches));
    }
    this.replay = this.publisher('Replay', {
      entry: 'functions/triggers/replay.ts',
      description: 'Replays a window of the System Log',
      callsOkta: true,
      memorySize: 512,
      timeout: Duration.seconds(900),
    });

    this.eventHookRegistration = this.registerEventHooks();

    new TriggerSchedules(this, 'Schedules', {
      poller: this.poller,
      search: this.search,
      connections: settings.connections,
      pollSchedule: settings.pollSchedule,
      searches: settings.searches,
      deadLetters: this.deadLetters,
    });

    const oauth = this.oauthFunctions();
    this.consentStarter = oauth?.start;
    this.oauthAuthorize = oauth?.authorize;
    this.oauthCallback = oauth?.callback;
    this.api = new ActionsApi(this, 'Actions', {
      actions: actions.map((spec) => ({ spec, fn: this.actionFunctions.get(spec.name)! })),
      oauth: oauth && { authorize: oauth.authorize, callback: oauth.callback },
      auth: settings.apiAuth,
      tracing: settings.tracing,
      logRetention: this.logRetention,
    });
    // One source of truth for the callback URL the consent sends to Okta: this API's own, or the deployer's (a custom
    // domain). Never derived from a request's Host header, which the caller controls.
    for (const fn of [oauth?.start, oauth?.authorize]) {
      fn?.addEnvironment('OAUTH_REDIRECT_URI', settings.oauthRedirectUri ?? this.api.oauthCallbackUrl);
    }

    this.alarms = new ConnectorAlarms(this, 'Alarms', {
      eventHook: this.eventHook,
      poller: this.poller,
      search: this.search,
      connections: settings.connections,
      pollerLagAlarmSeconds: settings.pollerLagAlarmSeconds,
      deadLetters: this.deadLetters,
    });
    new ConnectorDashboard(this, 'Dashboard', {
      pollerLagAlarmSeconds: settings.pollerLagAlarmSeconds,
      alarms: this.alarms,
    });

    if (settings.stepFunctionsExample) {
      this.onboarding = new OnboardingExample(this, 'Onboarding', {
        createUser: this.requireAction('create-user'),
        addUserToGroup: this.requireAction('add-user-to-group'),
        activateUser: this.requireAction('activate-user'),
        tracing: settings.tracing,
        logRetention: this.logRetention,
      });
      // A stack built from a part of the catalog (the template snapshot's three actions) has no containment flow.
      if (CONTAIN_ACTIONS.every((name) => this.actionFunctions.has(name))) {
        this.containAccount = new ContainAccountExample(this, 'ContainAccount', {
          suspendUser: this.requireAction('suspend-user'),
          clearUserSessions: this.requireAction('clear-user-sessions'),
          resetFactors: this.requireAction('reset-factors'),
          tracing: settings.tracing,
          logRetention: this.logRetention,
        });
      }
    }

    if (settings.eventSchemas) {
      this.eventSchemas = new EventSchemaRegistry(this, 'EventSchemas', { eventSource: settings.eventSource });
    }

    new CfnOutput(this, 'ActionsUrl', { value: this.api.api.url, description: 'POST {ActionsUrl}actions/<name>' });
    new CfnOutput(this, 'EventHookUrl', {
      value: this.eventHookEndpoint,
      description: 'Register {EventHookUrl}?connection=<name> as the Okta event hook of each connection',
    });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    if (this.consentStarter) {
      new CfnOutput(this, 'ConsentFunctionName', {
        value: this.consentStarter.functionName,
        description: 'npx okta-connector connections consent <name> --aws --function-name {ConsentFunctionName}',
      });
    }
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  /**
   * An action's function, which may read the secrets of `connections` only (and write those of them that sign in
   * with the authorization-code flow). 28 s: an action called through API Gateway must answer within the REST
   * integration's 29 s, and the handler stops Okta retries a second before its own timeout.
   */
  private actionFunction(id: string, spec: ActionSpec, connections: readonly string[]): ConnectorFunction {
    const fn = this.connectorFunction(
      id,
      {
        entry: spec.entry,
        description: `okta-connector action ${spec.name}: ${spec.summary}`,
        memorySize: 512,
        timeout: Duration.seconds(28),
      },
      { deadLetters: false },
    );
    const signsIn = this.settings.authorizationCodeConnections.filter((name) => connections.includes(name));
    fn.useSecrets({ prefix: this.settings.secretPrefix, read: connections, write: signsIn });
    this.useSigningKeys(fn, connections);
    if (spec.input.properties && 'idempotencyKey' in spec.input.properties) this.useIdempotency(fn, spec.name);
    this.useSignInLock(fn, signsIn);
    this.useRateLimitBudget(fn);
    return fn;
  }

  /**
   * A function with the settings every handler reads. `deadLetters: false` for a function whose payload may hold
   * secrets: a dead-letter queue keeps an asynchronous invocation's whole payload for 14 days.
   * `connectorSettings: false` for one that reads no connection.
   */
  private connectorFunction(
    id: string,
    props: FunctionShape,
    options: { deadLetters: boolean; noDeadLettersReason?: string; connectorSettings?: boolean } = {
      deadLetters: true,
    },
  ): ConnectorFunction {
    const fn = new ConnectorFunction(this, id, {
      ...props,
      logRetention: this.logRetention,
      tracing: this.settings.tracing,
      sourceMaps: this.settings.sourceMaps,
      deadLetterQueue: options.deadLetters ? this.deadLetters : undefined,
      // Every function refuses any other connection name before calling AWS (functions/lib/config.ts). The consent's
      // browser steps get no other connection setting: they name their connection themselves.
      environment: {
        CONNECTIONS: this.settings.connections.join(','),
        ...(options.connectorSettings === false
          ? {}
          : {
              DEFAULT_CONNECTION: this.settings.defaultConnection,
              ...(this.settings.rateLimitReserve === undefined
                ? {}
                : { RATE_LIMIT_RESERVE: String(this.settings.rateLimitReserve) }),
            }),
      },
    });
    if (!options.deadLetters) {
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          options.noDeadLettersReason ??
          "An action's input may hold a password or a recovery answer, which a dead-letter queue would keep for 14 days. Actions are invoked synchronously (API Gateway, Step Functions, the SDK) and answer every failure to their caller.",
      });
    }
    return fn;
  }

  /** A trigger: reads connections, uses the table as its code does, publishes to the bus. */
  private publisher(id: string, props: PublisherShape): ConnectorFunction {
    const { table, callsOkta, secrets = 'connections', ...shape } = props;
    const fn = this.connectorFunction(id, { ...shape, description: `okta-connector: ${shape.description}` });
    if (secrets === 'hook-secrets') {
      fn.useHookSecrets({ prefix: this.settings.secretPrefix, read: this.settings.connections });
    } else {
      fn.useSecrets({
        prefix: this.settings.secretPrefix,
        read: this.settings.connections,
        write: callsOkta ? this.settings.authorizationCodeConnections : [],
      });
    }
    if (table) fn.useTable(this.table, table);
    if (callsOkta) {
      this.useSignInLock(fn);
      this.useRateLimitBudget(fn);
      this.useSigningKeys(fn, this.settings.connections);
    }
    fn.useBus(this.bus, this.settings.eventSource);
    fn.addEnvironment('DEDUPE_TTL_DAYS', String(this.settings.dedupeTtlDays));
    return fn;
  }

  /**
   * `eventHookRegistration`: one function, and one custom resource per connection that registers its hook at
   * `EventHookUrl?connection=<name>` (functions/hooks/register-event-hook.ts). The function signs in as the
   * connection (reads its secret, and writes it when the connection rotates refresh tokens) and reads and writes
   * only that connection's hook secret. The properties hold no secret.
   */
  private registerEventHooks(): ConnectorFunction | undefined {
    const { connections, eventTypes } = this.settings.eventHookRegistration;
    if (connections.length === 0) return undefined;
    const fn = this.connectorFunction(
      'EventHookRegistration',
      {
        entry: 'functions/hooks/register-event-hook.ts',
        description: 'okta-connector: registers the Okta event hooks with the stack',
        memorySize: 256,
        timeout: Duration.minutes(2),
      },
      {
        deadLetters: false,
        noDeadLettersReason:
          "CloudFormation invokes it for its custom resources and waits for the answer it always sends to the request's pre-signed response URL, which a dead-letter queue would keep for 14 days.",
      },
    );
    const signsIn = this.settings.authorizationCodeConnections.filter((name) => connections.includes(name));
    fn.useSecrets({ prefix: this.settings.secretPrefix, read: connections, write: signsIn });
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue'],
        resources: connections.map((name) => hookSecretArn(fn, this.settings.secretPrefix, name)),
      }),
    );
    this.useSignInLock(fn, signsIn);
    this.useRateLimitBudget(fn);
    for (const connection of connections) {
      new CustomResource(this, `EventHook-${connection}`, {
        serviceToken: fn.functionArn,
        resourceType: 'Custom::OktaEventHook',
        properties: {
          Connection: connection,
          Url: `${this.eventHookEndpoint}?connection=${connection}`,
          EventTypes: eventTypes,
        },
      });
    }
    return fn;
  }

  /**
   * The event hook's durable hand-off (docs/TRIGGERS.md "Bursts: the hand-off queue"): the hook queues a checked
   * delivery and answers; the consumer, invoked by the queue's event source mapping in batches, publishes with the
   * dedupe (the publisher) or, in verified mode, polls each woken connection once (the poller), and reports partial
   * failures. Batches of up to 10 deliveries, without a batching window (a quiet hook's
   * delivery is published at once; under a burst each receive is full anyway), take one publish lock per connection;
   * 2 publishers at most (SQS's minimum), as more would only wait for each other's lock. Visibility 180 s: six times
   * the publisher's timeout (AWS's advice); a message given 5 times goes to the dead-letter queue.
   */
  private hookDeliveries(consumer: ConnectorFunction): sqs.Queue {
    const queue = new sqs.Queue(this, 'HookDeliveries', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(180),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 5 },
    });
    // SendMessage only (grantSendMessages would add GetQueueAttributes and GetQueueUrl, which the hook never calls).
    this.eventHook.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
    );
    this.eventHook.addEnvironment('DELIVERY_QUEUE_URL', queue.queueUrl);
    const source = new SqsEventSource(queue, {
      batchSize: 10,
      reportBatchItemFailures: true,
      maxConcurrency: 2,
    });
    consumer.addEventSource(source);
    Validations.of(consumer).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        "An SQS mapping's failed messages go to the queue's own dead-letter queue (redrive policy, maxReceiveCount 5); Lambda offers on-failure destinations only for stream sources.",
    });
    return queue;
  }

  /** The function that publishes queued deliveries: the table's dedupe records and the bus, no connection secret. */
  private deliveryPublisherFunction(): ConnectorFunction {
    const publisher = this.connectorFunction('DeliveryPublisher', {
      entry: 'functions/triggers/publish-deliveries.ts',
      description: 'okta-connector: publishes queued event hook deliveries',
      memorySize: 1024,
      timeout: Duration.seconds(30),
    });
    publisher.useTable(this.table, { actions: DEDUPE, keys: dedupeKeys(this.settings.connections) });
    publisher.useBus(this.bus, this.settings.eventSource);
    publisher.addEnvironment('DEDUPE_TTL_DAYS', String(this.settings.dedupeTtlDays));
    return publisher;
  }

  /**
   * The idempotency records of an action taking `idempotencyKey` (functions/lib/actions/idempotent-run.ts): the
   * calls Powertools Idempotency makes, on the items `idempotency#<action>#…` only.
   */
  private useIdempotency(fn: ConnectorFunction, action: string): void {
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: IDEMPOTENCY.map((call) => `dynamodb:${call}`),
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`idempotency#${action}#*`] } },
      }),
    );
  }

  /**
   * The KMS signing keys of those of `connections` that have one: `kms:DescribeKey` (the key's spec picks the JWS
   * algorithm) and `kms:Sign`, on those keys only. No function reads a public key: the CLI does, with the
   * deployer's credentials.
   */
  private useSigningKeys(fn: ConnectorFunction, connections: readonly string[]): void {
    const keys = connections.flatMap((name) => this.signingKeys.get(name) ?? []);
    if (keys.length === 0) return;
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['kms:DescribeKey', 'kms:Sign'], resources: keys.map((key) => key.keyArn) }),
    );
  }

  /**
   * The renewal lock of each authorization-code connection (functions/lib/auth/refresh-renewal.ts): a function
   * that signs in takes and releases the item `lock#<connection>#sign-in`, and may touch no other item for it.
   */
  private useSignInLock(
    fn: ConnectorFunction,
    connections: readonly string[] = this.settings.authorizationCodeConnections,
  ): void {
    if (connections.length === 0) return;
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [this.table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': connections.map(signInLockKey) },
        },
      }),
    );
  }

  /**
   * The org-wide rate-limit budget (functions/lib/okta/org-budget.ts) of a function that calls Okta's API: the
   * items `ratebudget#<org host>#<bucket>` only, with the calls the budget makes.
   */
  private useRateLimitBudget(fn: ConnectorFunction): void {
    if (this.settings.rateLimitBudget !== 'table') return;
    fn.addEnvironment('RATE_LIMIT_BUDGET', 'table');
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ratebudget#*'] } },
      }),
    );
  }

  /**
   * The consent functions, only when some connection signs in with the authorization-code flow: `start` (invoked
   * by an operator with IAM only: it reads the connections' secrets and issues one-time tickets), `authorize` (the
   * browser's first step: no secret, no connection settings, only the tickets and states) and `callback` (exchanges
   * the code and writes the refresh token).
   */
  private oauthFunctions():
    { start: ConnectorFunction; authorize: ConnectorFunction; callback: ConnectorFunction } | undefined {
    const writable = this.settings.authorizationCodeConnections;
    if (writable.length === 0) return undefined;
    const shape = { memorySize: 256, timeout: Duration.seconds(10) };
    const start = this.connectorFunction('OAuthStartConsent', {
      ...shape,
      entry: 'functions/oauth/start-consent.ts',
      description: 'okta-connector: an operator starts an OAuth consent (IAM only)',
    });
    start.useSecrets({ prefix: this.settings.secretPrefix, read: writable });
    start.useTable(this.table, { actions: ['PutItem'], keys: [consentTicketKey('*')] });
    start.addEnvironment('AUTHORIZATION_CODE_CONNECTIONS', writable.join(','));
    const authorize = this.connectorFunction(
      'OAuthAuthorize',
      {
        ...shape,
        entry: 'functions/oauth/authorize.ts',
        description: 'okta-connector: a browser opens a consent link',
      },
      { deadLetters: true, connectorSettings: false },
    );
    authorize.useTable(this.table, {
      actions: ['PutItem', 'DeleteItem'],
      keys: [consentTicketKey('*'), oauthStateKey('*')],
    });
    // The callback loads the connection its state names, never the default one.
    const callback = this.connectorFunction(
      'OAuthCallback',
      { ...shape, entry: 'functions/oauth/callback.ts', description: 'okta-connector: finishes an OAuth consent' },
      { deadLetters: true, connectorSettings: false },
    );
    callback.useSecrets({ prefix: this.settings.secretPrefix, read: writable, write: writable });
    callback.useTable(this.table, { actions: ['DeleteItem'], keys: [oauthStateKey('*')] });
    return { start, authorize, callback };
  }

  /**
   * The copy of action `name` that serves only `connection` (`pinnedActions`): grant `lambda:InvokeFunction` on it
   * to let a direct invoker (a Step Functions task, the SDK) use that connection alone.
   */
  pinnedFunction(connection: string, name: string): ConnectorFunction {
    const fn = this.pinnedFunctions.get(pinnedKey(connection, name));
    if (!fn) throw new Error(`OktaConnector: pinnedActions does not pin "${name}" to "${connection}"`);
    return fn;
  }

  private requireAction(name: string): ConnectorFunction {
    const fn = this.actionFunctions.get(name);
    if (!fn) throw new Error(`OktaConnector: stepFunctionsExample needs the action "${name}", which the catalog lacks`);
    return fn;
  }
}

function pascal(name: string): string {
  return name
    .split('-')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function pinnedKey(connection: string, action: string): string {
  return `${connection}/${action}`;
}
