/**
 * `okta-connector invoke <action> --input <json>`: runs one action as API Gateway would (`POST {url}/actions/<name>`),
 * against the local sandbox by default, and prints its output JSON; a failure prints its CONTRACT error type.
 */
import { readFileSync } from 'node:fs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { actions } from '../functions/catalog.js';
import { readSandboxState } from '../local/sandbox-state.js';
import { chooseAwsTarget, CliError, parseCommand, UsageError, type Output } from './cli-support.js';

export const INVOKE_HELP = `Usage: okta-connector invoke <action> --input <json> [--connection <name>]
                             [--url <ACTIONS_URL> | --function-name <name|arn> [--aws]]

Runs one action and prints its output.

  <action>              one of: ${actions.map((a) => a.name).join(', ')}
  --input <json>        the action's input, inline JSON or @file.json (default {})
  --connection <name>   the connection (Okta org) to use; the default connection otherwise
  --url <ACTIONS_URL>   where the actions are served: ACTIONS_URL from the environment, or the running
                        sandbox of \`npm start\` by default. The URL is called without AWS signing: a deployed
                        API (IAM auth) needs SigV4: use --function-name for a deployed stack.
  --function-name <fn>  invoke the action's Lambda function directly (Lambda Invoke API, standard AWS settings;
                        the running sandbox's functions, okta-connector-<action>, unless --aws); a failure
                        is reported with its CONTRACT error type, as Step Functions sees it
  --aws                 with --function-name: your AWS account even when \`npm start\` is running

Example:
  okta-connector invoke get-user --input '{"userId":"admin@okta-sim.example.com"}'`;

export async function invoke(args: string[], output: Output, deps = { fetch: globalThis.fetch }): Promise<void> {
  const { values, positionals } = parseCommand(args, {
    input: { type: 'string', short: 'i' },
    connection: { type: 'string', short: 'c' },
    url: { type: 'string' },
    'function-name': { type: 'string' },
    aws: { type: 'boolean' },
  });
  if (values.help) return output.out(INVOKE_HELP);
  const name = positionals[0];
  if (!name)
    throw new UsageError('name the action to run, e.g. `okta-connector invoke get-user --input \'{"userId":"..."}\'`');
  if (!actions.some((a) => a.name === name)) {
    throw new UsageError(`there is no action "${name}"; the actions are: ${actions.map((a) => a.name).join(', ')}`);
  }
  const input = parseInput(values.input);
  if (values.connection) input.connection = values.connection;
  if (values['function-name']) {
    chooseAwsTarget(values.aws === true, output);
    return invokeFunction(values['function-name'], input, output);
  }
  const url = values.url ?? process.env.ACTIONS_URL ?? readSandboxState()?.actionsUrl;
  if (!url)
    throw new CliError(
      'no ACTIONS_URL: start the sandbox with `npm start` in another shell, or pass --url <ACTIONS_URL>',
    );

  let response: Response;
  try {
    response = await deps.fetch(`${url.replace(/\/$/, '')}/actions/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
  } catch {
    throw new CliError(`could not reach ${url}: is \`npm start\` still running? (or pass the right --url)`);
  }
  const text = await response.text();
  const body = parseJson(text);
  if (response.ok) return output.out(JSON.stringify(body ?? text, null, 2));
  const error = (body as { error?: { type?: string; message?: string; causes?: string[] } } | undefined)?.error;
  if (error?.type) {
    const causes = error.causes?.length ? ` (${error.causes.join('; ')})` : '';
    throw new CliError(`${error.type}: ${error.message ?? ''}${causes}`);
  }
  throw new CliError(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
}

/** Direct invoke through Lambda's Invoke API; a thrown error comes back as `X-Amz-Function-Error`. */
async function invokeFunction(functionName: string, input: Record<string, unknown>, output: Output): Promise<void> {
  const { payload, text } = await invokeLambda(functionName, input);
  output.out(JSON.stringify(payload ?? text, null, 2));
}

/**
 * One synchronous invoke through Lambda's Invoke API (SigV4-signed by the SDK): the function's answer, parsed when
 * it is JSON. A thrown error (`X-Amz-Function-Error`) is a CliError with its CONTRACT type and message.
 */
export async function invokeLambda(
  functionName: string,
  input: Record<string, unknown>,
): Promise<{ payload: unknown; text: string }> {
  const client = new LambdaClient({});
  try {
    const result = await client
      .send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(input)) }))
      .catch((error: unknown) => {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new CliError(
          `Lambda could not invoke ${functionName}: ${message}${/credential/i.test(message) ? ' (configure AWS, or start the sandbox with `npm start`)' : ''}`,
        );
      });
    const text = new TextDecoder().decode(result.Payload ?? new Uint8Array());
    const payload = parseJson(text);
    if (result.FunctionError) {
      const error = (payload ?? {}) as { errorType?: string; errorMessage?: string };
      throw new CliError(`${error.errorType ?? 'Error'}: ${error.errorMessage ?? text}`);
    }
    return { payload, text };
  } finally {
    client.destroy();
  }
}

function parseInput(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = readFileSync(raw.slice(1), 'utf8');
    } catch {
      throw new UsageError(`cannot read the input file ${raw.slice(1)}`);
    }
  }
  const value = parseJson(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--input must be a JSON object, e.g. '{"userId":"00u1"}' (got ${raw.slice(0, 60)})`);
  }
  return value as Record<string, unknown>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
