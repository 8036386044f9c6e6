/**
 * Scheduled filter searches (docs/CONTRACT.md §3 and §5), one function for two callers:
 * - a search's schedule invokes it with `{"connection", "search": "<name>"}`: it covers the windows from the
 *   search's cursor up to now minus the settle delay, publishes each window's results as "Okta Event Search
 *   Results" (nothing when a window has no result), and moves the cursor with a conditional write after each
 *   window, so consecutive runs have no gap and no overlap;
 * - invoked directly (Step Functions, the SDK) with `{connection?, filter?, q?, since, until}` it returns
 *   `{events, since, until}` for that range and touches no cursor.
 */
import { config } from '../lib/config.js';
import { readSearchCursor, searchLockKey, writeSearchCursor, type CursorDeps } from '../lib/events/cursors.js';
import { InvalidInput, toConnectorError, type FieldProblem } from '../lib/errors.js';
import { withLeaseLock, type LeaseLockDeps } from '../lib/lease-lock.js';
import type { LogEvent } from '../lib/events/event-format.js';
import { countMetric, logger } from '../lib/observability.js';
import { oktaClient, type OktaClient } from '../lib/okta/client.js';
import { publishEvents, type PublishDeps } from '../lib/events/publish.js';
import {
  readSearches,
  searchEvents,
  searchResultEntries,
  windowsToCover,
  type SearchConfig,
  type TimeRange,
} from '../lib/events/searches.js';
import type { LambdaContextLike } from './poll-system-log.js';

export interface ScheduledSearchInput {
  connection: string;
  search: string;
}

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

export interface ScheduledSearchSummary {
  connection: string;
  search: string;
  windows: Array<TimeRange & { count: number; parts: number }>;
  published: number;
  stoppedBecause: 'caught-up' | 'deadline' | 'publish-failed' | 'cursor-conflict' | 'another-run';
}

export interface SearchHandlerDeps {
  okta?: OktaClient;
  searches?: SearchConfig[];
  cursors?: CursorDeps;
  publish?: PublishDeps;
  lock?: LeaseLockDeps;
  now?: () => number;
}

/** Keeps this much of the Lambda's time back: one window's query and publish. */
const stopWhenRemainingMs = 20_000;

/** Runs a scheduled search, or answers a direct search; see the file comment. */
export async function handler(
  input: ScheduledSearchInput | DirectSearchInput,
  context?: LambdaContextLike,
  deps: SearchHandlerDeps = {},
): Promise<ScheduledSearchSummary | DirectSearchResult> {
  const remainingMs = context ? () => context.getRemainingTimeInMillis() : () => 60_000;
  if ('search' in input && typeof input.search === 'string' && !('since' in input)) {
    try {
      return await runScheduledSearch(input, remainingMs, deps);
    } catch (error) {
      // The table or the bus failed past their retries: the run fails with a CONTRACT type, the cause stays in the log.
      logger.error('Scheduled search failed', { search: input.search, error });
      throw toConnectorError(error);
    }
  }
  const direct = checkDirect(input as DirectSearchInput);
  const okta = deps.okta ?? (await oktaClient(direct.connection));
  const events = await searchEvents(okta, direct, { deadline: Date.now() + remainingMs() - 2_000 });
  return { events, since: direct.since, until: direct.until };
}

async function runScheduledSearch(
  input: ScheduledSearchInput,
  remainingMs: () => number,
  deps: SearchHandlerDeps,
): Promise<ScheduledSearchSummary> {
  const searches = deps.searches ?? readSearches();
  const search = searches.find(
    (s) => s.name === input.search && s.connection === (input.connection ?? config().defaultConnection),
  );
  if (!search)
    throw new InvalidInput([
      { field: 'search', problem: `no search "${input.search}" for connection "${input.connection}" in SEARCHES` },
    ]);
  const okta = deps.okta ?? (await oktaClient(search.connection));
  const now = deps.now ?? Date.now;
  const cfg = config();
  const summary: ScheduledSearchSummary = {
    connection: search.connection,
    search: search.name,
    windows: [],
    published: 0,
    stoppedBecause: 'caught-up',
  };

  // One run at a time per search: a second run (Scheduler delivers at least once; a slow run meets the next one)
  // would otherwise publish the same windows again before either moved the cursor. The lease is this run's own
  // time, so a run that dies frees the search when its Lambda would have stopped anyway.
  const held = await withLeaseLock(
    searchLockKey(search.connection, search.name),
    Date.now() + 1_000,
    async () => {
      let cursor = await readSearchCursor(search.connection, search.name, deps.cursors);
      for (const window of windowsToCover(cursor.until, now(), search.windowMs)) {
        if (remainingMs() < stopWhenRemainingMs) {
          summary.stoppedBecause = 'deadline';
          break;
        }
        // Deadlines are real time (the Lambda's); `now` only decides which windows are due.
        const deadline = Date.now() + remainingMs() - stopWhenRemainingMs / 2;
        const events = await searchEvents(okta, { ...window, filter: search.filter, q: search.q }, { deadline });
        const header = {
          connection: search.connection,
          search: search.name,
          filter: search.filter ?? null,
          q: search.q ?? null,
          ...window,
        };
        const entries =
          events.length === 0
            ? []
            : searchResultEntries(
                header,
                events,
                { source: cfg.eventSource, eventBusName: cfg.eventBusName },
                new Date(window.until),
              );
        const result = await publishEvents(entries, { deadline, ...deps.publish });
        summary.published += result.published;
        // A part EventBridge refused: the cursor stays, the next run covers this window again (the parts it accepted
        // are published twice then; a window is never skipped).
        if (result.failed > 0) {
          summary.stoppedBecause = 'publish-failed';
          break;
        }
        const written = await writeSearchCursor(search.connection, search.name, cursor, window.until, deps.cursors);
        if (!written) {
          summary.stoppedBecause = 'cursor-conflict';
          break;
        }
        cursor = written;
        summary.windows.push({ ...window, count: events.length, parts: entries.length });
      }
    },
    { ...deps.lock, leaseMs: Math.max(1_000, remainingMs()) },
  );
  if (!held.acquired) summary.stoppedBecause = 'another-run';

  countMetric('EventsPublished', { trigger: 'search', connection: search.connection }, summary.published);
  logger.info('Scheduled search ran', { ...summary, windows: summary.windows.length });
  return summary;
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
