/**
 * `okta-connector connections consent <name> [--replace] [--consenter <login>]`: starts the consent of an
 * authorization-code connection with an IAM-signed call, the Lambda Invoke API of the stack's consent function
 * (functions/oauth/start-consent.ts), and prints the one-time consent URL. Against the running sandbox by default;
 * `--aws --function-name <ConsentFunctionName>` for a deployed stack (standard AWS settings).
 */
import { chooseAwsTarget, CliError, parseCommand, UsageError, type Output } from './cli-support.js';
import { invokeLambda } from './invoke.js';

export const CONSENT_HELP = `Usage: okta-connector connections consent <name> [--replace] [--consenter <login>]
                                        [--aws --function-name <ConsentFunctionName>] [--json]

Starts the consent of an authorization-code connection and prints its one-time URL: open it, within ten
minutes, in the browser of the Okta user who gives the consent. It works once, in that browser only.

  --replace             replace the refresh token the connection already has (refused otherwise)
  --consenter <login>   the Okta user who must consent (a login or a 00u… user id); anyone who can sign in
                        to the Okta app otherwise. The page after the consent names who consented.
  --function-name <fn>  the stack's ConsentFunctionName output; the running sandbox's by default
  --aws                 your AWS account (standard AWS_* settings) even when \`npm start\` is running
  --json                the answer as JSON: {connection, url, expiresAt}

Invoking it needs lambda:InvokeFunction on that function: grant it only to the operators who may consent.`;

/** The sandbox's name of the consent function (local/stack-runtime.ts `stackFunctionList`). */
const SANDBOX_FUNCTION = 'okta-connector-oauth-start-consent';

export async function consent(args: string[], output: Output): Promise<void> {
  const { values, positionals } = parseCommand(args, {
    replace: { type: 'boolean' },
    consenter: { type: 'string' },
    'function-name': { type: 'string' },
    aws: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) return output.out(CONSENT_HELP);
  const [name, extra] = positionals;
  if (!name) throw new UsageError('name the connection: okta-connector connections consent <name>');
  if (extra !== undefined) throw new UsageError(`one connection at a time (got "${extra}" too)`);
  const sandbox = chooseAwsTarget(values.aws === true, output);
  const local = sandbox !== undefined || (!values.aws && process.env.AWS_ENDPOINT_URL_LAMBDA !== undefined);
  const functionName = values['function-name'] ?? (local ? SANDBOX_FUNCTION : undefined);
  if (!functionName) {
    throw new UsageError(
      '--function-name is required for a deployed stack: the ConsentFunctionName output (or start the sandbox with `npm start`)',
    );
  }
  const input = {
    connection: name,
    ...(values.replace ? { replace: true } : {}),
    ...(values.consenter === undefined ? {} : { consenter: values.consenter }),
  };
  const started = await startConsent(functionName, input);
  if (values.json) return output.out(JSON.stringify(started, null, 2));
  output.err(
    `Open this link in the browser of the Okta user who gives the consent${values.consenter ? ` (${values.consenter})` : ''}, before ${started.expiresAt}; it works once:`,
  );
  output.out(started.url);
}

interface Started {
  connection: string;
  url: string;
  expiresAt: string;
}

async function startConsent(functionName: string, input: Record<string, unknown>): Promise<Started> {
  const { payload, text } = await invokeLambda(functionName, input);
  if (typeof (payload as Partial<Started> | undefined)?.url !== 'string') {
    throw new CliError(`${functionName} answered without a URL: ${text.slice(0, 300)}`);
  }
  return payload as Started;
}
