/**
 * Connections: one Secrets Manager secret per Okta org (docs/CONTRACT.md §4), named `<prefix><name>`, checked
 * field by field and cached in the warm container for `connectionCacheSeconds` so a rotated secret is picked up.
 * The sign-in state of an authorization-code connection (its refresh token and the access token its containers
 * share) is read and written past that cache (`readStoredSignIn`, `writeStoredSignIn`).
 *
 * Error types: a secret that does not exist is `UnknownConnection` (the caller named a connection that is not
 * there). A secret that exists but is malformed is a deployment problem, not the caller's, so it is an
 * `InternalError` whose message names the connection and the bad field, and never contains the secret's content.
 */
import { createPrivateKey } from 'node:crypto';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { secretsManager } from './aws-clients.js';
import { config, isConfiguredConnection, type Config } from './config.js';
import { domainWarning, InvalidOktaDomain, oktaBaseUrl } from './okta-domain.js';
import { logger } from './observability.js';
import { InternalError, UnknownConnection } from './errors.js';

export interface ApiTokenAuth {
  type: 'api-token';
  token: string;
}

/** A private key as stored: a PEM string (PKCS#8, or PKCS#1 RSA / SEC1 EC) or a private JWK. */
export type StoredPrivateKey = string | PrivateJwk;
export interface PrivateJwk {
  kty: string;
  d: string;
  kid?: string;
  [member: string]: unknown;
}

/**
 * A service app's sign-in. The assertion is signed with exactly one of a `privateKey` held in the secret or an AWS
 * KMS asymmetric key (`kmsKeyId`: a key id, key ARN, alias name or alias ARN) whose private key never leaves KMS.
 */
export type ClientCredentialsAuth = {
  type: 'client-credentials';
  clientId: string;
  /** The `kid` of the public key registered with the Okta app (from `keyId`, or the JWK's own `kid`). */
  keyId: string;
  scopes: string[];
} & ({ privateKey: StoredPrivateKey; kmsKeyId?: undefined } | { kmsKeyId: string; privateKey?: undefined });

export interface AuthorizationCodeAuth {
  type: 'authorization-code';
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Absent until the first consent (`/oauth/authorize`) has run. */
  refreshToken?: string;
}

export interface Connection {
  name: string;
  /** Normalised origin, e.g. `https://acme.okta.com`. */
  baseUrl: string;
  auth: ApiTokenAuth | ClientCredentialsAuth | AuthorizationCodeAuth;
}

export interface ConnectionDeps {
  secrets?: SecretsManagerClient;
  now?: () => number;
  cfg?: Config;
}

/** Connection names become secret names; keep them to the characters Secrets Manager allows, without slashes. */
const NAME = /^[A-Za-z0-9_+=.@-]{1,128}$/;

const cache = new Map<string, { connection: Promise<Connection>; expiresAt: number }>();

/** Loads a connection by name (the default connection without one), from the container cache when fresh. */
export function loadConnection(name?: string, deps: ConnectionDeps = {}): Promise<Connection> {
  const cfg = deps.cfg ?? config();
  const now = deps.now ?? Date.now;
  const connectionName = name ?? cfg.defaultConnection;
  if (!NAME.test(connectionName)) {
    return Promise.reject(new UnknownConnection('A connection name has only letters, digits and _+=.@- (at most 128)'));
  }
  // Refused here, not by IAM: a GetSecretValue outside the role's ARNs is AccessDenied, which is no caller's error.
  if (!isConfiguredConnection(connectionName, cfg)) {
    return Promise.reject(new UnknownConnection(`No connection "${connectionName}" is configured in this deployment`));
  }
  const key = cfg.connectionSecretPrefix + connectionName;
  const cached = cache.get(key);
  if (cached && cached.expiresAt > now()) return cached.connection;

  const connection = readConnection(connectionName, key, deps.secrets ?? secretsManager(), cfg);
  cache.set(key, { connection, expiresAt: now() + cfg.connectionCacheSeconds * 1000 });
  // A failed load is not cached: the next call tries again (the secret may be created or fixed meanwhile).
  connection.catch(() => {
    if (cache.get(key)?.connection === connection) cache.delete(key);
  });
  return connection;
}

/** Empties the container cache (tests, and after writing a secret). */
export function clearConnectionCache(): void {
  cache.clear();
}

/**
 * The sign-in state of an authorization-code connection that its containers share through its secret: the refresh
 * token, and the access token the last renewal obtained, so other containers use it instead of renewing
 * (docs/ARCHITECTURE.md "Refresh-token rotation across containers").
 */
export interface StoredSignIn {
  refreshToken?: string;
  accessToken?: SharedAccessToken;
  /** The whole secret as read, so that a write keeps every other field as it is. */
  secret: Record<string, unknown>;
}

/** An access token as stored in the secret (`auth.accessToken`); epoch ms inside, ISO 8601 in the secret. */
export interface SharedAccessToken {
  token: string;
  expiresAt: number;
  /** When a container should renew it instead of using it (a margin before `expiresAt`). */
  renewAt: number;
}

/** Reads the connection's sign-in state from its secret now, past the container cache. */
export async function readStoredSignIn(connection: Connection, deps: ConnectionDeps = {}): Promise<StoredSignIn> {
  const cfg = deps.cfg ?? config();
  const secretId = cfg.connectionSecretPrefix + connection.name;
  const secret = parseJson(
    connection.name,
    await getSecretString(connection.name, secretId, deps.secrets ?? secretsManager()),
  );
  const auth = isObject(secret.auth) ? secret.auth : {};
  const stored: StoredSignIn = { secret };
  if (typeof auth.refreshToken === 'string' && auth.refreshToken !== '') stored.refreshToken = auth.refreshToken;
  const accessToken = sharedAccessTokenOf(auth.accessToken);
  if (accessToken) stored.accessToken = accessToken;
  return stored;
}

/**
 * Writes a renewal's refresh token and shared access token (none: the field is removed) over the secret as
 * `basedOn` read it: one `PutSecretValue`.
 */
export async function writeStoredSignIn(
  connection: Connection,
  basedOn: StoredSignIn,
  signIn: { refreshToken: string; accessToken?: SharedAccessToken },
  deps: ConnectionDeps = {},
): Promise<void> {
  const cfg = deps.cfg ?? config();
  const secrets = deps.secrets ?? secretsManager();
  const secretId = cfg.connectionSecretPrefix + connection.name;
  const { accessToken: _replaced, ...auth } = isObject(basedOn.secret.auth) ? basedOn.secret.auth : {};
  const accessToken = signIn.accessToken && {
    token: signIn.accessToken.token,
    expiresAt: new Date(signIn.accessToken.expiresAt).toISOString(),
    renewAt: new Date(signIn.accessToken.renewAt).toISOString(),
  };
  const updated = {
    ...basedOn.secret,
    auth: { ...auth, refreshToken: signIn.refreshToken, ...(accessToken ? { accessToken } : {}) },
  };
  try {
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(updated) }));
  } catch (error) {
    throw new InternalError(`Connection "${connection.name}": could not write the new refresh token to its secret`, {
      cause: error,
    });
  }
  // The loaded connection (the cached object) now says what the secret says.
  if (connection.auth.type === 'authorization-code') connection.auth.refreshToken = signIn.refreshToken;
}

/**
 * Writes the refresh token of a new consent into the connection's secret, keeping every other field as it is in
 * the secret now (read again, so a field changed by an operator since the load is not overwritten). A shared
 * access token of the previous consent is removed.
 */
export async function saveRefreshToken(
  connection: Connection,
  refreshToken: string,
  deps: ConnectionDeps = {},
): Promise<void> {
  await writeStoredSignIn(connection, await readStoredSignIn(connection, deps), { refreshToken }, deps);
}

/** A stored shared access token, or undefined when there is none or it is not well formed (it is only a cache). */
function sharedAccessTokenOf(value: unknown): SharedAccessToken | undefined {
  if (!isObject(value) || typeof value.token !== 'string' || value.token === '') return undefined;
  const expiresAt = Date.parse(String(value.expiresAt));
  const renewAt = Date.parse(String(value.renewAt));
  if (!Number.isFinite(expiresAt) || !Number.isFinite(renewAt)) return undefined;
  return { token: value.token, expiresAt, renewAt };
}

async function readConnection(
  name: string,
  secretId: string,
  secrets: SecretsManagerClient,
  cfg: Config,
): Promise<Connection> {
  const text = await getSecretString(name, secretId, secrets);
  return parseConnection(name, parseJson(name, text), cfg);
}

async function getSecretString(name: string, secretId: string, secrets: SecretsManagerClient): Promise<string> {
  try {
    const result = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (result.SecretString === undefined)
      throw malformed(name, 'the secret has no string value (a binary secret is not a connection)');
    return result.SecretString;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new UnknownConnection(`No connection "${name}" (no secret ${secretId})`);
    }
    if (error instanceof InternalError) throw error;
    throw new InternalError(`Connection "${name}": could not read its secret`, { cause: error });
  }
}

function parseJson(name: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the text; it must not reach a caller.
    throw malformed(name, 'the secret is not JSON');
  }
  if (!isObject(value)) throw malformed(name, 'the secret is not a JSON object');
  return value;
}

/** Checks a parsed secret against docs/CONTRACT.md §4; the error names the first bad field. */
export function parseConnection(name: string, secret: Record<string, unknown>, cfg: Config = config()): Connection {
  if (typeof secret.domain !== 'string') throw malformed(name, 'domain is required (e.g. "acme.okta.com")');
  let baseUrl: string;
  try {
    baseUrl = oktaBaseUrl(secret.domain, { allowInsecureLocalOkta: cfg.allowInsecureLocalOkta });
  } catch (error) {
    if (error instanceof InvalidOktaDomain) throw malformed(name, `domain ${error.message}`);
    throw error;
  }
  const warning = domainWarning(baseUrl);
  if (warning) logger.warn('Connection outside Okta domains', { connection: name, warning });
  const connection: Connection = { name, baseUrl, auth: parseAuth(name, secret.auth) };
  // The hook secret moved to its own secret (functions/lib/hook-secrets.ts) so the hook never reads this one; an old
  // field here is no longer read, and nothing fails because of it (docs/TRIGGERS.md "Moving the hook secret").
  if (secret.eventHookSecret !== undefined || secret.previousEventHookSecret !== undefined) {
    logger.warn('Connection secret still holds eventHookSecret, which is no longer read', {
      connection: name,
      fix: `okta-connector hooks migrate ${name}`,
    });
  }
  return connection;
}

function parseAuth(name: string, auth: unknown): Connection['auth'] {
  if (!isObject(auth)) throw malformed(name, 'auth is required (an object with a "type")');
  switch (auth.type) {
    case 'api-token':
      return { type: 'api-token', token: requiredString(name, auth, 'token') };
    case 'client-credentials':
      return parseClientCredentials(name, auth);
    case 'authorization-code': {
      const parsed: AuthorizationCodeAuth = {
        type: 'authorization-code',
        clientId: requiredString(name, auth, 'clientId'),
        clientSecret: requiredString(name, auth, 'clientSecret'),
        scopes: scopes(name, auth),
      };
      const refreshToken = optionalString(name, auth, 'refreshToken', 'auth.refreshToken');
      if (refreshToken !== undefined) parsed.refreshToken = refreshToken;
      return parsed;
    }
    default:
      throw malformed(name, 'auth.type must be "api-token", "client-credentials" or "authorization-code"');
  }
}

function parseClientCredentials(name: string, auth: Record<string, unknown>): ClientCredentialsAuth {
  const present = (field: string) => auth[field] !== undefined && auth[field] !== null;
  if (present('privateKey') && present('kmsKeyId')) {
    throw malformed(name, 'auth has both privateKey and kmsKeyId: give exactly one of them');
  }
  if (!present('privateKey') && !present('kmsKeyId')) {
    throw malformed(
      name,
      'auth.privateKey or auth.kmsKeyId is required (the private key, or the AWS KMS key holding it)',
    );
  }
  const base = { type: 'client-credentials' as const, clientId: requiredString(name, auth, 'clientId') };
  const keyIdField = optionalString(name, auth, 'keyId', 'auth.keyId');
  const missingKeyId = (hint: string) =>
    malformed(name, `auth.keyId is required (the kid of the key registered with the Okta app${hint})`);
  if (present('kmsKeyId')) {
    const kmsKeyId = auth.kmsKeyId;
    if (typeof kmsKeyId !== 'string' || !KMS_KEY_ID.test(kmsKeyId)) {
      throw malformed(name, 'auth.kmsKeyId must be a KMS key id, key ARN, alias name (alias/...) or alias ARN');
    }
    if (keyIdField === undefined) throw missingKeyId('; `connections add --kms-key-id` prints it');
    return { ...base, kmsKeyId, keyId: keyIdField, scopes: scopes(name, auth) };
  }
  const privateKey = parsePrivateKey(name, auth.privateKey);
  const keyId = keyIdField ?? (typeof privateKey === 'string' ? undefined : privateKey.kid);
  if (keyId === undefined) throw missingKeyId('');
  return { ...base, privateKey, keyId, scopes: scopes(name, auth) };
}

/** What KMS takes as a `KeyId`: a key id (or multi-Region `mrk-` id), a key ARN, an alias name or an alias ARN. */
const KMS_KEY_ID =
  /^(?:arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/[A-Za-z0-9-]{1,64}|alias\/[A-Za-z0-9/_-]{1,250})|alias\/[A-Za-z0-9/_-]{1,250}|mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function parsePrivateKey(name: string, value: unknown): StoredPrivateKey {
  const problem = 'auth.privateKey is not a PEM or JWK private key';
  let key: unknown = value;
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    try {
      key = JSON.parse(value);
    } catch {
      throw malformed(name, problem);
    }
  }
  try {
    if (typeof key === 'string') {
      if (createPrivateKey(key).type !== 'private') throw new Error('not private');
      return key;
    }
    if (isObject(key) && typeof key.kty === 'string' && typeof key.d === 'string') {
      createPrivateKey({ key: key as never, format: 'jwk' });
      return key as PrivateJwk;
    }
  } catch {
    // node:crypto's message may describe the key material; the caller only learns which field is wrong.
  }
  throw malformed(name, problem);
}

function scopes(name: string, auth: Record<string, unknown>): string[] {
  const value = auth.scopes;
  if (!Array.isArray(value) || value.length === 0 || !value.every((s) => typeof s === 'string' && /^\S+$/.test(s))) {
    throw malformed(name, 'auth.scopes must be a non-empty array of scope names, e.g. ["okta.users.read"]');
  }
  return value as string[];
}

function requiredString(name: string, auth: Record<string, unknown>, field: string): string {
  const value = auth[field];
  if (typeof value !== 'string' || value.trim() === '')
    throw malformed(name, `auth.${field} is required (a non-empty string)`);
  return value;
}

function optionalString(
  name: string,
  object: Record<string, unknown>,
  field: string,
  path = field,
): string | undefined {
  const value = object[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw malformed(name, `${path} must be a non-empty string`);
  return value;
}

function malformed(name: string, problem: string): InternalError {
  return new InternalError(`Connection "${name}": ${problem}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
