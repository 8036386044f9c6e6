/**
 * The ready app's settings: each from the CDK context (`cdk.json` or `-c key=value`) or, when absent there, from an
 * environment variable. Context values may be JSON (arrays, objects, booleans) or plain strings.
 *
 * | context key             | environment variable          | example                                               |
 * |-------------------------|-------------------------------|-------------------------------------------------------|
 * | connections             | OKTA_CONNECTIONS              | `acme,globex` or `["acme","globex"]`                  |
 * | defaultConnection       | OKTA_DEFAULT_CONNECTION       | `acme`                                                |
 * | authorizationCodeConnections | OKTA_AUTHORIZATION_CODE_CONNECTIONS | `globex`                               |
 * | kmsSigningKeys          | OKTA_KMS_SIGNING_KEYS         | `acme` or `[{"connection":"acme","keySpec":"RSA_2048"}]`: a KMS key signs its assertions |
 * | oauthRedirectUri        | OKTA_OAUTH_REDIRECT_URI       | `https://okta.example.com/oauth/callback`             |
 * | secretPrefix            | OKTA_SECRET_PREFIX            | `okta-connector/`                                     |
 * | searches                | OKTA_SEARCHES                 | `[{"connection":"acme","name":"admin","filter":"...","schedule":"rate(1 hour)","window":"PT1H"}]` |
 * | pollSchedule            | OKTA_POLL_SCHEDULE            | `rate(5 minutes)`                                     |
 * | eventBusName            | OKTA_EVENT_BUS_NAME           | a new bus of that name                                |
 * | existingEventBusName    | OKTA_EXISTING_EVENT_BUS_NAME  | `default`: publish to an existing bus                 |
 * | apiAuth                 | OKTA_API_AUTH                 | `iam` or `insecureApiKeyNonProduction` (never production) |
 * | tracing                 | OKTA_TRACING                  | `true`                                                |
 * | sourceMaps              | OKTA_SOURCE_MAPS              | `true`: Node's --enable-source-maps on every function |
 * | eventSource             | OKTA_EVENT_SOURCE             | `okta-connector`                                      |
 * | dedupeTtlDays           | OKTA_DEDUPE_TTL_DAYS          | `7`                                                   |
 * | stepFunctionsExample    | OKTA_STEP_FUNCTIONS_EXAMPLE   | `true`                                                |
 * | eventSchemas            | OKTA_EVENT_SCHEMAS            | `true`: a Schema Registry of the published events     |
 * | pinnedActions           | OKTA_PINNED_ACTIONS           | `{"acme":["suspend-user"]}`: copies serving one connection |
 * | eventHookRegistration   | OKTA_EVENT_HOOK_REGISTRATION  | `{"connections":["acme"]}`: the stack registers the hooks |
 * | stackName               | OKTA_STACK_NAME               | `OktaConnector`                                       |
 */
import type { KmsSigningKeySetting, OktaConnectorProps, SearchSetting } from './okta-connector-props.js';

type Env = Record<string, string | undefined>;
type Context = (key: string) => unknown;

export interface AppSettings {
  stackName: string;
  connector: OktaConnectorProps;
}

/** Reads the settings; throws naming the key whose value cannot be read. */
export function readAppSettings(context: Context, env: Env = process.env): AppSettings {
  const raw = (key: string, variable: string): unknown => context(key) ?? env[variable];
  const existingBus = text(raw('existingEventBusName', 'OKTA_EXISTING_EVENT_BUS_NAME'));
  const newBus = text(raw('eventBusName', 'OKTA_EVENT_BUS_NAME'));
  const apiAuth = text(raw('apiAuth', 'OKTA_API_AUTH'));
  if (apiAuth === 'apiKey') {
    // One static shared key guarding destructive admin actions is not authorization (AWS advises against it).
    throw new Error(
      'Setting apiAuth: "apiKey" was removed: use iam, or insecureApiKeyNonProduction for a non-production stack',
    );
  }
  if (apiAuth !== undefined && apiAuth !== 'iam' && apiAuth !== 'insecureApiKeyNonProduction') {
    throw new Error(
      `Setting apiAuth: "${apiAuth}" is not iam or insecureApiKeyNonProduction (a Cognito authorizer needs the construct in your own app)`,
    );
  }
  return {
    stackName: text(raw('stackName', 'OKTA_STACK_NAME')) ?? 'OktaConnector',
    connector: {
      connections: list(raw('connections', 'OKTA_CONNECTIONS'), 'connections'),
      defaultConnection: text(raw('defaultConnection', 'OKTA_DEFAULT_CONNECTION')),
      authorizationCodeConnections: list(
        raw('authorizationCodeConnections', 'OKTA_AUTHORIZATION_CODE_CONNECTIONS'),
        'authorizationCodeConnections',
      ),
      kmsSigningKeys: signingKeys(raw('kmsSigningKeys', 'OKTA_KMS_SIGNING_KEYS')),
      oauthRedirectUri: text(raw('oauthRedirectUri', 'OKTA_OAUTH_REDIRECT_URI')),
      secretPrefix: text(raw('secretPrefix', 'OKTA_SECRET_PREFIX')),
      searches: json(raw('searches', 'OKTA_SEARCHES'), 'searches') as SearchSetting[] | undefined,
      pollSchedule: text(raw('pollSchedule', 'OKTA_POLL_SCHEDULE')),
      bus: existingBus ? { type: 'existing', name: existingBus } : { type: 'new', name: newBus },
      apiAuth,
      tracing: bool(raw('tracing', 'OKTA_TRACING'), 'tracing'),
      sourceMaps: bool(raw('sourceMaps', 'OKTA_SOURCE_MAPS'), 'sourceMaps'),
      eventSource: text(raw('eventSource', 'OKTA_EVENT_SOURCE')),
      dedupeTtlDays: num(raw('dedupeTtlDays', 'OKTA_DEDUPE_TTL_DAYS'), 'dedupeTtlDays'),
      stepFunctionsExample: bool(raw('stepFunctionsExample', 'OKTA_STEP_FUNCTIONS_EXAMPLE'), 'stepFunctionsExample'),
      eventSchemas: bool(raw('eventSchemas', 'OKTA_EVENT_SCHEMAS'), 'eventSchemas'),
      pinnedActions: json(raw('pinnedActions', 'OKTA_PINNED_ACTIONS'), 'pinnedActions') as
        Record<string, string[]> | undefined,
      eventHookRegistration: json(
        raw('eventHookRegistration', 'OKTA_EVENT_HOOK_REGISTRATION'),
        'eventHookRegistration',
      ) as OktaConnectorProps['eventHookRegistration'],
    },
  };
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  // A context value may be JSON: a number or boolean is read as its text, an object as its JSON (which the props'
  // checks then name), never as "[object Object]".
  const trimmed = (typeof value === 'string' ? value : JSON.stringify(value)).trim();
  return trimmed === '' ? undefined : trimmed;
}

function json(value: unknown, key: string): unknown {
  if (typeof value !== 'string') return value ?? undefined;
  if (value.trim() === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`Setting ${key}: not valid JSON`);
  }
}

function list(value: unknown, key: string): string[] | undefined {
  if (typeof value === 'string' && !value.trim().startsWith('[')) {
    const names = value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    return names.length > 0 ? names : undefined;
  }
  const parsed = json(value, key);
  if (parsed === undefined) return undefined;
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string'))
    throw new Error(`Setting ${key}: expected a list of names`);
  return parsed;
}

/** Connection names (each gets a key of the default spec), or the construct's `{connection, keySpec?}` objects. */
function signingKeys(value: unknown): KmsSigningKeySetting[] | undefined {
  const parsed =
    typeof value === 'string' && !value.trim().startsWith('[')
      ? list(value, 'kmsSigningKeys')
      : json(value, 'kmsSigningKeys');
  if (parsed === undefined) return undefined;
  const valid = (item: unknown) =>
    typeof item === 'string' ||
    (typeof item === 'object' && item !== null && typeof (item as { connection?: unknown }).connection === 'string');
  if (!Array.isArray(parsed) || !parsed.every(valid))
    throw new Error('Setting kmsSigningKeys: expected connection names or [{"connection": ..., "keySpec"?: ...}]');
  return parsed.map((item: string | KmsSigningKeySetting) => (typeof item === 'string' ? { connection: item } : item));
}

function bool(value: unknown, key: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`Setting ${key}: expected true or false`);
}

function num(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`Setting ${key}: expected a number`);
  return parsed;
}
