/**
 * `okta-connector hooks …`: the connection's event hook secret and, through Okta's event hook API, its hook.
 * `migrate` moves a hook secret that an older version kept inside the connection secret into the connection's own
 * hook secret (`<prefix><name>/event-hook`), the only one the event hook function may read.
 */
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { secretsManager } from '../functions/lib/aws-clients.js';
import { config } from '../functions/lib/config.js';
import {
  hookSecretName,
  parseHookSecrets,
  readHookSecretsNow,
  writeHookSecrets,
} from '../functions/lib/hook-secrets.js';
import { chooseAwsTarget, CliError, parseCommand, UsageError, type Output } from './cli-support.js';

export const hooksHelp = `Usage: okta-connector hooks <migrate> <connection> [options]

  migrate <connection>   moves eventHookSecret (and previousEventHookSecret) out of the connection secret into
                         the connection's hook secret ${'`'}<prefix><connection>/event-hook${'`'}, which is all the event
                         hook reads since 0.2; the hook accepts the same secret before and after
  --replace              overwrite a hook secret that already exists
  --aws                  use your AWS account (standard AWS_* settings) even when \`npm start\` is running`;

export async function hooks(args: string[], output: Output): Promise<void> {
  const { values, positionals } = parseCommand(args, {
    replace: { type: 'boolean' },
    aws: { type: 'boolean' },
  });
  const [subcommand, name] = positionals;
  if (values.help || subcommand === undefined) return output.out(hooksHelp);
  if (!name) throw new UsageError(`name the connection: okta-connector hooks ${subcommand} <connection>`);
  chooseAwsTarget(values.aws === true, output);
  if (subcommand === 'migrate') return migrate(name, values.replace === true, output);
  throw new UsageError(`unknown subcommand "${subcommand}"; use migrate`);
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
