/**
 * `okta-connector events tail`: follows the local bus (`GET {EVENTS_URL}`), one readable line per event, or the
 * entries as JSON lines with `--json`.
 */
import { eventLine } from '../local/event-lines.js';
import type { RecordedEntry } from '../local/aws/eventbridge.js';
import { readSandboxState } from '../local/sandbox-state.js';
import { CliError, parseCommand, UsageError, type Output } from './cli-support.js';

export const EVENTS_HELP = `Usage: okta-connector events tail [--url <EVENTS_URL>] [--lines <n>] [--json] [--once]

Prints the events put on the local bus of \`npm start\`, then follows it until Ctrl-C.

  --url <EVENTS_URL>  EVENTS_URL from the environment, or the running sandbox by default
  --lines <n>         how many of the events already there to print first (default 10; "all" for every one)
  --json              each entry as one JSON line (Source, DetailType, Detail, Time, EventBusName)
  --once              print and exit instead of following`;

export async function events(
  args: string[],
  output: Output,
  deps = { fetch: globalThis.fetch, intervalMs: 1000, signal: undefined as AbortSignal | undefined },
): Promise<void> {
  const { values, positionals } = parseCommand(args, {
    url: { type: 'string' },
    lines: { type: 'string', short: 'n' },
    json: { type: 'boolean' },
    once: { type: 'boolean' },
  });
  if (values.help || positionals[0] === undefined) return output.out(EVENTS_HELP);
  if (positionals[0] !== 'tail')
    throw new UsageError(`unknown subcommand "${positionals[0]}"; use: okta-connector events tail`);
  const lines =
    values.lines === undefined ? 10 : values.lines === 'all' ? Number.POSITIVE_INFINITY : Number(values.lines);
  if (!(lines >= 0)) throw new UsageError(`--lines must be a number or "all" (got "${values.lines}")`);
  const url = values.url ?? process.env.EVENTS_URL ?? readSandboxState()?.eventsUrl;
  if (!url)
    throw new CliError(
      'no EVENTS_URL: start the sandbox with `npm start` in another shell, or pass --url <EVENTS_URL>',
    );

  const show = (entry: RecordedEntry) => output.out(values.json ? JSON.stringify(entry) : eventLine(entry));
  const read = async (): Promise<RecordedEntry[]> => {
    try {
      const response = await deps.fetch(url);
      if (!response.ok) throw new Error(String(response.status));
      return (await response.json()) as RecordedEntry[];
    } catch {
      throw new CliError(`could not read ${url}: is \`npm start\` still running? (or pass the right --url)`);
    }
  };

  const first = await read();
  first.slice(Math.max(0, first.length - lines)).forEach(show);
  let seen = first.length;
  while (!values.once && !deps.signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, deps.intervalMs));
    const all = await read();
    // The local bus only grows; if it was cleared, start over from its beginning.
    if (all.length < seen) seen = 0;
    all.slice(seen).forEach(show);
    seen = all.length;
  }
}
