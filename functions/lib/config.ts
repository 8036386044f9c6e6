/**
 * The connector's settings (docs/ARCHITECTURE.md "Settings"), read once per container from the environment: the
 * only module that reads `process.env`. A bad value fails at cold start with a message that names the variable,
 * instead of surfacing later as an odd behaviour of one call.
 */
import { ConfigurationError } from './configuration-error.js';
import { readSearches, type SearchConfig } from './events/search-settings.js';

export { ConfigurationError } from './configuration-error.js';

/** The `service` of every log line and metric unless `POWERTOOLS_SERVICE_NAME` says otherwise. */
export const SERVICE_NAME = 'okta-connector';

export interface Config {
  /** A connection `acme` is the secret `<connectionSecretPrefix>acme`. */
  connectionSecretPrefix: string;
  /** The connection used when an input has no `connection`. */
  defaultConnection: string;
  /**
   * The connections the deployment configures (`CONNECTIONS`, comma-separated; the stack sets it from its own
   * `connections`). Any other name is refused before an AWS call is made (issue 14 item 5). Unset: not checked
   * (a handler run outside the stack, as in unit tests).
   */
  connections?: readonly string[];
  /** How long a warm container keeps a loaded connection, so a rotated secret is picked up. */
  connectionCacheSeconds: number;
  /** The one DynamoDB table (cursors, dedupe, OAuth state); only triggers and OAuth need it. */
  tableName?: string;
  eventBusName: string;
  eventSource: string;
  dedupeTtlDays: number;
  /** Share (0 to <1) of each Okta rate-limit window left to the org's other apps. */
  rateLimitReserve: number;
  /**
   * Where the rate-limit budget is kept: `table` (one budget per org and bucket shared by every container through
   * TABLE_NAME, docs/ARCHITECTURE.md) or `container` (each container alone, from the headers it saw).
   */
  rateLimitBudget: 'table' | 'container';
  /** Where a connection's very first poll starts, in ms before now (`POLL_LOOKBACK_MINUTES`, 15 by default). */
  pollLookbackMs: number;
  /**
   * Events per System Log page the poller asks for (`POLL_PAGE_SIZE`, 1 to Okta's maximum 1000, 1000 by default):
   * smaller pages hold less memory at once and cost more requests.
   */
  pollPageSize: number;
  /** Lets a connection's domain be plain HTTP on 127.0.0.1/localhost (the simulated org). Never set in AWS. */
  allowInsecureLocalOkta: boolean;
  /**
   * The one connection an action function serves (`PINNED_CONNECTION`): the stack's pinned copies of an action, which
   * IAM can grant one by one (functions/lib/actions/connection-scope.ts).
   */
  pinnedConnection?: string;
  /** The Okta id of each connection's event hook (`EVENT_HOOK_IDS`, JSON): a delivery from another hook is refused. */
  eventHookIds: Record<string, string>;
  /**
   * The event hook's hand-off queue (`DELIVERY_QUEUE_URL`, the stack sets it): a checked delivery is queued and
   * acknowledged, and the publisher function publishes it. Unset, the hook publishes itself (in-process tests).
   */
  deliveryQueueUrl?: string;
  /**
   * `EVENT_HOOK_MODE`: `queue` (the default) publishes a delivery's checked events; `verified` publishes nothing from
   * a delivery, it only wakes a poll of the connection (docs/TRIGGERS.md "Verified mode").
   */
  eventHookMode: 'queue' | 'verified';
  /** The scheduled searches (`SEARCHES`, a JSON array; search-settings.ts reads its entries). */
  searches: SearchConfig[];
  /**
   * The callback URL registered in the Okta app (`OAUTH_REDIRECT_URI`, an http(s) URL): the stack always sets it on
   * the consent functions. Never derived from a request's `Host` (issue 14.15).
   */
  oauthRedirectUri?: string;
  /** The connections that sign in with the authorization code (`AUTHORIZATION_CODE_CONNECTIONS`, comma-separated). */
  authorizationCodeConnections: readonly string[];
}

type Env = Record<string, string | undefined>;

let memo: { env: Env; value: Config } | undefined;

/** The settings, read and checked once per container (again only when called with another `env` object). */
export function config(env: Env = process.env): Config {
  if (memo?.env !== env) memo = { env, value: readConfig(env) };
  return memo.value;
}

/** Forgets the memoized settings (tests that change the environment). */
export function resetConfig(): void {
  memo = undefined;
}

/** Whether the deployment configures this connection (every name does when `CONNECTIONS` is unset). */
export function isConfiguredConnection(name: string, cfg: Config = config()): boolean {
  return cfg.connections === undefined || cfg.connections.includes(name);
}

/** The table name, for the functions that cannot work without it; throws a clear message when it is missing. */
export function requireTableName(cfg: Config = config()): string {
  if (!cfg.tableName) {
    throw new ConfigurationError(
      'TABLE_NAME',
      "is required by this function (the connector's DynamoDB table) but is not set",
    );
  }
  return cfg.tableName;
}

/** Reads and checks every setting; throws a `ConfigurationError` naming the first bad variable. */
export function readConfig(env: Env): Config {
  return {
    connectionSecretPrefix: text(env, 'CONNECTION_SECRET_PREFIX', 'okta-connector/'),
    defaultConnection: text(env, 'DEFAULT_CONNECTION', 'default'),
    connections: names(env, 'CONNECTIONS'),
    connectionCacheSeconds: numberIn(env, 'CONNECTION_CACHE_SECONDS', 300, { min: 0, integer: true }),
    tableName: optionalText(env, 'TABLE_NAME'),
    eventBusName: text(env, 'EVENT_BUS_NAME', 'default'),
    eventSource: text(env, 'EVENT_SOURCE', 'okta-connector'),
    dedupeTtlDays: numberIn(env, 'DEDUPE_TTL_DAYS', 7, { min: 1, integer: true }),
    rateLimitReserve: numberIn(env, 'RATE_LIMIT_RESERVE', 0.1, { min: 0, below: 1 }),
    rateLimitBudget: oneOf(env, 'RATE_LIMIT_BUDGET', ['container', 'table'] as const),
    pollLookbackMs: numberIn(env, 'POLL_LOOKBACK_MINUTES', 15, { min: 1, integer: true }) * 60_000,
    pollPageSize: numberIn(env, 'POLL_PAGE_SIZE', 1000, { min: 1, max: 1000, integer: true }),
    allowInsecureLocalOkta: insecureLocalOkta(env),
    pinnedConnection: optionalText(env, 'PINNED_CONNECTION'),
    eventHookIds: stringMap(env, 'EVENT_HOOK_IDS'),
    deliveryQueueUrl: optionalText(env, 'DELIVERY_QUEUE_URL'),
    eventHookMode: oneOf(env, 'EVENT_HOOK_MODE', ['queue', 'verified'] as const),
    searches: readSearches(env),
    oauthRedirectUri: httpUrl(env, 'OAUTH_REDIRECT_URI'),
    authorizationCodeConnections: names(env, 'AUTHORIZATION_CODE_CONNECTIONS') ?? [],
  };
}

/**
 * The `service` of every log line and metric (`POWERTOOLS_SERVICE_NAME`, `okta-connector` by default). Apart from
 * `config()` because the Logger is made when its module loads: a bad value of another setting must fail the calls
 * that read it, with a logged `ConfigurationError`, not the loading of the logger itself.
 */
export function serviceName(env: Env = process.env): string {
  return text(env, 'POWERTOOLS_SERVICE_NAME', SERVICE_NAME);
}

/** The OAuth callback URL, for the consent functions; throws a clear message when it is missing. */
export function requireOAuthRedirectUri(cfg: Config = config()): string {
  if (!cfg.oauthRedirectUri) {
    throw new ConfigurationError('OAUTH_REDIRECT_URI', 'is required (the stack sets it to its /oauth/callback URL)');
  }
  return cfg.oauthRedirectUri;
}

/**
 * The marker the local runtime and sandbox set on every function: they may imitate Lambda's own variables
 * (`AWS_LAMBDA_RUNTIME_API`, `AWS_EXECUTION_ENV` in a Lambda base image) but never set this one, and the stack
 * never does.
 */
export const LOCAL_RUNTIME_MARKER = 'OKTA_CONNECTOR_LOCAL_RUNTIME';

/**
 * Whether this code runs on real AWS Lambda (docs/RELIABILITY.md, Security): Lambda's variables are there and the
 * local runtime's marker is not.
 */
export function runsOnLambda(env: Env): boolean {
  const lambda = Boolean(env.AWS_LAMBDA_RUNTIME_API) || (env.AWS_EXECUTION_ENV ?? '').startsWith('AWS_Lambda_');
  return lambda && env[LOCAL_RUNTIME_MARKER] !== 'true';
}

/** On Lambda, 127.0.0.1:9001 is the Runtime API: plain HTTP to a loopback "Okta" is refused there whatever is set. */
function insecureLocalOkta(env: Env): boolean {
  const allowed = flag(env, 'ALLOW_INSECURE_LOCAL_OKTA');
  if (allowed && runsOnLambda(env)) {
    throw new Error(
      `Configuration: ALLOW_INSECURE_LOCAL_OKTA is for the local sandbox and is refused on AWS Lambda (AWS_LAMBDA_RUNTIME_API or AWS_EXECUTION_ENV is set, ${LOCAL_RUNTIME_MARKER} is not)`,
    );
  }
  return allowed;
}

function optionalText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function text(env: Env, name: string, fallback: string): string {
  return optionalText(env, name) ?? fallback;
}

function numberIn(
  env: Env,
  name: string,
  fallback: number,
  range: { min: number; below?: number; max?: number; integer?: boolean },
): number {
  const raw = optionalText(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const ok =
    Number.isFinite(value) &&
    value >= range.min &&
    (range.below === undefined || value < range.below) &&
    (range.max === undefined || value <= range.max) &&
    (!range.integer || Number.isInteger(value));
  if (!ok) {
    const kind = range.integer ? 'an integer' : 'a number';
    const bound =
      range.max !== undefined
        ? `from ${range.min} to ${range.max}`
        : range.below === undefined
          ? `at least ${range.min}`
          : `from ${range.min} to below ${range.below}`;
    throw new ConfigurationError(name, `must be ${kind} ${bound} (got "${raw}")`);
  }
  return value;
}

/** One of `values`, the first being the default. */
function oneOf<T extends string>(env: Env, name: string, values: readonly [T, ...T[]]): T {
  const raw = optionalText(env, name);
  if (raw === undefined) return values[0];
  if ((values as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigurationError(name, `must be one of ${values.join(', ')} (got "${raw}")`);
}

function flag(env: Env, name: string): boolean {
  const raw = optionalText(env, name)?.toLowerCase();
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigurationError(name, `must be "true" or "false" (got "${raw}")`);
}

/** A comma-separated list of names, undefined when unset. */
function names(env: Env, name: string): string[] | undefined {
  return optionalText(env, name)
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** An absolute http(s) URL, undefined when unset. */
function httpUrl(env: Env, name: string): string | undefined {
  const raw = optionalText(env, name);
  if (raw === undefined) return undefined;
  const protocol = URL.canParse(raw) ? new URL(raw).protocol : undefined;
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new ConfigurationError(name, `must be an absolute http(s) URL (got "${raw}")`);
  }
  return raw;
}

/** A JSON object of strings, `{}` when unset. */
function stringMap(env: Env, name: string): Record<string, string> {
  const raw = optionalText(env, name);
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigurationError(name, 'must be a JSON object of strings');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ConfigurationError(name, 'must be a JSON object of strings');
  const map: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw new ConfigurationError(name, `must map "${key}" to a string`);
    map[key] = entry;
  }
  return map;
}
