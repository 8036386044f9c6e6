/**
 * One run of a scheduled search (docs/CONTRACT.md §3 and §5): it covers the windows from the search's cursor up to
 * now minus the settle delay, publishes each window's results as "Okta Event Search Results" (nothing when a
 * window has no result), and moves the cursor with a conditional write after each window, so consecutive runs
 * have no gap and no overlap. One run at a time per search, under a lease lock in the table.
 */
import { config } from '../config.js';
import { InvalidInput } from '../errors.js';
import { withLeaseLock, type LeaseLockDeps } from '../lease-lock.js';
import { countMetric, logger } from '../observability.js';
import { oktaClient } from '../okta/client-cache.js';
import type { OktaClient } from '../okta/client.js';
import { searchEvents } from './bounded-query.js';
import { readSearchCursor, searchLockKey, writeSearchCursor, type CursorDeps } from './cursors.js';
import { publishEvents, type PublishDeps } from './publish.js';
import { searchResultEntries } from './search-results.js';
import type { SearchConfig } from './search-settings.js';
import { windowsToCover } from './search-windows.js';
import type { TimeRange } from './time-range.js';
import { stopWhenRemainingMs } from '../lambda-time.js';

export interface ScheduledSearchInput {
  connection: string;
  search: string;
}

export interface ScheduledSearchSummary {
  connection: string;
  search: string;
  windows: Array<TimeRange & { count: number; parts: number }>;
  published: number;
  stoppedBecause: 'caught-up' | 'deadline' | 'publish-failed' | 'cursor-conflict' | 'another-run';
}

export interface ScheduledSearchDeps {
  okta?: OktaClient;
  searches?: SearchConfig[];
  cursors?: CursorDeps;
  publish?: PublishDeps;
  lock?: LeaseLockDeps;
  now?: () => number;
}

/** Keeps this much of the Lambda's time back: one window's query and publish. */
const KEEP_BACK_MS = stopWhenRemainingMs.scheduledSearch;

/** Runs the scheduled search `input` names; see the file comment. */
export async function runScheduledSearch(
  input: ScheduledSearchInput,
  remainingMs: () => number,
  deps: ScheduledSearchDeps = {},
): Promise<ScheduledSearchSummary> {
  const searches = deps.searches ?? config().searches;
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
        if (remainingMs() < KEEP_BACK_MS) {
          summary.stoppedBecause = 'deadline';
          break;
        }
        // Deadlines are real time (the Lambda's); `now` only decides which windows are due.
        const deadline = Date.now() + remainingMs() - KEEP_BACK_MS / 2;
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
