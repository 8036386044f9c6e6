/**
 * The settings of an `OktaConnector` and their checks. A mistake here (a search on a connection that does not exist,
 * a schedule EventBridge would refuse) fails at synth with a message that names the setting, not at deploy time
 * halfway through a CloudFormation update.
 */
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { actions as catalog, type ActionSpec } from '../functions/catalog.js';
import { durationMs } from '../functions/lib/events/search-settings.js';
import { ALL_ELIGIBLE, EventHookProblem, resolveEventTypes } from '../functions/lib/hooks/event-hooks.js';
import type { EventHookFrontDoorSetting } from './event-hook-front-door.js';

/** A scheduled System Log search (docs/CONTRACT.md §5), passed unchanged to the search function as `SEARCHES`. */
export interface SearchSetting {
  /** The connection (Okta org) searched; one of `connections`. */
  readonly connection: string;
  /** Unique per connection; the search cursor and the published `search` field carry it. */
  readonly name: string;
  /**
   * A System Log `filter` expression; a search needs a `filter`, a `q` or both.
   * @default no filter
   */
  readonly filter?: string;
  /**
   * System Log keyword search.
   * @default no keywords
   */
  readonly q?: string;
  /** An EventBridge Scheduler expression: `rate(15 minutes)` or `cron(0 8 * * ? *)`. */
  readonly schedule: string;
  /** The length of each searched window: an ISO duration (`PT15M`), `15 minutes`, or a number of minutes. */
  readonly window: string | number;
}

/** The Okta event hooks the stack registers itself (`eventHookRegistration`). */
export interface EventHookRegistrationSetting {
  /** The connections whose hook is registered; each one's sign-in needs `okta.eventHooks.manage`. */
  readonly connections: readonly string[];
  /**
   * The event types: Okta's eligible types (functions/lib/hooks/event-hook-types.ts), or `all-eligible`.
   * @default 'all-eligible'
   */
  readonly eventTypes?: readonly string[] | 'all-eligible';
}

/** The bus events are published to: a new one (the default) or an existing one by name (e.g. `default`). */
export type BusSetting =
  { readonly type: 'new'; readonly name?: string } | { readonly type: 'existing'; readonly name: string };

/**
 * Who may call the actions over API Gateway: AWS IAM (SigV4; the default), a static API key with a usage plan (named insecure: one shared key is not authorization; non-production stacks only), or a
 * Cognito user pool authorizer (JWT access or id tokens of the given pools, optionally requiring OAuth scopes).
 */
export type ApiAuthSetting =
  | 'iam'
  | 'insecureApiKeyNonProduction'
  | { readonly type: 'cognito'; readonly userPools: readonly IUserPool[]; readonly scopes?: readonly string[] };

/** The key specs the construct creates signing keys of: RSA_2048 signs RS256, ECC_NIST_P256 signs ES256. */
export type KmsSigningKeySpec = 'RSA_2048' | 'ECC_NIST_P256';

/**
 * An AWS KMS key the construct creates for one connection's client assertions (docs/SIGN-IN.md "Keys in AWS KMS"):
 * its private key never leaves KMS; the connection's secret names it as `kmsKeyId`.
 */
export interface KmsSigningKeySetting {
  /** The client-credentials connection that signs with the key; one of `connections`. */
  readonly connection: string;
  /**
   * The key spec.
   * @default 'ECC_NIST_P256'
   */
  readonly keySpec?: KmsSigningKeySpec;
}

export interface OktaConnectorProps {
  /**
   * The connections (Okta orgs) this deployment may use; each is the secret `<secretPrefix><name>`.
   * @default [defaultConnection]
   */
  readonly connections?: readonly string[];
  /**
   * The connection used when an input names none.
   * @default 'default'
   */
  readonly defaultConnection?: string;
  /**
   * The connections that sign in with the authorization-code flow. Their secrets are the only ones any function
   * may write: the OAuth callback stores the first refresh token, and the functions that call Okta store a
   * rotated one. The OAuth routes are deployed only when this list is not empty.
   * @default none
   */
  readonly authorizationCodeConnections?: readonly string[];
  /**
   * AWS KMS signing keys to create, one per client-credentials connection. Only the functions that sign in for a
   * connection may use its key, for `kms:Sign` and `kms:DescribeKey` only; each key ARN is a stack output
   * (`KmsSigningKeyArn<n>`, its description naming the connection) to give `okta-connector connections add <name>
   * --kms-key-id`. Keys are retained when the
   * stack is deleted (an Okta app may still trust them; schedule their deletion in KMS).
   * @default none
   */
  readonly kmsSigningKeys?: readonly KmsSigningKeySetting[];
  /**
   * The OAuth callback URL registered with Okta, when it is not this API's own `/oauth/callback` (e.g. behind a
   * custom domain). The stack always gives the consent functions one callback URL (`OAUTH_REDIRECT_URI`); it is
   * never derived from a request's `Host`.
   * @default this API's own `https://<api id>.execute-api.<region>.amazonaws.com/v1/oauth/callback`
   */
  readonly oauthRedirectUri?: string;
  /**
   * The secrets' name prefix.
   * @default 'okta-connector/'
   */
  readonly secretPrefix?: string;
  /**
   * Scheduled System Log searches.
   * @default none
   */
  readonly searches?: readonly SearchSetting[];
  /**
   * How often each connection's System Log is polled.
   * @default 'rate(1 minute)'
   */
  readonly pollSchedule?: string;
  /**
   * The bus events are published to.
   * @default a new bus, named after the stack and the construct
   */
  readonly bus?: BusSetting;
  /**
   * Who may call the actions over API Gateway.
   * @default 'iam'
   */
  readonly apiAuth?: ApiAuthSetting;
  /**
   * X-Ray tracing of the functions, the API and the example state machine.
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * Node's `--enable-source-maps` on every function, so stacks in the logs point into the TypeScript source. It
   * costs every cold start 20-40 ms and each function about 11 MB of memory (BENCHMARKS.md); the maps are deployed
   * beside the code either way, to read a stack with.
   * @default false
   */
  readonly sourceMaps?: boolean;
  /**
   * Retention of every log group.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The `Source` of published events.
   * @default 'okta-connector'
   */
  readonly eventSource?: string;
  /**
   * How many days a published event `uuid` is remembered, so it is not published twice.
   * @default 7
   */
  readonly dedupeTtlDays?: number;
  /**
   * The share of each Okta rate-limit window left to the org's other apps (0 to below 1).
   * @default the functions' own, 0.1
   */
  readonly rateLimitReserve?: number;
  /**
   * Where the rate-limit reserve is kept. `table`: one budget per org and endpoint bucket in the connector's
   * table, shared by every function and container that calls Okta, so the reserve holds for the deployment
   * (docs/ARCHITECTURE.md "The org-wide rate-limit budget"; about 0.5 DynamoDB calls per Okta call). `container`:
   * each container keeps the reserve alone from the headers it saw, which many containers at once can overrun.
   * @default 'table'
   */
  readonly rateLimitBudget?: 'table' | 'container';
  /**
   * Deploys the example state machines: onboarding (`onboarding-example.ts`) and contain a compromised account
   * (`contain-account-example.ts`).
   * @default false
   */
  readonly stepFunctionsExample?: boolean;
  /**
   * The event hook's reserved concurrency: most deliveries answered at once. Lambda refuses a delivery past it
   * with 429, which Okta never retries (the poller still publishes its events), so it must cover the largest burst
   * Okta sends at once; a delivery takes tens of milliseconds (it is only queued), so each container serves many.
   * Reserved concurrency costs nothing while idle, but is taken from the account's pool: Lambda refuses a deploy
   * that would leave the account under 100 unreserved, so an account whose concurrency quota is below 300 (new
   * accounts may start at 10) must set this lower or raise the quota (Service Quotas, "Concurrent executions").
   * @default 200
   */
  readonly eventHookConcurrency?: number;
  /**
   * The Okta id of each connection's event hook (`who7…`, the last segment of a delivery's `source`): a delivery
   * from another hook of the same org is refused. A connection not named accepts any hook of its org.
   * @default none, e.g. `{ default: 'who7hphp39JoHLni81d7' }`
   */
  readonly eventHookIds?: Readonly<Record<string, string>>;
  /**
   * What an event hook delivery does: `queue` publishes its checked events (through the hand-off queue);
   * `verified` publishes nothing from the body and only wakes a coalesced poll of the connection, so every published
   * event comes from an authenticated read of the System Log, a few seconds later (docs/TRIGGERS.md "Verified mode").
   * @default 'queue'
   */
  readonly eventHookMode?: 'queue' | 'verified';
  /**
   * Puts the event hook behind a regional REST API with AWS WAF (a rate-based rule per source IP, a body size
   * rule, optionally Okta's IP ranges as an allow list) instead of a Function URL, which cannot carry WAF. Costs
   * about $6 a month for the web ACL and its rules, plus $0.60 (WAF) and $3.50 (REST API) per million requests.
   * @default none: the hook is a Function URL
   */
  readonly eventHookFrontDoor?: EventHookFrontDoorSetting;
  /**
   * The poller lag (seconds) above which a connection's lag alarm fires.
   * @default 300
   */
  readonly pollerLagAlarmSeconds?: number;
  /**
   * Adds an EventBridge Schema Registry with the schemas of the published events (a System Log event and a search
   * result part), for code bindings.
   * @default false
   */
  readonly eventSchemas?: boolean;
  /**
   * Actions to deploy once more per connection, pinned to it (`PINNED_CONNECTION`): the copy serves only that
   * connection and reads only its secret, so `lambda:InvokeFunction` on it grants a direct invoker (a Step Functions
   * task, the SDK) that one connection. Over API Gateway the per-connection routes do the same without copies.
   * @default none, e.g. `{ acme: ['suspend-user', 'clear-user-sessions'] }`
   */
  readonly pinnedActions?: Readonly<Record<string, readonly string[]>>;
  /**
   * Registers these connections' Okta event hooks with the stack, so `cdk deploy` gives live events with no console
   * step: a custom resource per connection creates (or updates in place), verifies and activates the hook at
   * `EventHookUrl?connection=<name>` through Okta's event hook API, and removes it with the stack. Its secret is
   * generated by the resource's function into `<secretPrefix><name>/event-hook`: never in the template or outputs.
   * @default none: register hooks with `okta-connector hooks register`
   */
  readonly eventHookRegistration?: EventHookRegistrationSetting;
  /**
   * The actions to deploy: a subset of the catalog for a trimmed deployment or a test.
   * @default every action of the catalog (`functions/catalog.ts`)
   */
  readonly actions?: readonly ActionSpec[];
}

/** The settings with every default applied. */
export interface ResolvedSettings {
  readonly connections: readonly string[];
  readonly defaultConnection: string;
  readonly authorizationCodeConnections: readonly string[];
  readonly kmsSigningKeys: readonly Required<KmsSigningKeySetting>[];
  readonly oauthRedirectUri?: string;
  readonly secretPrefix: string;
  readonly searches: readonly SearchSetting[];
  readonly pollSchedule: string;
  readonly bus: BusSetting;
  readonly apiAuth: ApiAuthSetting;
  readonly tracing: boolean;
  readonly sourceMaps: boolean;
  readonly eventSource: string;
  readonly dedupeTtlDays: number;
  readonly rateLimitReserve?: number;
  readonly rateLimitBudget: 'table' | 'container';
  readonly stepFunctionsExample: boolean;
  readonly eventHookConcurrency: number;
  readonly eventHookIds: Readonly<Record<string, string>>;
  readonly eventHookFrontDoor?: EventHookFrontDoorSetting;
  readonly eventHookMode: 'queue' | 'verified';
  readonly pollerLagAlarmSeconds: number;
  readonly eventSchemas: boolean;
  readonly pinnedActions: Readonly<Record<string, readonly string[]>>;
  /** The hooks to register, their types resolved; none when the setting is absent. */
  readonly eventHookRegistration: {
    readonly connections: readonly string[];
    readonly eventTypes: string | readonly string[];
  };
}

// Secrets Manager secret names allow these characters; a connection also becomes part of a construct id.
const CONNECTION_NAME = /^[A-Za-z0-9_.@+=-]{1,64}$/;
const SEARCH_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const SECRET_PREFIX = /^[A-Za-z0-9/_+=.@-]{0,256}$/;
const EVENT_SOURCE = /^[A-Za-z0-9._-]{1,256}$/;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
// EventBridge Scheduler cron: six fields, minutes hours day-of-month month day-of-week year.
const CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;

/** Checks the props and applies the defaults; throws an Error naming the first bad setting. */
export function resolveSettings(props: OktaConnectorProps = {}): ResolvedSettings {
  const defaultConnection = props.defaultConnection ?? 'default';
  const connections = props.connections ?? [defaultConnection];
  if (connections.length === 0) fail('connections must name at least one connection');
  for (const name of connections) {
    if (!CONNECTION_NAME.test(name)) {
      fail(`connection "${name}" is not a valid name (1 to 64 of A-Z a-z 0-9 _ . @ + = -)`);
    }
  }
  if (new Set(connections).size !== connections.length) fail('connections lists a connection twice');
  if (!connections.includes(defaultConnection)) {
    fail(`defaultConnection "${defaultConnection}" is not one of the connections (${connections.join(', ')})`);
  }
  const authorizationCodeConnections = props.authorizationCodeConnections ?? [];
  for (const name of authorizationCodeConnections) {
    if (!connections.includes(name)) fail(`authorizationCodeConnections names an unknown connection "${name}"`);
  }
  const kmsSigningKeys = checkKmsSigningKeys(props.kmsSigningKeys ?? [], connections, authorizationCodeConnections);
  if (props.oauthRedirectUri !== undefined && !/^https:\/\/[^\s/]+\/\S*$/.test(props.oauthRedirectUri)) {
    fail(`oauthRedirectUri "${props.oauthRedirectUri}" must be an https:// URL`);
  }
  // The consent link is served beside it (`…/oauth/authorize`): a custom domain maps the API's paths unchanged.
  if (props.oauthRedirectUri !== undefined && !props.oauthRedirectUri.endsWith('/oauth/callback')) {
    fail(`oauthRedirectUri "${props.oauthRedirectUri}" must end in /oauth/callback (the API's route)`);
  }
  const secretPrefix = props.secretPrefix ?? 'okta-connector/';
  if (!SECRET_PREFIX.test(secretPrefix))
    fail(`secretPrefix "${secretPrefix}" has characters a secret name cannot hold`);
  const pollSchedule = props.pollSchedule ?? 'rate(1 minute)';
  checkSchedule('pollSchedule', pollSchedule);
  const searches = props.searches ?? [];
  checkSearches(searches, connections);
  // They travel as the SEARCHES variable, and a function's variables share Lambda's 4 KB limit.
  if (JSON.stringify(searches).length > 3000)
    fail('searches take more than 3,000 characters as JSON (Lambda allows 4 KB of variables)');
  // Every function gets the connections as CONNECTIONS too; the search function gets both.
  if (JSON.stringify(searches).length + connections.join(',').length > 3500)
    fail(
      'connections (as a comma-separated list) and searches (as JSON) take more than 3,500 characters together (Lambda allows 4 KB of variables)',
    );
  const bus = props.bus ?? { type: 'new' };
  if (bus.type === 'existing' && !bus.name) fail('bus: an existing bus needs its name');
  const eventSource = props.eventSource ?? 'okta-connector';
  if (!EVENT_SOURCE.test(eventSource) || eventSource.startsWith('aws.')) {
    fail(`eventSource "${eventSource}" is not a valid EventBridge source (letters, digits, . _ -; not aws.*)`);
  }
  const dedupeTtlDays = props.dedupeTtlDays ?? 7;
  checkInteger('dedupeTtlDays', dedupeTtlDays, 1, 365);
  if (props.rateLimitBudget !== undefined && !['table', 'container'].includes(props.rateLimitBudget)) {
    fail(`rateLimitBudget must be "table" or "container" (got ${JSON.stringify(props.rateLimitBudget)})`);
  }
  if (props.rateLimitReserve !== undefined && !(props.rateLimitReserve >= 0 && props.rateLimitReserve < 1)) {
    fail(`rateLimitReserve must be from 0 to below 1 (got ${props.rateLimitReserve})`);
  }
  const eventHookConcurrency = props.eventHookConcurrency ?? 200;
  checkInteger('eventHookConcurrency', eventHookConcurrency, 1, 1000);
  const eventHookIds = props.eventHookIds ?? {};
  for (const [connection, hookId] of Object.entries(eventHookIds)) {
    if (!connections.includes(connection)) fail(`eventHookIds names an unknown connection "${connection}"`);
    if (!/^[A-Za-z0-9]{1,64}$/.test(hookId)) fail(`eventHookIds: "${hookId}" is not an Okta event hook id`);
  }
  const eventHookMode = props.eventHookMode ?? 'queue';
  if (eventHookMode !== 'queue' && eventHookMode !== 'verified')
    fail(`eventHookMode must be "queue" or "verified" (got "${String(eventHookMode)}")`);
  const pollerLagAlarmSeconds = props.pollerLagAlarmSeconds ?? 300;
  checkInteger('pollerLagAlarmSeconds', pollerLagAlarmSeconds, 60, 86_400);
  const apiAuth = props.apiAuth ?? 'iam';
  if (typeof apiAuth === 'object' && (apiAuth.type !== 'cognito' || apiAuth.userPools.length === 0)) {
    fail('apiAuth: a Cognito authorizer needs at least one user pool');
  }
  const pinnedActions = props.pinnedActions ?? {};
  checkPinnedActions(pinnedActions, connections, props.actions);
  const eventHookRegistration = checkEventHookRegistration(props.eventHookRegistration, connections);
  return {
    eventHookRegistration,
    pinnedActions,
    connections,
    defaultConnection,
    authorizationCodeConnections,
    kmsSigningKeys,
    secretPrefix,
    searches,
    pollSchedule,
    bus,
    oauthRedirectUri: props.oauthRedirectUri,
    apiAuth,
    tracing: props.tracing ?? true,
    sourceMaps: props.sourceMaps ?? false,
    eventSource,
    dedupeTtlDays,
    rateLimitReserve: props.rateLimitReserve,
    rateLimitBudget: props.rateLimitBudget ?? 'table',
    stepFunctionsExample: props.stepFunctionsExample ?? false,
    eventHookConcurrency,
    eventHookIds,
    eventHookFrontDoor: props.eventHookFrontDoor,
    eventHookMode,
    pollerLagAlarmSeconds,
    eventSchemas: props.eventSchemas ?? false,
  };
}

function checkSearches(searches: readonly SearchSetting[], connections: readonly string[]): void {
  const seen = new Set<string>();
  for (const search of searches) {
    const label = `search "${search.name}"`;
    if (!SEARCH_NAME.test(search.name ?? '')) fail(`${label}: name must be 1 to 64 of A-Z a-z 0-9 _ . -`);
    if (!connections.includes(search.connection)) {
      fail(`${label}: unknown connection "${search.connection}" (known: ${connections.join(', ')})`);
    }
    const key = `${search.connection}#${search.name}`;
    if (seen.has(key)) fail(`${label}: the name is used twice for connection "${search.connection}"`);
    seen.add(key);
    if (!search.filter && !search.q) fail(`${label}: needs a filter or q`);
    // The function reads `window` with the same parser, so a window accepted here is one it understands.
    if (search.window === undefined || durationMs(search.window) === undefined) {
      fail(`${label}: window must be an ISO 8601 duration (PT15M), "15 minutes" or a number of minutes`);
    }
    checkSchedule(`${label}: schedule`, search.schedule);
  }
}

function checkEventHookRegistration(
  setting: EventHookRegistrationSetting | undefined,
  connections: readonly string[],
): ResolvedSettings['eventHookRegistration'] {
  if (!setting) return { connections: [], eventTypes: ALL_ELIGIBLE };
  for (const name of setting.connections) {
    if (!connections.includes(name)) fail(`eventHookRegistration names an unknown connection "${name}"`);
  }
  if (new Set(setting.connections).size !== setting.connections.length)
    fail('eventHookRegistration lists a connection twice');
  const eventTypes = setting.eventTypes ?? ALL_ELIGIBLE;
  try {
    // Checked at synth with the function's own check; the preset travels as its name (a short property).
    resolveEventTypes(eventTypes);
  } catch (error) {
    if (error instanceof EventHookProblem) fail(`eventHookRegistration: ${error.message}`);
    throw error;
  }
  return { connections: setting.connections, eventTypes };
}

const KMS_SIGNING_KEY_SPECS: readonly KmsSigningKeySpec[] = ['RSA_2048', 'ECC_NIST_P256'];

function checkKmsSigningKeys(
  keys: readonly KmsSigningKeySetting[],
  connections: readonly string[],
  authorizationCodeConnections: readonly string[],
): Required<KmsSigningKeySetting>[] {
  const seen = new Set<string>();
  return keys.map(({ connection, keySpec = 'ECC_NIST_P256' }) => {
    if (!connections.includes(connection)) fail(`kmsSigningKeys names an unknown connection "${connection}"`);
    if (authorizationCodeConnections.includes(connection)) {
      fail(`kmsSigningKeys: "${connection}" signs in with the authorization-code flow, which signs no assertion`);
    }
    if (seen.has(connection)) fail(`kmsSigningKeys lists the connection "${connection}" twice`);
    seen.add(connection);
    if (!KMS_SIGNING_KEY_SPECS.includes(keySpec)) {
      fail(`kmsSigningKeys: keySpec "${keySpec}" of "${connection}" is not one of ${KMS_SIGNING_KEY_SPECS.join(', ')}`);
    }
    return { connection, keySpec };
  });
}

function checkPinnedActions(
  pinned: Readonly<Record<string, readonly string[]>>,
  connections: readonly string[],
  actions: readonly ActionSpec[] | undefined,
): void {
  const deployed = (actions ?? catalog).map((spec) => spec.name);
  for (const [connection, names] of Object.entries(pinned)) {
    if (!connections.includes(connection)) fail(`pinnedActions names an unknown connection "${connection}"`);
    for (const name of names) {
      if (!deployed.includes(name))
        fail(`pinnedActions: "${name}" is not a deployed action (pinned to "${connection}")`);
    }
    if (new Set(names).size !== names.length) fail(`pinnedActions lists an action twice for "${connection}"`);
  }
}

function checkSchedule(label: string, expression: string): void {
  const rate = RATE.exec(expression ?? '');
  if (rate) {
    const amount = Number(rate[1]);
    const plural = rate[2]!.endsWith('s');
    if (amount < 1) fail(`${label} "${expression}": the rate must be at least 1`);
    if (amount === 1 && plural)
      fail(`${label} "${expression}": write rate(1 ${rate[2]!.slice(0, -1)}) (singular unit for 1)`);
    if (amount > 1 && !plural) fail(`${label} "${expression}": write rate(${amount} ${rate[2]}s) (plural unit)`);
    return;
  }
  if (CRON.test(expression ?? '')) {
    const fields = expression.slice('cron('.length, -1).split(' ');
    // EventBridge refuses a cron that sets both the day of the month and the day of the week.
    if (fields[2] !== '?' && fields[4] !== '?')
      fail(`${label} "${expression}": one of day-of-month and day-of-week must be ?`);
    return;
  }
  fail(
    `${label} "${expression}" is not an EventBridge schedule: use rate(<n> minute[s]|hour[s]|day[s]) or cron(<6 fields>)`,
  );
}

function checkInteger(label: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    fail(`${label} must be an integer from ${min} to ${max} (got ${value})`);
}

function fail(message: string): never {
  throw new Error(`OktaConnector: ${message}`);
}
