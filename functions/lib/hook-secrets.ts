/**
 * The event hook's secrets (docs/RELIABILITY.md, Security): one Secrets Manager secret per connection, named
 * `<prefix><connection>/event-hook`, holding `{"eventHookSecret": "…", "previousEventHookSecret"?: "…"}`. They live
 * apart from the connection's secret so that the internet-facing hook function can be given these and nothing else:
 * its role reads only the `…/event-hook` ARNs, never an API token, private key or refresh token.
 *
 * Loading is cached per container. A loaded secret is kept for `connectionCacheSeconds`; a failure (no such secret,
 * a malformed one, AWS refusing) is kept for `negativeCacheMs`, so a flood of requests naming a connection without
 * a hook secret costs one `GetSecretValue` per container per window, not one per request.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { secretsManager } from './aws-clients.js';
import { config, type Config } from './config.js';
import { InternalError, UnknownConnection } from './errors.js';

export interface HookSecrets {
  /** The `Authorization` value Okta sends to the event hook. */
  eventHookSecret: string;
  /** Accepted as well while a rotation is under way (`okta-connector hooks rotate`). */
  previousEventHookSecret?: string;
  /**
   * The connection's org (`acme.okta.com` or its URL), not a secret: a delivery's envelope must come from it. Kept
   * here because the hook function may not read the connection's own secret.
   */
  domain?: string;
  /**
   * Epoch ms until which the hook answers Okta's one-time verification GET (issue 14 item 6). Written by whoever
   * registers the hook (`hooks register` and `rotate` open it for the verification and close it after; `connections
   * add` opens it for a day, for a hook registered in the Admin Console). Unset: open (a secret written by hand).
   */
  verificationOpenUntil?: number;
}

export interface HookSecretDeps {
  secrets?: SecretsManagerClient;
  now?: () => number;
  cfg?: Config;
}

/** How long a failed load is remembered before Secrets Manager is asked again. */
export const NEGATIVE_CACHE_MS = 10_000;
/**
 * How soon after a load a secret that did not match may read Secrets Manager again (a rotation since the load):
 * Okta sends the new secret as soon as it has it, and a refused delivery is not retried; wrong secrets cost at most
 * one read per second per container.
 */
export const REFRESH_MIN_INTERVAL_MS = 1_000;
/** How long `hooks register` and `rotate` keep the verification open: Okta verifies within seconds of the call. */
export const VERIFICATION_WINDOW_MS = 10 * 60_000;
/** How long `connections add` keeps it open, for a hook an admin registers and verifies in the Admin Console. */
export const MANUAL_VERIFICATION_WINDOW_MS = 24 * 3_600_000;

/** Whether the hook may answer Okta's verification GET now. */
export function verificationOpen(secrets: HookSecrets, now: number): boolean {
  return secrets.verificationOpenUntil === undefined || now <= secrets.verificationOpenUntil;
}

/** The least length of a hook secret: 32 characters (a generated one is 32 random bytes, 43 in base64url). */
export const MIN_HOOK_SECRET_LENGTH = 32;

/** The name of a connection's hook secret. Connection names hold no `/`, so it never names another connection. */
export function hookSecretName(connection: string, cfg: Config = config()): string {
  return `${cfg.connectionSecretPrefix}${connection}/event-hook`;
}

/** A new hook secret: 32 random bytes in base64url (43 characters), generated, never typed. */
export function newHookSecret(): string {
  return randomBytes(32).toString('base64url');
}

const cache = new Map<string, { result: Promise<HookSecrets>; loadedAt: number; expiresAt: number }>();

/**
 * The connection's hook secrets, from the container cache when fresh. Rejects with `UnknownConnection` when the
 * connection has no hook secret, `InternalError` when it is malformed or cannot be read; either is remembered for
 * `negativeCacheMs`. `refresh: true` (a caller whose secret did not match: a rotation may have happened since the
 * load) reads a cached success again, at most once per `refreshMinIntervalMs`, so wrong secrets cannot hammer
 * Secrets Manager either; a cached failure is not read again before `negativeCacheMs`.
 */
export function loadHookSecrets(
  connection: string,
  deps: HookSecretDeps = {},
  options: { refresh?: boolean } = {},
): Promise<HookSecrets> {
  const cfg = deps.cfg ?? config();
  const now = deps.now ?? Date.now;
  const secretId = hookSecretName(connection, cfg);
  const cached = cache.get(secretId);
  const fresh = cached !== undefined && cached.expiresAt > now();
  if (fresh && (!options.refresh || now() - cached.loadedAt < REFRESH_MIN_INTERVAL_MS)) return cached.result;

  const result = readHookSecrets(connection, secretId, deps.secrets ?? secretsManager());
  const entry = { result, loadedAt: now(), expiresAt: now() + cfg.connectionCacheSeconds * 1000 };
  cache.set(secretId, entry);
  result.catch(() => {
    entry.expiresAt = Math.min(entry.expiresAt, entry.loadedAt + NEGATIVE_CACHE_MS);
  });
  return result;
}

/** Empties the container cache (tests, and after writing a hook secret). */
export function clearHookSecretCache(): void {
  cache.clear();
}

async function readHookSecrets(
  connection: string,
  secretId: string,
  secrets: SecretsManagerClient,
): Promise<HookSecrets> {
  let text: string | undefined;
  try {
    text = (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    if (error instanceof ResourceNotFoundException)
      throw new UnknownConnection(`Connection "${connection}" has no event hook secret (no secret ${secretId})`);
    throw new InternalError(`Connection "${connection}": could not read its event hook secret`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    // The parser's message quotes the text.
    throw malformed(connection, 'the secret is not JSON');
  }
  return parseHookSecrets(connection, value);
}

/** Checks a hook secret's JSON; the error names the bad field, never its value. */
export function parseHookSecrets(connection: string, value: unknown): HookSecrets {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(connection, 'the secret is not a JSON object');
  const fields = value as Record<string, unknown>;
  const current = fields.eventHookSecret;
  if (typeof current !== 'string' || current === '')
    throw malformed(connection, 'eventHookSecret is required (a non-empty string)');
  const parsed: HookSecrets = { eventHookSecret: current };
  const previous = fields.previousEventHookSecret;
  if (previous !== undefined && previous !== null) {
    if (typeof previous !== 'string' || previous === '')
      throw malformed(connection, 'previousEventHookSecret must be a non-empty string');
    parsed.previousEventHookSecret = previous;
  }
  const until = fields.verificationOpenUntil;
  if (until !== undefined && until !== null) {
    if (typeof until !== 'number' || !Number.isFinite(until))
      throw malformed(connection, 'verificationOpenUntil must be a time in epoch milliseconds');
    parsed.verificationOpenUntil = until;
  }
  const domain = fields.domain;
  if (domain !== undefined && domain !== null) {
    if (typeof domain !== 'string' || !isOrgName(domain))
      throw malformed(connection, 'domain must be the org, e.g. "acme.okta.com" or "https://acme.okta.com"');
    parsed.domain = domain;
  }
  return parsed;
}

function isOrgName(domain: string): boolean {
  try {
    return new URL(/^https?:\/\//i.test(domain) ? domain : `https://${domain}`).host !== '';
  } catch {
    return false;
  }
}

/** Whether the connection has a hook secret, read now past the cache (undefined when it has none). */
export async function readHookSecretsNow(
  connection: string,
  deps: HookSecretDeps = {},
): Promise<HookSecrets | undefined> {
  const cfg = deps.cfg ?? config();
  try {
    return await readHookSecrets(connection, hookSecretName(connection, cfg), deps.secrets ?? secretsManager());
  } catch (error) {
    if (error instanceof UnknownConnection) return undefined;
    throw error;
  }
}

/** Writes the connection's hook secrets: creates the secret, or puts a new version when it exists. */
export async function writeHookSecrets(
  connection: string,
  secrets: HookSecrets,
  deps: HookSecretDeps = {},
): Promise<void> {
  const cfg = deps.cfg ?? config();
  const client = deps.secrets ?? secretsManager();
  const secretId = hookSecretName(connection, cfg);
  const secretString = JSON.stringify(secrets);
  try {
    await client.send(
      new CreateSecretCommand({
        Name: secretId,
        SecretString: secretString,
        Description: `okta-connector event hook secret of connection ${connection}`,
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: secretString }));
  }
  cache.delete(secretId);
}

/** Where the connection's hook secret is read (past the cache) and written: the hooks' management uses it. */
export interface HookSecretStore {
  read(connection: string): Promise<HookSecrets | undefined>;
  write(connection: string, secrets: HookSecrets): Promise<void>;
}

/** The store in Secrets Manager (the default client, or the one of `deps`). */
export function secretsManagerHookStore(deps: HookSecretDeps = {}): HookSecretStore {
  return {
    read: (connection) => readHookSecretsNow(connection, deps),
    write: (connection, secrets) => writeHookSecrets(connection, secrets, deps),
  };
}

function malformed(connection: string, problem: string): InternalError {
  return new InternalError(`Connection "${connection}": event hook secret: ${problem}`);
}
