/**
 * The replay function (a direct invoke): republishes the System Log events of a past range; the work is
 * `replayEvents` in the core (events/replay-run.ts), which the CLI also calls with a progress callback.
 */
import { replayEvents, type ReplayInput, type ReplaySummary } from '../lib/events/replay-run.js';
import { noContextAllowanceMs, remainingTimeOf, type LambdaContextLike } from '../lib/lambda-time.js';
import { runTrigger } from '../lib/trigger-run.js';

export type { ReplayInput, ReplayProgress, ReplaySummary } from '../lib/events/replay-run.js';

/** The replay function's handler (direct invoke; the CLI calls `replayEvents` with a progress callback). */
export async function handler(input: ReplayInput, context?: LambdaContextLike): Promise<ReplaySummary> {
  // The run counts and logs itself (replay-run.ts).
  const run = { failed: 'Replay failed', fields: { connection: input.connection } };
  return runTrigger(run, () =>
    replayEvents(input, { remainingMs: remainingTimeOf(context, noContextAllowanceMs.replay) }),
  );
}
