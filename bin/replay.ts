/**
 * `okta-connector replay --since --until`: republishes a past range of System Log events through the replay
 * function's code (functions/triggers/replay.ts), run here with the sandbox's settings or your AWS account's. The
 * range is replayed in slices, which is what the progress bar counts.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { replayEvents, type ReplayInput, type ReplaySummary } from '../functions/lib/events/replay-run.js';
import { isConnectorError } from '../functions/lib/errors.js';
import {
  chooseAwsTarget,
  CliError,
  parseCommand,
  parseTime,
  required,
  UsageError,
  type Output,
} from './cli-support.js';
import { progressBar } from './progress-bar.js';

export const REPLAY_HELP = `Usage: okta-connector replay --since <time> [--until <time>] [--types a,b] [--connection <name>] [--slices <n>]

Publishes again the System Log events of a past range (Okta keeps 90 days), marked "replayed": true.

  --since <time>        ISO 8601 (2026-11-29T10:00:00Z) or an age (30m, 2h, 7d)
  --until <time>        the end of the range, now by default
  --types a,b           only these event types, e.g. user.lifecycle.create,group.user_membership.add
  --connection <name>   the connection (Okta org); the default connection otherwise
  --slices <n>          how many parts the range is replayed in (default 20)
  --function-name <fn>  invoke the deployed replay function (Lambda Invoke API) for each part instead of
                        running its code here
  --aws                 use your AWS account (standard AWS_* settings, TABLE_NAME, EVENT_BUS_NAME) even when
                        \`npm start\` is running`;

export async function replay(args: string[], output: Output, now = Date.now()): Promise<void> {
  const { values } = parseCommand(args, {
    since: { type: 'string' },
    until: { type: 'string' },
    types: { type: 'string' },
    connection: { type: 'string' },
    slices: { type: 'string' },
    'function-name': { type: 'string' },
    aws: { type: 'boolean' },
  });
  if (values.help) return output.out(REPLAY_HELP);
  const since = parseTime(required(values.since, 'since'), 'since', now);
  const until = values.until ? parseTime(values.until, 'until', now) : new Date(now).toISOString();
  if (Date.parse(since) >= Date.parse(until)) throw new UsageError('--since must be before --until');
  const slices = Number(values.slices ?? 20);
  if (!Number.isInteger(slices) || slices < 1 || slices > 1000)
    throw new UsageError('--slices must be a whole number from 1 to 1000');
  const types = values.types
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  chooseAwsTarget(values.aws === true, output);

  const start = Date.parse(since);
  const step = (Date.parse(until) - start) / slices;
  const bar = progressBar(output, 'replay');
  const total = { events: 0, published: 0, failed: 0, pages: 0 };
  for (let i = 0; i < slices; i++) {
    const slice = {
      since: new Date(start + Math.round(step * i)).toISOString(),
      until: i === slices - 1 ? until : new Date(start + Math.round(step * (i + 1))).toISOString(),
    };
    if (slice.since >= slice.until) continue;
    let range: { since: string; until: string } | undefined = slice;
    while (range) {
      const summary = await runSlice({ connection: values.connection, types, ...range }, values['function-name']);
      total.events += summary.events;
      total.published += summary.published;
      total.failed += summary.failed;
      total.pages += summary.pages;
      range = summary.complete ? undefined : summary.resumeFrom;
      if (!summary.complete && !summary.resumeFrom) break;
    }
    bar.update((i + 1) / slices, `${total.published} published${total.failed ? `, ${total.failed} failed` : ''}`);
  }
  bar.done(`${total.published} of ${total.events} events published`);
  output.out(JSON.stringify({ since, until, types, ...total }, null, 2));
  if (total.failed > 0)
    throw new CliError(
      `${total.failed} events could not be published; run the same replay again (replays may repeat events)`,
    );
}

/** One part of the range: the replay code in this process, or the deployed function through Lambda. */
async function runSlice(input: ReplayInput, functionName: string | undefined): Promise<ReplaySummary> {
  if (!functionName) {
    return replayEvents(input).catch((error: unknown) => {
      throw explain(error);
    });
  }
  const client = new LambdaClient({});
  try {
    const result = await client
      .send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(input)) }))
      .catch((error: unknown) => {
        throw new CliError(
          `Lambda could not invoke ${functionName}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        );
      });
    const payload = JSON.parse(
      new TextDecoder().decode(result.Payload ?? new Uint8Array()) || 'null',
    ) as ReplaySummary & { errorType?: string; errorMessage?: string };
    if (result.FunctionError) throw new CliError(`${payload?.errorType ?? 'Error'}: ${payload?.errorMessage ?? ''}`);
    return payload;
  } finally {
    client.destroy();
  }
}

function explain(error: unknown): Error {
  if (isConnectorError(error)) {
    const hint = error.name === 'UnknownConnection' ? '; `okta-connector connections list` shows the connections' : '';
    return new CliError(`${error.name}: ${error.message}${hint}`);
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (/TABLE_NAME|credential/i.test(message)) {
    return new CliError(
      `${message}. Start the sandbox with \`npm start\`, or set AWS credentials, TABLE_NAME and EVENT_BUS_NAME and pass --aws`,
    );
  }
  return new CliError(message);
}
