/**
 * The System Log poller's core. It reads the log as Okta's polling requests (SLQ): `since` once, then the stored
 * `next` link forever, never paging by `since`/`until` ("this may lead to skipped or duplicated events"). After
 * each page is published, and only then, the page's `next` link is stored with a conditional write, so a crash
 * re-reads at most one page (dedupe absorbs it) and a second poller can neither move the cursor back nor skip.
 *
 * A run stops on an empty page (caught up), when the Lambda's time runs low, or when the `/api/v1/logs` window has
 * only the reserve left and the reset is too far to wait for; a backlog is caught up over several runs.
 */
import { systemClock } from '../clock.js';
import { OktaRateLimited, OktaUnavailable, OktaValidationFailed, OktaNotFound } from '../errors.js';
import { readPollCursor, writePollCursor, type CursorDeps, type PollCursor } from './cursors.js';
import type { LogEvent } from './event-format.js';
import { nextLink } from '../okta/link-header.js';
import type { OktaClient, OktaRequest } from '../okta/client.js';
import { publishOnce, type PublishOnceDeps } from './publish-once.js';
import { stopWhenRemainingMs } from '../lambda-time.js';

export type PollStop =
  'caught-up' | 'deadline' | 'rate-limit' | 'cursor-conflict' | 'publish-failed' | 'okta-unavailable';

export interface PollSummary {
  connection: string;
  pages: number;
  events: number;
  published: number;
  duplicates: number;
  /** Seconds between now and the newest `published` seen; 0 when caught up with nothing new. */
  lagSeconds?: number;
  stoppedBecause: PollStop;
}

export interface PollDeps {
  okta: OktaClient;
  /** Share of each rate-limit window left to other apps. */
  reserve: number;
  /** The Lambda's remaining time (`context.getRemainingTimeInMillis`). */
  remainingMs: () => number;
  /** Where a first run starts: this long before now. */
  lookbackMs?: number;
  /** Events per page (Okta's maximum, 1000, by default). */
  pageSize?: number;
  cursors?: CursorDeps;
  publish?: PublishOnceDeps;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const LOGS_PATH = '/api/v1/logs';
/** Okta's largest System Log page. */
export const PAGE_SIZE = 1000;
/** How far before the last published event a lost cursor restarts; dedupe absorbs the overlap. */
export const LOST_CURSOR_OVERLAP_MS = 5 * 60_000;
export const DEFAULT_LOOKBACK_MS = 15 * 60_000;
/** Time kept back at the end of a run (lambda-time.ts): one page request (Okta's query timeout is 30 s) and its publish. */
const KEEP_BACK_MS = stopWhenRemainingMs.poll;

/** Polls one connection's System Log until caught up or out of time or rate-limit headroom. */
export async function pollSystemLog(connection: string, deps: PollDeps): Promise<PollSummary> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? systemClock.sleep;
  const summary: PollSummary = {
    connection,
    pages: 0,
    events: 0,
    published: 0,
    duplicates: 0,
    stoppedBecause: 'caught-up',
  };
  let cursor: PollCursor = await readPollCursor(connection, deps.cursors);
  let newest = cursor.lastPublished;
  const size = deps.pageSize ?? PAGE_SIZE;
  let request = firstRequest(cursor, now(), deps.lookbackMs ?? DEFAULT_LOOKBACK_MS, size);
  let restarted = false;

  const stop = (reason: PollStop) => {
    summary.stoppedBecause = reason;
    const caughtUpQuietly = reason === 'caught-up' && summary.events === 0;
    if (caughtUpQuietly) summary.lagSeconds = 0;
    else if (newest) summary.lagSeconds = Math.max(0, Math.round((now() - Date.parse(newest)) / 1000));
    return summary;
  };

  for (;;) {
    if (deps.remainingMs() < KEEP_BACK_MS) return stop('deadline');
    if (!(await waitForHeadroom(deps, now, sleep))) return stop('rate-limit');
    // On the same clock as the Okta client's (`now`), which a benchmark may run on simulated time.
    const deadline = now() + deps.remainingMs() - KEEP_BACK_MS / 3;

    let response;
    try {
      response = await deps.okta.request<LogEvent[]>(request, { deadline, paceNearLimit: false });
    } catch (error) {
      // A stored link Okta no longer takes: restart from the last published event, once (see lostCursorOverlapMs).
      if (!restarted && cursor.next && (error instanceof OktaValidationFailed || error instanceof OktaNotFound)) {
        restarted = true;
        request = sinceRequest(sinceAfterLoss(cursor, now(), deps.lookbackMs ?? DEFAULT_LOOKBACK_MS), size);
        continue;
      }
      // Refused by Okta's 429 or, before any request, by the org-wide budget other containers share: the wait it
      // names is waited out when the Lambda has the time, as for the window above; otherwise the run stops.
      if (error instanceof OktaRateLimited) {
        const wait = (error.retryAfterSeconds ?? Number.POSITIVE_INFINITY) * 1000 + 250;
        if (deps.remainingMs() - wait < KEEP_BACK_MS) return stop('rate-limit');
        await sleep(wait);
        continue;
      }
      if (error instanceof OktaUnavailable)
        return stop(deps.remainingMs() < KEEP_BACK_MS ? 'deadline' : 'okta-unavailable');
      throw error;
    }

    const events = Array.isArray(response.body) ? response.body : [];
    const next = nextLink(response.headers);
    summary.pages += 1;
    summary.events += events.length;
    if (events.length > 0) {
      const outcome = await publishOnce(
        events,
        { connection, trigger: 'poll', receivedAt: new Date(now()).toISOString(), deadline },
        deps.publish,
      );
      summary.published += outcome.published;
      summary.duplicates += outcome.duplicates;
      // Not all of the page is on the bus: keep the cursor where it is, the next run reads this page again.
      if (outcome.failed > 0) return stop('publish-failed');
      newest = newestPublished(events, newest);
    }
    // Okta's polling queries always carry a next link (CORE); without one there is nothing to store.
    if (!next) return stop('caught-up');
    if (next !== cursor.next || newest !== cursor.lastPublished) {
      const written = await writePollCursor(connection, cursor, { next, lastPublished: newest }, deps.cursors);
      if (!written) return stop('cursor-conflict');
      cursor = written;
    }
    if (events.length === 0) return stop('caught-up');
    request = { method: 'GET', path: next };
  }
}

/**
 * Waits for the window to reset when only the reserve is left and the Lambda has the time; false when it has not.
 * The client does not pace the poller (paceNearLimit false): it uses the whole share above the reserve at full
 * speed, then waits or stops, which is what catches a backlog up fastest.
 */
async function waitForHeadroom(
  deps: PollDeps,
  now: () => number,
  sleep: (ms: number) => Promise<void>,
): Promise<boolean> {
  const state = deps.okta.rateLimit(LOGS_PATH);
  if (!state || state.limit <= 0 || state.resetAt <= now()) return true;
  if (state.remaining > Math.ceil(state.limit * deps.reserve)) return true;
  const wait = state.resetAt - now() + 250;
  if (deps.remainingMs() - wait < KEEP_BACK_MS) return false;
  await sleep(wait);
  return true;
}

/** Headroom left in the `/api/v1/logs` window above the reserve, as a share of the limit (for the metric). */
export function rateLimitHeadroom(okta: OktaClient, reserve: number): number | undefined {
  const state = okta.rateLimit(LOGS_PATH);
  if (!state || state.limit <= 0) return undefined;
  return Math.max(0, state.remaining - Math.ceil(state.limit * reserve)) / state.limit;
}

function firstRequest(cursor: PollCursor, now: number, lookbackMs: number, size: number): OktaRequest {
  if (cursor.next) return { method: 'GET', path: cursor.next };
  return sinceRequest(sinceAfterLoss(cursor, now, lookbackMs), size);
}

/** The last published event minus the overlap when known, else the first run's lookback. */
function sinceAfterLoss(cursor: PollCursor, now: number, lookbackMs: number): number {
  const last = cursor.lastPublished ? Date.parse(cursor.lastPublished) : NaN;
  return Number.isFinite(last) ? last - LOST_CURSOR_OVERLAP_MS : now - lookbackMs;
}

/** Okta's polling request: `since` and ascending order, no `until`. */
function sinceRequest(since: number, size: number): OktaRequest {
  return {
    method: 'GET',
    path: LOGS_PATH,
    query: { since: new Date(since).toISOString(), limit: size, sortOrder: 'ASCENDING' },
  };
}

function newestPublished(events: LogEvent[], newest: string | undefined): string | undefined {
  let best = newest ? Date.parse(newest) : -Infinity;
  let bestText = newest;
  for (const event of events) {
    const time = Date.parse(event.published);
    if (time > best) {
      best = time;
      bestText = new Date(time).toISOString();
    }
  }
  return bestText;
}
