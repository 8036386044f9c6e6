/**
 * Scheduled filter searches (docs/CONTRACT.md §3 and §5), one function for two callers:
 * - a search's schedule invokes it with `{"connection", "search": "<name>"}`: it covers the windows from the
 *   search's cursor up to now minus the settle delay, publishes each window's results as "Okta Event Search
 *   Results" (nothing when a window has no result), and moves the cursor with a conditional write after each
 *   window, so consecutive runs have no gap and no overlap;
 * - invoked directly (Step Functions, the SDK) with `{connection?, filter?, q?, since, until}` it returns
 *   `{events, since, until}` for that range and touches no cursor.
 */
import { InvalidInput, type FieldProblem } from '../lib/errors.js';
import { searchEvents } from '../lib/events/bounded-query.js';
import type { LogEvent } from '../lib/events/event-format.js';
import {
  runScheduledSearch,
  type ScheduledSearchDeps,
  type ScheduledSearchInput,
  type ScheduledSearchSummary,
} from '../lib/events/scheduled-search-run.js';
import { answerMarginMs, deadlineOf, remainingTimeOf, type LambdaContextLike } from '../lib/lambda-time.js';
import { runTrigger } from '../lib/trigger-run.js';
import { oktaClient } from '../lib/okta/client-cache.js';

export type { ScheduledSearchInput, ScheduledSearchSummary } from '../lib/events/scheduled-search-run.js';

export interface DirectSearchInput {
  connection?: string;
  filter?: string;
  q?: string;
  since: string;
  until: string;
}

export interface DirectSearchResult {
  events: LogEvent[];
  since: string;
  until: string;
}

export type SearchHandlerDeps = ScheduledSearchDeps;

/** Runs a scheduled search, or answers a direct search; see the file comment. */
export async function handler(
  input: ScheduledSearchInput | DirectSearchInput,
  context?: LambdaContextLike,
  deps: SearchHandlerDeps = {},
): Promise<ScheduledSearchSummary | DirectSearchResult> {
  const remainingMs = remainingTimeOf(context);
  if ('search' in input && typeof input.search === 'string' && !('since' in input)) {
    // The run counts and logs itself (scheduled-search-run.ts).
    const run = { failed: 'Scheduled search failed', fields: { search: input.search } };
    return runTrigger(run, () => runScheduledSearch(input, remainingMs, deps));
  }
  const direct = checkDirect(input as DirectSearchInput);
  const okta = deps.okta ?? (await oktaClient(direct.connection));
  const events = await searchEvents(okta, direct, {
    deadline: deadlineOf(remainingMs, Date.now(), answerMarginMs.directSearch),
  });
  return { events, since: direct.since, until: direct.until };
}

function checkDirect(input: DirectSearchInput): DirectSearchInput {
  const problems: FieldProblem[] = [];
  for (const field of ['since', 'until'] as const) {
    if (typeof input[field] !== 'string' || Number.isNaN(Date.parse(input[field])))
      problems.push({ field, problem: 'must be an ISO 8601 date-time' });
  }
  for (const field of ['connection', 'filter', 'q'] as const) {
    if (input[field] !== undefined && typeof input[field] !== 'string')
      problems.push({ field, problem: 'must be a string' });
  }
  if (problems.length === 0 && Date.parse(input.since) >= Date.parse(input.until))
    problems.push({ field: 'until', problem: 'must be after since' });
  if (problems.length > 0) throw new InvalidInput(problems);
  return input;
}
