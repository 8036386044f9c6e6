/**
 * `okta-connector connections add|test|list`: writes, checks and lists connection secrets (docs/CONTRACT.md §4) in
 * Secrets Manager: the running sandbox's by default, or your AWS account's with `--aws` (standard AWS settings).
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { secretsManager } from '../functions/lib/aws-clients.js';
import { config } from '../functions/lib/config.js';
import { kmsPublicJwk } from '../functions/lib/auth/kms-signing-key.js';
import { clearConnectionCache, parseConnection } from '../functions/lib/connections.js';
import { isConnectorError } from '../functions/lib/errors.js';
import {
  hookSecretName,
  MANUAL_VERIFICATION_WINDOW_MS,
  MIN_HOOK_SECRET_LENGTH,
  newHookSecret,
  writeHookSecrets,
} from '../functions/lib/hook-secrets.js';
import { oktaClient } from '../functions/lib/okta/client-cache.js';
import { chooseAwsTarget, CliError, parseCommand, secretReader, UsageError, type Output } from './cli-support.js';
import { consent } from './consent.js';

export const CONNECTIONS_HELP = `Usage: okta-connector connections <add|test|list|consent> [options]

  add <name> --domain <acme.okta.com> <credentials> [<event hook secret>] [--replace]
      credentials, one of:
        --api-token-file <file|->                                     an SSWS API token
        --client-id <id> --private-key-file <pem|jwk> --key-id <kid> [--scopes a,b]   client credentials
        --client-id <id> --kms-key-id <key id|ARN|alias> [--key-id <kid>] [--scopes a,b]
                                                                      client credentials, the key held in AWS KMS
                                                                      (prints the public JWK to register in the app)
        --client-id <id> --client-secret-file <file|-> --scopes a,b   authorization code (then: connections consent <name>)
      event hook secret (stored as <prefix><name>/event-hook), at most one of:
        --generate-event-hook-secret        32 random bytes, printed once: give them to Okta as the hook's secret
        --event-hook-secret-file <file|->   your own, at least ${MIN_HOOK_SECRET_LENGTH} characters
      Secrets are read from a file, or from standard input with -, never from the command line.
      --replace   overwrite a connection (or hook secret) that exists; without it, an existing one is refused
  test <name>     signs in and reads one user (GET /api/v1/users/me with a token, one listed user otherwise)
  list            the connections: name, domain, sign-in type
  consent <name>  starts the consent of an authorization-code connection: prints a one-time URL (consent --help)

  --json          add, list and test: the answer as JSON, for scripts
  --aws           use your AWS account (standard AWS_* settings) even when \`npm start\` is running
  Secrets are named ${'`'}<CONNECTION_SECRET_PREFIX><name>${'`'} (default okta-connector/<name>).`;

const DEFAULT_SCOPES = 'okta.users.manage,okta.groups.manage,okta.apps.read,okta.logs.read';

/** Flags that once took a secret on the command line: refused, with the flag that replaces each. */
const secretOnCommandLine = {
  'api-token': 'api-token-file',
  'client-secret': 'client-secret-file',
  'event-hook-secret': 'event-hook-secret-file',
} as const;

export async function connections(args: string[], output: Output): Promise<void> {
  // `consent` has options of its own (bin/consent.ts).
  if (args[0] === 'consent') return consent(args.slice(1), output);
  const { values, positionals } = parseCommand(args, {
    domain: { type: 'string' },
    'api-token-file': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret-file': { type: 'string' },
    'private-key-file': { type: 'string' },
    'kms-key-id': { type: 'string' },
    'key-id': { type: 'string' },
    scopes: { type: 'string' },
    'event-hook-secret-file': { type: 'string' },
    'generate-event-hook-secret': { type: 'boolean' },
    replace: { type: 'boolean' },
    'api-token': { type: 'string' },
    'client-secret': { type: 'string' },
    'event-hook-secret': { type: 'string' },
    aws: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const [subcommand, name] = positionals;
  if (values.help || subcommand === undefined) return output.out(CONNECTIONS_HELP);
  chooseAwsTarget(values.aws === true, output);
  const json = values.json === true;
  if (subcommand === 'list') return list(output, json);
  if (!name) throw new UsageError(`name the connection: okta-connector connections ${subcommand} <name>`);
  if (subcommand === 'add')
    return add(name, await secretFromFlags(values, secretReader(output)), values.replace === true, output, json);
  if (subcommand === 'test') return test(name, output, json);
  throw new UsageError(`unknown subcommand "${subcommand}"; use add, test or list`);
}

type Flags = Partial<
  Record<
    | 'domain'
    | 'api-token-file'
    | 'client-id'
    | 'client-secret-file'
    | 'private-key-file'
    | 'kms-key-id'
    | 'key-id'
    | 'scopes'
    | 'event-hook-secret-file'
    | keyof typeof secretOnCommandLine,
    string
  > & { 'generate-event-hook-secret': boolean }
>;

/** A connection to write: its secret's JSON, and the hook secret when one was asked for. */
export interface NewConnection {
  secret: Record<string, unknown>;
  hookSecret?: { value: string; generated: boolean };
}

/** The connection from the flags, its secrets read with `readSecret`; a UsageError says which flags are wrong. */
export async function secretFromFlags(
  flags: Flags,
  readSecret: (source: string, flag: string) => Promise<string>,
): Promise<NewConnection> {
  for (const [flag, instead] of Object.entries(secretOnCommandLine)) {
    if (flags[flag as keyof typeof secretOnCommandLine] !== undefined)
      throw new UsageError(
        `--${flag} would put the secret in your shell history and the process list: use --${instead} <file>, or --${instead} - to read it from standard input`,
      );
  }
  if (!flags.domain) throw new UsageError('--domain is required (e.g. --domain acme.okta.com)');
  const scopes = (flags.scopes ?? DEFAULT_SCOPES).split(/[\s,]+/).filter(Boolean);
  let auth: Record<string, unknown>;
  if (flags['private-key-file'] && flags['kms-key-id'])
    throw new UsageError('give --private-key-file or --kms-key-id, not both: the key is in a file or in AWS KMS');
  if (flags['api-token-file']) {
    auth = { type: 'api-token', token: await readSecret(flags['api-token-file'], 'api-token-file') };
  } else if (flags['client-id'] && flags['kms-key-id']) {
    // Without --key-id, `add` names the key by its JWK thumbprint once it has read the public key.
    auth = {
      type: 'client-credentials',
      clientId: flags['client-id'],
      kmsKeyId: flags['kms-key-id'],
      ...(flags['key-id'] ? { keyId: flags['key-id'] } : {}),
      scopes,
    };
  } else if (flags['client-id'] && flags['private-key-file']) {
    if (!flags['key-id'])
      throw new UsageError(
        '--key-id is required with --private-key-file (the kid of the public key registered in Okta)',
      );
    auth = {
      type: 'client-credentials',
      clientId: flags['client-id'],
      privateKey: (await readSecret(flags['private-key-file'], 'private-key-file')).trim(),
      keyId: flags['key-id'],
      scopes,
    };
  } else if (flags['client-id'] && flags['client-secret-file']) {
    auth = {
      type: 'authorization-code',
      clientId: flags['client-id'],
      clientSecret: await readSecret(flags['client-secret-file'], 'client-secret-file'),
      scopes,
    };
  } else {
    throw new UsageError(
      'give the credentials: --api-token-file, or --client-id with --private-key-file and --key-id, or --client-id with --kms-key-id, or --client-id with --client-secret-file',
    );
  }
  const connection: NewConnection = { secret: { domain: flags.domain, auth } };
  if (flags['generate-event-hook-secret'] && flags['event-hook-secret-file'])
    throw new UsageError('give at most one of --generate-event-hook-secret and --event-hook-secret-file');
  if (flags['generate-event-hook-secret']) connection.hookSecret = { value: newHookSecret(), generated: true };
  if (flags['event-hook-secret-file']) {
    const value = await readSecret(flags['event-hook-secret-file'], 'event-hook-secret-file');
    if (value.length < MIN_HOOK_SECRET_LENGTH)
      throw new UsageError(
        `--event-hook-secret-file: an event hook secret must be at least ${MIN_HOOK_SECRET_LENGTH} characters (or let --generate-event-hook-secret make one)`,
      );
    connection.hookSecret = { value, generated: false };
  }
  return connection;
}

async function add(
  name: string,
  fields: NewConnection,
  replace: boolean,
  output: Output,
  json: boolean,
): Promise<void> {
  const publicJwk = await kmsKeyOf(name, fields.secret);
  const connection = checked(() => parseConnection(name, fields.secret));
  const secretId = config().connectionSecretPrefix + name;
  if (!replace) {
    for (const existing of [secretId, ...(fields.hookSecret ? [hookSecretName(name)] : [])]) {
      if (await secretExists(existing))
        throw new CliError(`${existing} exists already; run again with --replace to overwrite it`);
    }
  }
  const value = JSON.stringify(fields.secret);
  try {
    await secretsManager().send(
      new CreateSecretCommand({
        Name: secretId,
        SecretString: value,
        Description: `okta-connector connection ${name}`,
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw awsFailure(error);
    await secretsManager()
      .send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }))
      .catch((e: unknown) => {
        throw awsFailure(e);
      });
  }
  if (fields.hookSecret) {
    await writeHookSecrets(name, {
      eventHookSecret: fields.hookSecret.value,
      domain: connection.baseUrl,
      // Open for a day: the admin registers and verifies the hook in the Admin Console (or runs hooks register).
      verificationOpenUntil: Date.now() + MANUAL_VERIFICATION_WINDOW_MS,
    }).catch((e: unknown) => {
      throw awsFailure(e);
    });
  }
  if (json) {
    const saved = { connection: name, secretId, baseUrl: connection.baseUrl, auth: connection.auth.type };
    const withKey = publicJwk ? { ...saved, publicJwk } : saved;
    return output.out(
      JSON.stringify(
        fields.hookSecret?.generated ? { ...withKey, eventHookSecret: fields.hookSecret.value } : withKey,
        null,
        2,
      ),
    );
  }
  output.out(
    `Saved connection "${name}": ${connection.baseUrl}, ${connection.auth.type} (secret ${secretId}). Check it with: okta-connector connections test ${name}`,
  );
  if (publicJwk) {
    output.out(
      `Register this public key with the Okta app (the app's General tab in the Admin Console, or POST /api/v1/apps/{appId}/credentials/jwks), then test it:\n${JSON.stringify(publicJwk, null, 2)}`,
    );
  }
  if (fields.hookSecret?.generated) {
    output.out(
      `Event hook secret (${hookSecretName(name)}), shown this once: ${fields.hookSecret.value}\nGive it to Okta as the hook's Authorization value, or let \`okta-connector hooks register ${name}\` register the hook.`,
    );
  }
}

/**
 * The public JWK of the connection's KMS key (none for other sign-ins), read with `kms:GetPublicKey`, which also
 * checks that the key can sign an assertion. Its `kid` is `--key-id` when given, else the key's thumbprint, which
 * then becomes the secret's `keyId`.
 */
async function kmsKeyOf(name: string, secret: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  const auth = secret.auth as Record<string, unknown>;
  const kmsKeyId = auth.kmsKeyId;
  if (typeof kmsKeyId !== 'string') return undefined;
  // Every other field is checked before KMS is asked (the kid is not known yet: it stands in).
  checked(() => parseConnection(name, { ...secret, auth: { ...auth, keyId: auth.keyId ?? 'from-the-key' } }));
  const jwk = await kmsPublicJwk(kmsKeyId, { connection: name }).catch((error: unknown) => {
    const cause = isConnectorError(error) ? error.cause : error;
    if (cause instanceof Error && /credential/i.test(cause.name + cause.message)) throw awsFailure(cause);
    const problem = isConnectorError(error)
      ? error.message.replace(/^Sign-in of connection "[^"]*" failed: /, '')
      : String(error);
    throw new CliError(`${problem} (--kms-key-id ${kmsKeyId})`);
  });
  auth.keyId ??= jwk.kid;
  return { ...jwk, kid: auth.keyId };
}

async function secretExists(secretId: string): Promise<boolean> {
  try {
    await secretsManager().send(new DescribeSecretCommand({ SecretId: secretId }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw awsFailure(error);
  }
}

async function test(name: string, output: Output, json: boolean): Promise<void> {
  clearConnectionCache();
  const okta = await checkedAsync(() => oktaClient(name));
  const { baseUrl, auth } = okta.connection;
  const report = (text: string, login?: string, usersRead?: number) =>
    output.out(
      json ? JSON.stringify({ connection: name, baseUrl, auth: auth.type, ok: true, login, usersRead }) : text,
    );
  if (auth.type === 'api-token') {
    const me = await checkedAsync(() =>
      okta.request<{ profile?: { login?: string } }>({ method: 'GET', path: '/api/v1/users/me' }),
    );
    const login = me.body.profile?.login;
    return report(
      `OK: connection "${name}" signed in to ${baseUrl} as ${login ?? 'the token owner'} (api-token).`,
      login,
    );
  }
  const listed = await checkedAsync(() =>
    okta.request<unknown[]>({ method: 'GET', path: '/api/v1/users', query: { limit: 1 } }),
  );
  report(
    `OK: connection "${name}" signed in to ${baseUrl} (${auth.type}) and read ${listed.body.length} user.`,
    undefined,
    listed.body.length,
  );
}

/** One line of `connections list`, or its object with `--json`. */
interface ListedConnection {
  name: string;
  baseUrl?: string;
  auth?: string;
  eventHookSecret?: boolean;
  /** Why the secret could not be read as a connection (the field at fault, never the secret). */
  error?: string;
}

async function list(output: Output, json: boolean): Promise<void> {
  const prefix = config().connectionSecretPrefix;
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await secretsManager()
      .send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }], NextToken: nextToken }))
      .catch((e: unknown) => {
        throw awsFailure(e);
      });
    names.push(...(page.SecretList ?? []).map((s) => s.Name ?? '').filter((n) => n.startsWith(prefix)));
    nextToken = page.NextToken;
  } while (nextToken);
  // `<prefix><name>/event-hook` is a connection's hook secret, not a connection (connection names hold no `/`).
  const hookSecrets = new Set(
    names.filter((n) => n.endsWith('/event-hook')).map((n) => n.slice(0, -'/event-hook'.length)),
  );
  names.splice(0, names.length, ...names.filter((n) => !n.slice(prefix.length).includes('/')));
  if (names.length === 0 && !json)
    return output.out(
      `No connections (no secret named ${prefix}*). Add one: okta-connector connections add <name> --domain … --api-token-file …`,
    );
  const listed: ListedConnection[] = [];
  for (const secretName of names) {
    const name = secretName.slice(prefix.length);
    listed.push(
      await secretsManager()
        .send(new GetSecretValueCommand({ SecretId: secretName }))
        .then((s): ListedConnection => {
          const connection = parseConnection(name, JSON.parse(s.SecretString ?? '') as Record<string, unknown>);
          return {
            name,
            baseUrl: connection.baseUrl,
            auth: connection.auth.type,
            eventHookSecret: hookSecrets.has(secretName),
          };
        })
        .catch(() => ({ name, error: 'malformed secret' })),
    );
  }
  if (json) return output.out(JSON.stringify(listed, null, 2));
  for (const connection of listed) {
    const summary = connection.error
      ? `${connection.error}: run \`okta-connector connections test ${connection.name}\` to see the bad field`
      : `${connection.baseUrl}  ${connection.auth}${connection.eventHookSecret ? '  event hook secret set' : ''}`;
    output.out(`${connection.name}  ${summary}`);
  }
}

/** Runs a check that throws the connector's typed errors, and turns them into messages that say what to do. */
function checked<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw explain(error);
  }
}

async function checkedAsync<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw explain(error);
  }
}

function explain(error: unknown): Error {
  if (!isConnectorError(error)) return awsFailure(error);
  const hints: Partial<Record<string, string>> = {
    UnknownConnection:
      'list them with `okta-connector connections list`, add one with `okta-connector connections add`',
    OktaAuthFailed: 'check the token or key, and that the Okta app has the scopes granted',
    OktaForbidden: "give the app or the token's admin the scopes and admin role the actions need",
    OktaUnavailable: 'check the domain and that the org is reachable',
  };
  const hint = hints[error.name];
  return new CliError(`${error.name}: ${error.message}${hint ? `; ${hint}` : ''}`);
}

function awsFailure(error: unknown): Error {
  if (error instanceof CliError || error instanceof UsageError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (/credential/i.test(name + message)) {
    return new CliError(
      `no AWS credentials: start the sandbox with \`npm start\`, or configure AWS (AWS_PROFILE, AWS_REGION) and pass --aws (${message})`,
    );
  }
  return new CliError(`Secrets Manager failed: ${name}: ${message}`);
}
