/**
 * `okta-connector hooks register|list|rotate|remove|migrate`: the connection's event hook in Okta, through Okta's
 * event hook API and the connection's own sign-in (functions/lib/hooks/event-hooks.ts), and its hook secret.
 * `migrate` moves a hook secret that an older version kept inside the connection secret into the connection's own
 * hook secret (`<prefix><name>/event-hook`), the only one the event hook function may read.
 */
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { secretsManager } from '../functions/lib/aws-clients.js';
import { config } from '../functions/lib/config.js';
import { clearConnectionCache } from '../functions/lib/connections.js';
import { isConnectorError } from '../functions/lib/errors.js';
import {
  hookSecretName,
  parseHookSecrets,
  readHookSecretsNow,
  secretsManagerHookStore,
  writeHookSecrets,
} from '../functions/lib/hook-secrets.js';
import { eventHookTypes, EVENT_TYPES_RELEASE } from '../functions/lib/hooks/event-hook-types.js';
import {
  ALL_ELIGIBLE,
  EventHookProblem,
  listHooks,
  registerHook,
  removeHook,
  resolveEventTypes,
  rotateHookSecret,
  type OktaEventHook,
} from '../functions/lib/hooks/event-hooks.js';
import { oktaClient } from '../functions/lib/okta/client-cache.js';
import type { OktaClient } from '../functions/lib/okta/types.js';
import { chooseAwsTarget, CliError, parseCommand, required, UsageError, type Output } from './cli-support.js';

export const HOOKS_HELP = `Usage: okta-connector hooks <register|list|rotate|remove|migrate> <connection> [options]

  register <connection> --url <EventHookUrl?connection=<connection>> [--types <a,b|all-eligible>]
                creates (or updates) the connection's Okta event hook with a generated secret (stored as the
                connection's hook secret, never printed), has Okta verify it and activates it; prints its id,
                status and types. --types: event types Okta allows in a hook (default ${ALL_ELIGIBLE}: the ${eventHookTypes.length}
                generally available eligible types of Okta's catalogue, release ${EVENT_TYPES_RELEASE})
  list <connection>     the org's event hooks: id, status, verification, name, URL, number of types
  rotate <connection>   a new secret: kept beside the old one until Okta has verified the new one, then alone
  remove <connection> [--url <url>]   deactivates and deletes the connection's hooks in Okta, or only the one at
                        --url (its hook secret stays)
  migrate <connection>  moves eventHookSecret (and previousEventHookSecret) out of the connection secret into the
                        connection's hook secret ${'`'}<prefix><connection>/event-hook${'`'}, all the event hook reads
                        since 0.2; --replace overwrites a hook secret that exists

  --json     register, list, rotate: the answer as JSON
  --aws      use your AWS account (standard AWS_* settings) even when \`npm start\` is running
  The Okta calls use the connection's own sign-in, which needs the scope okta.eventHooks.manage (an API token
  of an admin who may manage hooks).`;

export async function hooks(args: string[], output: Output): Promise<void> {
  const { values, positionals } = parseCommand(args, {
    url: { type: 'string' },
    types: { type: 'string' },
    replace: { type: 'boolean' },
    json: { type: 'boolean' },
    aws: { type: 'boolean' },
  });
  const [subcommand, name] = positionals;
  if (values.help || subcommand === undefined) return output.out(HOOKS_HELP);
  if (!name) throw new UsageError(`name the connection: okta-connector hooks ${subcommand} <connection>`);
  const json = values.json === true;
  chooseAwsTarget(values.aws === true, output);
  if (subcommand === 'migrate') return migrate(name, values.replace === true, output);
  if (subcommand === 'register') {
    const url = required(values.url, 'url');
    const eventTypes = explained(() => resolveEventTypes(values.types ?? ALL_ELIGIBLE));
    checkHookUrl(url, name);
    const okta = await signIn(name);
    const hook = await explainedAsync(() =>
      registerHook(okta, secretsManagerHookStore(), { connection: name, uri: url, eventTypes }),
    );
    return report(output, json, 'Registered', hook);
  }
  if (subcommand === 'list') {
    const okta = await signIn(name);
    const all = await explainedAsync(() => listHooks(okta));
    if (json) return output.out(JSON.stringify(all.map(summary), null, 2));
    if (all.length === 0) return output.out(`No event hooks in ${okta.connection.baseUrl}.`);
    for (const hook of all) output.out(line(hook));
    return;
  }
  if (subcommand === 'rotate') {
    const okta = await signIn(name);
    const rotated = await explainedAsync(() => rotateHookSecret(okta, secretsManagerHookStore(), name));
    if (json) return output.out(JSON.stringify(rotated.map(summary), null, 2));
    for (const hook of rotated) report(output, false, 'Rotated the secret of', hook);
    return;
  }
  if (subcommand === 'remove') {
    const okta = await signIn(name);
    const removed = await explainedAsync(() => removeHook(okta, name, values.url));
    for (const hook of removed)
      output.out(
        `Removed event hook ${hook.id} (${hook.name}, ${hook.channel.config.uri}) from ${okta.connection.baseUrl}; the hook secret ${hookSecretName(name)} is kept.`,
      );
    return;
  }
  throw new UsageError(`unknown subcommand "${subcommand}"; use register, list, rotate, remove or migrate`);
}

/** The hook URL must name this connection: Okta would deliver another's events under its secret otherwise. */
function checkHookUrl(url: string, connection: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      `--url "${url}" is not a URL: give the stack's EventHookUrl output with ?connection=${connection}`,
    );
  }
  const named = parsed.searchParams.get('connection');
  if (named !== connection)
    throw new UsageError(
      `--url must end in ?connection=${connection} (the hook names its connection; got ${named === null ? 'none' : `"${named}"`})`,
    );
}

async function signIn(connection: string): Promise<OktaClient> {
  clearConnectionCache();
  return explainedAsync(() => oktaClient(connection));
}

function summary(hook: OktaEventHook) {
  return {
    id: hook.id,
    name: hook.name,
    status: hook.status,
    verificationStatus: hook.verificationStatus,
    url: hook.channel.config.uri,
    eventTypes: hook.events.items,
  };
}

function line(hook: OktaEventHook): string {
  const state =
    hook.status === 'INACTIVE'
      ? 'INACTIVE (deactivated: receives nothing; hooks register activates it again)'
      : hook.verificationStatus === 'VERIFIED'
        ? 'ACTIVE VERIFIED'
        : 'ACTIVE UNVERIFIED (receives nothing until verified: hooks register)';
  return `${hook.id}  ${state}  ${hook.name}  ${hook.channel.config.uri}  ${hook.events.items.length} event types`;
}

function report(output: Output, json: boolean, verb: string, hook: OktaEventHook): void {
  if (json) return output.out(JSON.stringify(summary(hook), null, 2));
  output.out(
    `${verb} event hook ${hook.id}: ${hook.status} ${hook.verificationStatus}, ${hook.events.items.length} event types`,
  );
  output.out(`  ${hook.events.items.join(', ')}`);
}

/** Turns the management's problems and the connector's typed errors into messages that say what to do. */
function explain(error: unknown): Error {
  if (error instanceof EventHookProblem)
    return error.kind === 'InvalidEventTypes' ? new UsageError(error.message) : new CliError(error.message);
  if (isConnectorError(error)) {
    const hints: Partial<Record<string, string>> = {
      UnknownConnection: 'list them with `okta-connector connections list`',
      OktaForbidden: 'the connection needs the scope okta.eventHooks.manage and an admin role that may manage hooks',
      OktaAuthFailed: 'check the connection with `okta-connector connections test`',
    };
    const hint = hints[error.name];
    return new CliError(`${error.name}: ${error.message}${hint ? `; ${hint}` : ''}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function explained<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw explain(error);
  }
}

async function explainedAsync<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw explain(error);
  }
}

async function migrate(name: string, replace: boolean, output: Output): Promise<void> {
  const secretId = config().connectionSecretPrefix + name;
  const stored = await secretsManager()
    .send(new GetSecretValueCommand({ SecretId: secretId }))
    .catch((error: unknown) => {
      throw awsFailure(error, `cannot read the connection secret ${secretId}`);
    });
  let secret: Record<string, unknown>;
  try {
    secret = JSON.parse(stored.SecretString ?? '') as Record<string, unknown>;
  } catch {
    throw new CliError(`the connection secret ${secretId} is not JSON`);
  }
  const { eventHookSecret, previousEventHookSecret, ...rest } = secret;
  if (eventHookSecret === undefined) {
    throw new CliError(`connection "${name}" holds no eventHookSecret: nothing to move`);
  }
  const moved = (() => {
    try {
      return parseHookSecrets(name, { eventHookSecret, previousEventHookSecret, domain: rest.domain });
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error));
    }
  })();
  if (!replace && (await readHookSecretsNow(name).catch(() => undefined)) !== undefined) {
    throw new CliError(
      `${hookSecretName(name)} exists already; run again with --replace to overwrite it with the connection's eventHookSecret`,
    );
  }
  await writeHookSecrets(name, moved).catch((error: unknown) => {
    throw awsFailure(error, `cannot write ${hookSecretName(name)}`);
  });
  await secretsManager()
    .send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(rest) }))
    .catch((error: unknown) => {
      throw awsFailure(error, `moved the hook secret, but cannot remove it from ${secretId}`);
    });
  output.out(
    `Moved the event hook secret of "${name}" to ${hookSecretName(name)}; the connection secret no longer holds it.`,
  );
}

function awsFailure(error: unknown, what: string): CliError {
  const name = error instanceof Error ? error.name : 'Error';
  return new CliError(`${what}: ${name}${name === 'ResourceNotFoundException' ? ' (no such secret)' : ''}`);
}
