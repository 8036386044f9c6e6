/**
 * `OktaConnector`: the whole connector in one construct. One function and one route per catalog action, the event
 * hook's Function URL, the System Log poller and the scheduled searches on EventBridge Scheduler, the one DynamoDB
 * table, the bus, alarms and a dashboard. Every function's role holds only what its code calls, on named resources.
 */
import { CfnOutput, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { actions as catalog, type ActionSpec } from '../functions/catalog.js';
import { ActionsApi } from './actions-api.js';
import { ConnectorAlarms } from './alarms.js';
import { ConnectorFunction, type TableAction } from './connector-function.js';
import { ConnectorDashboard } from './dashboard.js';
import { CONTAIN_ACTIONS, ContainAccountExample } from './contain-account-example.js';
import { OnboardingExample } from './onboarding-example.js';
import { resolveSettings, type OktaConnectorProps, type ResolvedSettings } from './okta-connector-props.js';
import { TriggerSchedules } from './trigger-schedules.js';

export type { OktaConnectorProps } from './okta-connector-props.js';

// What each function's code calls on the table (docs/ARCHITECTURE.md "The DynamoDB table"): the dedupe protocol of
// functions/lib/events/dedupe.ts (batch read, conditional claims, batch marks, releases) and the cursors of cursors.ts.
const DEDUPE: TableAction[] = ['BatchGetItem', 'PutItem', 'BatchWriteItem', 'DeleteItem'];
const CURSORS: TableAction[] = ['GetItem', 'PutItem'];
// A scheduled search also takes and releases its own lock (one run at a time per search).
const SEARCH: TableAction[] = [...CURSORS, 'DeleteItem'];
const DEDUPE_AND_CURSORS: TableAction[] = [...new Set([...DEDUPE, ...CURSORS])];
const OAUTH_AUTHORIZE: TableAction[] = ['PutItem'];
const OAUTH_CALLBACK: TableAction[] = ['GetItem', 'DeleteItem'];
// An action with an `idempotencyKey` input keeps its records with Powertools Idempotency (idempotent-run.ts).
const IDEMPOTENCY: TableAction[] = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];

export class OktaConnector extends Construct {
  readonly settings: ResolvedSettings;
  readonly table: dynamodb.Table;
  readonly bus: events.IEventBus;
  readonly api: ActionsApi;
  /** One function per catalog action, by action name. */
  readonly actionFunctions = new Map<string, ConnectorFunction>();
  readonly eventHook: ConnectorFunction;
  readonly eventHookUrl: lambda.FunctionUrl;
  readonly poller: ConnectorFunction;
  readonly search?: ConnectorFunction;
  readonly replay: ConnectorFunction;
  /** Where scheduler deliveries and asynchronous invocations that failed every retry end up. */
  readonly deadLetters: sqs.Queue;
  readonly alarms: ConnectorAlarms;
  readonly onboarding?: OnboardingExample;
  readonly containAccount?: ContainAccountExample;
  private readonly logRetention: logs.RetentionDays;

  /**
   * @param actions the actions to deploy: the catalog (`functions/catalog.ts`), or a subset of it for a test or a
   *   trimmed deployment.
   */
  constructor(scope: Construct, id: string, props: OktaConnectorProps = {}, actions: readonly ActionSpec[] = catalog) {
    super(scope, id);
    const settings = resolveSettings(props);
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

    for (const spec of actions) {
      // 28 s: an action called through API Gateway must answer within the REST integration's 29 s, and the handler
      // stops Okta retries a second before its own timeout.
      const fn = this.connectorFunction(
        `Action${pascal(spec.name)}`,
        spec.entry,
        `okta-connector action ${spec.name}: ${spec.summary}`,
        512,
        28,
      );
      fn.useSecrets({
        prefix: settings.secretPrefix,
        read: settings.connections,
        write: settings.authorizationCodeConnections,
      });
      if (spec.input.properties && 'idempotencyKey' in spec.input.properties) fn.useTable(this.table, IDEMPOTENCY);
      this.actionFunctions.set(spec.name, fn);
    }

    // The hook never calls Okta (it only reads the hook secret), so it never writes a connection's secret. 10 s,
    // although Okta waits 3 s: a slow publish still completes (and dedupes) rather than being cut off halfway.
    this.eventHook = this.publisher(
      'EventHook',
      'functions/triggers/event-hook.ts',
      'Receives Okta event hooks',
      DEDUPE,
      false,
      512,
      10,
      settings.eventHookConcurrency,
    );
    this.eventHookUrl = this.eventHook.addFunctionUrl({
      // Okta cannot sign its requests (no SigV4, no IAM), so the URL must be public. The function authenticates
      // every POST itself: it compares the `Authorization` header with the connection's `eventHookSecret` in
      // constant time and refuses anything else before parsing the body.
      authType: lambda.FunctionUrlAuthType.NONE,
    });

    // One poll at a time: overlapping polls of a connection would only race for its cursor. 55 s: done before the
    // next minute's poll.
    this.poller = this.publisher(
      'Poller',
      'functions/triggers/poll-system-log.ts',
      'Polls the Okta System Log',
      DEDUPE_AND_CURSORS,
      true,
      512,
      55,
      1,
    );
    if (settings.searches.length > 0) {
      this.search = this.publisher(
        'Search',
        'functions/triggers/scheduled-search.ts',
        'Runs scheduled System Log searches',
        SEARCH,
        true,
        512,
        300,
      );
      this.search.addEnvironment('SEARCHES', JSON.stringify(settings.searches));
    }
    this.replay = this.publisher(
      'Replay',
      'functions/triggers/replay.ts',
      'Replays a window of the System Log',
      [],
      true,
      512,
      900,
    );

    new TriggerSchedules(this, 'Schedules', {
      poller: this.poller,
      search: this.search,
      connections: settings.connections,
      pollSchedule: settings.pollSchedule,
      searches: settings.searches,
      deadLetters: this.deadLetters,
    });

    this.api = new ActionsApi(this, 'Actions', {
      actions: actions.map((spec) => ({ spec, fn: this.actionFunctions.get(spec.name)! })),
      oauth: this.oauthFunctions(),
      auth: settings.apiAuth,
      tracing: settings.tracing,
      logRetention: this.logRetention,
    });

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

    new CfnOutput(this, 'ActionsUrl', { value: this.api.api.url, description: 'POST {ActionsUrl}actions/<name>' });
    new CfnOutput(this, 'EventHookUrl', {
      value: this.eventHookUrl.url,
      description: 'Register {EventHookUrl}?connection=<name> as the Okta event hook of each connection',
    });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  /** A function with the settings every handler reads. */
  private connectorFunction(
    id: string,
    entry: string,
    description: string,
    memorySize: number,
    timeoutSeconds: number,
    reservedConcurrentExecutions?: number,
  ): ConnectorFunction {
    const fn = new ConnectorFunction(this, id, {
      entry,
      description,
      memorySize,
      timeout: Duration.seconds(timeoutSeconds),
      logRetention: this.logRetention,
      tracing: this.settings.tracing,
      reservedConcurrentExecutions,
      deadLetterQueue: this.deadLetters,
      environment: {
        DEFAULT_CONNECTION: this.settings.defaultConnection,
        ...(this.settings.rateLimitReserve === undefined
          ? {}
          : { RATE_LIMIT_RESERVE: String(this.settings.rateLimitReserve) }),
      },
    });
    return fn;
  }

  /**
   * A trigger: reads connections, uses the table as its code does, publishes to the bus. `callsOkta`: it signs in
   * to Okta, so it may store a refresh token Okta rotated.
   */
  private publisher(
    id: string,
    entry: string,
    description: string,
    tableActions: TableAction[],
    callsOkta: boolean,
    memorySize: number,
    timeoutSeconds: number,
    reservedConcurrentExecutions?: number,
  ): ConnectorFunction {
    const fn = this.connectorFunction(
      id,
      entry,
      `okta-connector: ${description}`,
      memorySize,
      timeoutSeconds,
      reservedConcurrentExecutions,
    );
    fn.useSecrets({
      prefix: this.settings.secretPrefix,
      read: this.settings.connections,
      write: callsOkta ? this.settings.authorizationCodeConnections : [],
    });
    if (tableActions.length > 0) fn.useTable(this.table, tableActions);
    fn.useBus(this.bus, this.settings.eventSource);
    fn.addEnvironment('DEDUPE_TTL_DAYS', String(this.settings.dedupeTtlDays));
    return fn;
  }

  /** The OAuth consent functions, only when some connection signs in with the authorization-code flow. */
  private oauthFunctions(): { authorize: ConnectorFunction; callback: ConnectorFunction } | undefined {
    const writable = this.settings.authorizationCodeConnections;
    if (writable.length === 0) return undefined;
    const authorize = this.connectorFunction(
      'OAuthAuthorize',
      'functions/oauth/authorize.ts',
      'okta-connector: starts an OAuth consent',
      256,
      10,
    );
    authorize.useSecrets({ prefix: this.settings.secretPrefix, read: writable });
    authorize.useTable(this.table, OAUTH_AUTHORIZE);
    if (this.settings.oauthRedirectUri) authorize.addEnvironment('OAUTH_REDIRECT_URI', this.settings.oauthRedirectUri);
    const callback = this.connectorFunction(
      'OAuthCallback',
      'functions/oauth/callback.ts',
      'okta-connector: finishes an OAuth consent',
      256,
      10,
    );
    callback.useSecrets({ prefix: this.settings.secretPrefix, read: writable, write: writable });
    callback.useTable(this.table, OAUTH_CALLBACK);
    return { authorize, callback };
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
