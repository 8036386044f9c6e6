/**
 * The local sandbox, assembled: the simulated org (or a real org from the environment), the local AWS endpoints,
 * the connections, the gateway in front of the handlers, the event hook registered through Okta's API, and the
 * schedules. `npm start` (start.ts) prints what this returns; tests and benchmarks can start it in-process.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { readSearches } from '../functions/lib/events/search-settings.js';
import { LOCAL_RUNTIME_MARKER } from '../functions/lib/config.js';
import { startLocalAws, type LocalAws } from './aws/index.js';
import { bundlesFromCdkOut } from './cdk-bundles.js';
import { registerSandboxHook } from './event-hook-registration.js';
import type { Gateway } from './gateway.js';
import { startOktaSim, type OktaSim } from './okta-sim/index.js';
import type { LocalRuntime } from './runtime.js';
import { startStackRuntime } from './stack-runtime.js';
import {
  apiTokenConnection,
  registerKmsConnection,
  registerServiceConnection,
  registerWebConnection,
  type ConnectionSecret,
} from './sandbox-connections.js';
import { scheduleSecondsFromEnv, startSchedules, type Schedules } from './schedules.js';

export interface SandboxOptions {
  /**
   * The first port: the org on it, the gateway on +1, the local AWS endpoints on +2 to +6, the Lambda Invoke API
   * on +7; 0 = any free ports.
   */
  port?: number;
  /** Where OKTA_ORG_URL and credentials for a real org, PORT, LOCAL_SCHEDULE_SECONDS, SEARCHES and LOCAL_EVENT_HOOK_MODE are read. */
  env?: Record<string, string | undefined>;
  /** Seconds between schedule runs (LOCAL_SCHEDULE_SECONDS, 60 by default). */
  scheduleSeconds?: number;
  /** Prints a note for the user (stderr in `npm start`). */
  note?: (message: string) => void;
  /** Receives each invocation's log (START … REPORT) with its function name; dropped by default. */
  onLog?: (functionName: string, log: string) => void;
}

export interface Sandbox {
  orgUrl: string;
  /** The simulator's super admin token; empty for a real org. */
  apiToken: string;
  actionsUrl: string;
  eventHookUrl: string;
  /** The `default` connection's event hook secret (the `Authorization` value Okta sends); empty for a real org. */
  eventHookSecret: string;
  /** The local Lambda Invoke API (for `AWS_ENDPOINT_URL_LAMBDA`): every function, as `okta-connector-<name>`. */
  lambdaUrl: string;
  eventsUrl: string;
  sim?: OktaSim;
  aws: LocalAws;
  /** The runtime every function runs in (its containers: `runtime.stats()`). */
  runtime: LocalRuntime;
  gateway: Gateway;
  schedules: Schedules;
  /** The connection names, `default` first. */
  connections: string[];
  /**
   * The deployment's settings and the local endpoints, together (what the CLI needs). Each function's container
   * gets only its own share: what the stack gives that function, and the local endpoints.
   */
  functionEnv: Record<string, string>;
  stop(): Promise<void>;
}

export const TABLE_NAME = 'okta-connector';
export const SECRET_PREFIX = 'okta-connector/';

/** A demo search, so the sandbox shows scheduled search results too (SEARCHES replaces it). */
const demoSearches = [
  {
    connection: 'default',
    name: 'failed-sign-ins',
    filter: 'eventType eq "user.session.start" and outcome.result eq "FAILURE"',
    schedule: 'rate(15 minutes)',
    window: 'PT15M',
  },
];

/** Starts everything; on a failure, stops what was started and rethrows. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const env = options.env ?? process.env;
  const note = options.note ?? (() => undefined);
  const port = options.port ?? 0;
  const at = (offset: number) => (port === 0 ? 0 : port + offset);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };

  try {
    const realOrg = realOrgFromEnv(env);
    const sim = realOrg ? undefined : await startOktaSim({ port: at(0), seed: 'realistic' });
    if (sim) stops.push(() => sim.close());
    const orgUrl = realOrg?.domain ?? (sim as OktaSim).url;

    const aws = await startLocalAws({ port: at(2) });
    stops.push(() => aws.close());
    await aws.createTable(TABLE_NAME);

    const searches = env.SEARCHES ?? JSON.stringify(realOrg ? [] : demoSearches);
    // Every function's local share: the AWS endpoints and the local switches; the rest is the stack's.
    const localEnv: Record<string, string> = {
      ...aws.env(),
      ALLOW_INSECURE_LOCAL_OKTA: 'true',
      [LOCAL_RUNTIME_MARKER]: 'true',
      SEARCHES: searches,
      POWERTOOLS_SERVICE_NAME: 'okta-connector',
      POWERTOOLS_LOG_LEVEL: env.LOG_LEVEL ?? 'WARN',
      POWERTOOLS_DEV: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    const functionEnv: Record<string, string> = {
      ...localEnv,
      TABLE_NAME: TABLE_NAME,
      CONNECTION_SECRET_PREFIX: SECRET_PREFIX,
      DEFAULT_CONNECTION: 'default',
      EVENT_BUS_NAME: 'default',
      SEARCHES: searches,
      POWERTOOLS_SERVICE_NAME: 'okta-connector',
    };
    const connectionNames = realOrg ? ['default'] : ['default', 'service', 'web', 'kms'];
    // LOCAL_BUNDLES=true runs the esbuild bundles of `npx cdk synth` (what would be deployed) instead of the sources.
    const bundles = env.LOCAL_BUNDLES === 'true' ? bundlesFromCdkOut() : undefined;
    if (bundles) note(`running the ${Object.keys(bundles).length} bundles of cdk.out`);
    const deployment = await startStackRuntime({
      aws,
      props: {
        connections: connectionNames,
        defaultConnection: 'default',
        authorizationCodeConnections: realOrg ? [] : ['web'],
        kmsSigningKeys: realOrg ? [] : [{ connection: 'kms', keySpec: 'ECC_NIST_P256' }],
        secretPrefix: SECRET_PREFIX,
        searches: readSearches({ SEARCHES: searches }),
        bus: { type: 'existing', name: 'default' },
        eventHookMode: eventHookModeFromEnv(env),
      },
      tableName: TABLE_NAME,
      env: localEnv,
      runtime: {
        bundles,
        accountConcurrency: positiveNumber(env, 'LOCAL_LAMBDA_CONCURRENCY'),
        idleSeconds: positiveNumber(env, 'LOCAL_LAMBDA_IDLE_SECONDS'),
        onLog: options.onLog,
      },
      gatewayPort: at(1),
      lambdaPort: at(7),
    });
    stops.push(() => deployment.stop());
    const { runtime, gateway, oauthCallback } = deployment;

    const connections: Record<string, ConnectionSecret> = {};
    if (realOrg) {
      connections.default = realOrg;
    } else {
      const simulator = sim as OktaSim;
      connections.default = apiTokenConnection(orgUrl, simulator.apiToken);
      connections.service = await registerServiceConnection(orgUrl);
      connections.web = await registerWebConnection(orgUrl, oauthCallback);
      const kms = new KMSClient({
        endpoint: aws.endpoints.kms,
        region: aws.env().AWS_REGION,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      connections.kms = await registerKmsConnection(orgUrl, { kms }).finally(() => kms.destroy());
    }
    for (const [name, secret] of Object.entries(connections)) aws.secrets.put(`${SECRET_PREFIX}${name}`, secret);

    let eventHookSecret = '';
    if (sim) {
      // Through the same code as `okta-connector hooks register` and the stack's custom resource.
      eventHookSecret = await registerSandboxHook(connections.default, aws, gateway.eventHookUrl);
    } else {
      note(
        `Using the Okta org at ${orgUrl}. Its event hook is not registered: Okta cannot reach ${gateway.eventHookUrl}; events arrive through the poller.`,
      );
    }

    // Both sandbox connections are the same simulated org: polling each would publish every event twice (once
    // per connection, as the per-connection dedupe says), so only `default` is polled unless told otherwise.
    const polled = (env.LOCAL_POLL_CONNECTIONS ?? 'default')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const searchRefs = readSearches({ SEARCHES: searches }).map(({ connection, name }) => ({ connection, name }));
    const schedules = startSchedules({
      runtime,
      connections: polled,
      searches: searchRefs,
      intervalSeconds: options.scheduleSeconds ?? scheduleSecondsFromEnv(env),
      onRun: ({ schedule, outcome }) => {
        if (!outcome.ok) note(`${schedule} failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
      },
    });
    stops.push(() => schedules.stop());

    return {
      orgUrl,
      apiToken: sim?.apiToken ?? '',
      actionsUrl: gateway.url,
      eventHookUrl: gateway.eventHookUrl,
      eventHookSecret,
      lambdaUrl: deployment.lambdaUrl as string,
      eventsUrl: `${aws.endpoints.eventbridge}/events`,
      sim,
      aws,
      runtime,
      gateway,
      schedules,
      connections: Object.keys(connections),
      functionEnv,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** `LOCAL_EVENT_HOOK_MODE` (`queue` or `verified`, the stack's `eventHookMode`); `queue` when unset. */
function eventHookModeFromEnv(env: Record<string, string | undefined>): 'queue' | 'verified' {
  const raw = env.LOCAL_EVENT_HOOK_MODE;
  if (raw === undefined || raw === '' || raw === 'queue') return 'queue';
  if (raw === 'verified') return 'verified';
  throw new Error(`LOCAL_EVENT_HOOK_MODE must be queue or verified (got "${raw}")`);
}

/** A positive number from the environment, undefined when unset; throws naming the variable otherwise. */
function positiveNumber(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`);
  return value;
}

/**
 * A real org from `OKTA_ORG_URL` with `OKTA_API_TOKEN`, or `OKTA_CLIENT_ID` + `OKTA_PRIVATE_KEY` (PEM or JWK) +
 * `OKTA_KEY_ID` (+ `OKTA_SCOPES`, space or comma separated); undefined when `OKTA_ORG_URL` is unset.
 */
export function realOrgFromEnv(env: Record<string, string | undefined>): ConnectionSecret | undefined {
  const domain = env.OKTA_ORG_URL?.trim();
  if (!domain) return undefined;
  if (env.OKTA_API_TOKEN) return { domain, auth: { type: 'api-token', token: env.OKTA_API_TOKEN } };
  if (env.OKTA_CLIENT_ID && env.OKTA_PRIVATE_KEY && env.OKTA_KEY_ID) {
    const scopes = (env.OKTA_SCOPES ?? 'okta.users.manage okta.groups.manage okta.apps.read okta.logs.read')
      .split(/[\s,]+/)
      .filter(Boolean);
    return {
      domain,
      auth: {
        type: 'client-credentials',
        clientId: env.OKTA_CLIENT_ID,
        privateKey: env.OKTA_PRIVATE_KEY,
        keyId: env.OKTA_KEY_ID,
        scopes,
      },
    };
  }
  throw new Error(
    'OKTA_ORG_URL is set but not its credentials: set OKTA_API_TOKEN, or OKTA_CLIENT_ID, OKTA_PRIVATE_KEY and OKTA_KEY_ID (or unset OKTA_ORG_URL to use the simulated org).',
  );
}
