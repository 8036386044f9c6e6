/**
 * `okta-connector connections add|test|list`: writes, checks and lists connection secrets (docs/CONTRACT.md §4) in
 * Secrets Manager: the running sandbox's by default, or your AWS account's with `--aws` (standard AWS settings).
 */
import { readFileSync } from 'node:fs';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
} from '@aws-sdk/client-secrets-manager';
import { secretsManager } from '../functions/lib/aws-clients.js';
import { config } from '../functions/lib/config.js';
import { clearConnectionCache, parseConnection } from '../functions/lib/connections.js';
import { isConnectorError } from '../functions/lib/errors.js';
import { oktaClient } from '../functions/lib/okta/client-cache.js';
import { chooseAwsTarget, CliError, parseCommand, UsageError, type Output } from './cli-support.js';
import { consent } from './consent.js';

export const connectionsHelp = `Usage: okta-connector connections <add|test|list|consent> [options]

  add <name> --domain <acme.okta.com> <credentials> [--event-hook-secret <value>]
      credentials, one of:
        --api-token <token>                                        an SSWS API token
        --client-id <id> --private-key-file <pem|jwk> --key-id <kid> [--scopes a,b]   client credentials
        --client-id <id> --client-secret <secret> --scopes a,b     authorization code (then: connections consent <name>)
  test <name>     signs in and reads one user (GET /api/v1/users/me with a token, one listed user otherwise)
  list            the connections: name, domain, sign-in type
  consent <name>  starts the consent of an authorization-code connection: prints a one-time URL (consent --help)

  --json          list and test: the answer as JSON, for scripts
  --aws           use your AWS account (standard AWS_* settings) even when \`npm start\` is running
  Secrets are named ${'`'}<CONNECTION_SECRET_PREFIX><name>${'`'} (default okta-connector/<name>).`;

const defaultScopes = 'okta.users.manage,okta.groups.manage,okta.apps.read,okta.logs.read';

export async function connections(args: string[], output: Output): Promise<void> {
  // `consent` has options of its own (bin/consent.ts).
  if (args[0] === 'consent') return consent(args.slice(1), output);
  const { values, positionals } = parseCommand(args, {
    domain: { type: 'string' },
    'api-token': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'private-key-file': { type: 'string' },
    'key-id': { type: 'string' },
    scopes: { type: 'string' },
    'event-hook-secret': { type: 'string' },
    aws: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const [subcommand, name] = positionals;
  if (values.help || subcommand === undefined) return output.out(connectionsHelp);
  chooseAwsTarget(values.aws === true, output);
  const json = values.json === true;
  if (subcommand === 'list') return list(output, json);
  if (!name) throw new UsageError(`name the connection: okta-connector connections ${subcommand} <name>`);
  if (subcommand === 'add') return add(name, secretFromFlags(values), output);
  if (subcommand === 'test') return test(name, output, json);
  throw new UsageError(`unknown subcommand "${subcommand}"; use add, test or list`);
}

type Flags = Partial<
  Record<
    | 'domain'
    | 'api-token'
    | 'client-id'
    | 'client-secret'
    | 'private-key-file'
    | 'key-id'
    | 'scopes'
    | 'event-hook-secret',
    string
  >
>;

/** The secret's JSON from the flags; a UsageError says which flags are missing. */
export function secretFromFlags(flags: Flags): Record<string, unknown> {
  if (!flags.domain) throw new UsageError('--domain is required (e.g. --domain acme.okta.com)');
  const scopes = (flags.scopes ?? defaultScopes).split(/[\s,]+/).filter(Boolean);
  let auth: Record<string, unknown>;
  if (flags['api-token']) {
    auth = { type: 'api-token', token: flags['api-token'] };
  } else if (flags['client-id'] && flags['private-key-file']) {
    if (!flags['key-id'])
      throw new UsageError(
        '--key-id is required with --private-key-file (the kid of the public key registered in Okta)',
      );
    auth = {
      type: 'client-credentials',
      clientId: flags['client-id'],
      privateKey: readKey(flags['private-key-file']),
      keyId: flags['key-id'],
      scopes,
    };
  } else if (flags['client-id'] && flags['client-secret']) {
    auth = { type: 'authorization-code', clientId: flags['client-id'], clientSecret: flags['client-secret'], scopes };
  } else {
    throw new UsageError(
      'give the credentials: --api-token, or --client-id with --private-key-file and --key-id, or --client-id with --client-secret',
    );
  }
  return {
    domain: flags.domain,
    auth,
    ...(flags['event-hook-secret'] ? { eventHookSecret: flags['event-hook-secret'] } : {}),
  };
}

function readKey(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new UsageError(`cannot read the private key file ${file}`);
  }
}

async function add(name: string, secret: Record<string, unknown>, output: Output): Promise<void> {
  const connection = checked(() => parseConnection(name, secret));
  const secretId = config().connectionSecretPrefix + name;
  const value = JSON.stringify(secret);
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
  output.out(
    `Saved connection "${name}": ${connection.baseUrl}, ${connection.auth.type} (secret ${secretId}). Check it with: okta-connector connections test ${name}`,
  );
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
  if (names.length === 0 && !json)
    return output.out(
      `No connections (no secret named ${prefix}*). Add one: okta-connector connections add <name> --domain … --api-token …`,
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
            eventHookSecret: connection.eventHookSecret !== undefined,
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
