/**
 * Replay: republishes the System Log events of a past range, `{connection?, since, until, types?}`, optionally only
 * some event types. Replayed events are marked `"okta-connector": {trigger: "poll", replayed: true}` (see
 * event-format.ts). They are republished on purpose, so the dedupe is neither consulted nor written, and the live
 * poller's cursor is never touched: a replay changes nothing about what the live triggers publish.
 *
 * Okta keeps 90 days of System Log (SLQ), so an older `since` is refused. A run that nears the Lambda's end stops
 * and returns `complete: false` with `resumeFrom`, the range still to replay.
 */
import { config } from '../config.js';
import { InvalidInput, type FieldProblem } from '../errors.js';
import { countMetric, logger } from '../observability.js';
import { oktaClient } from '../okta/client-cache.js';
import type { OktaClient } from '../okta/client.js';
import { boundedPages } from './bounded-query.js';
import { toEventEntry, type LogEvent } from './event-format.js';
import { publishBuilt, type PublishDeps } from './publish.js';
import type { TimeRange } from './time-range.js';
import { LONGEST_STEP_MS, noContextAllowanceMs, remainingTimeOf, stopWhenRemainingMs } from '../lambda-time.js';

export interface ReplayInput {
  connection?: string;
  since: string;
  until: string;
  /** Only these event types (e.g. `user.lifecycle.create`); every type when absent. */
  types?: string[];
}

export interface ReplayProgress {
  published: number;
  pages: number;
}

export interface ReplaySummary extends TimeRange {
  connection: string;
  pages: number;
  events: number;
  published: number;
  failed: number;
  complete: boolean;
  /** When not complete: the range still to replay. */
  resumeFrom?: TimeRange;
}

export interface ReplayDeps {
  okta?: OktaClient;
  publish?: PublishDeps;
  now?: () => number;
  remainingMs?: () => number;
  /** Called after each page (the CLI's progress bar). */
  onProgress?: (progress: ReplayProgress) => void;
}

export const RETENTION_MS = 90 * 86_400_000;
const KEEP_BACK_MS = stopWhenRemainingMs.replay;
const eventTypePattern = /^[A-Za-z0-9_.-]+$/;

/** Republishes the events of `input`'s range; see the file comment. */
export async function replayEvents(input: ReplayInput, deps: ReplayDeps = {}): Promise<ReplaySummary> {
  const now = deps.now ?? Date.now;
  checkInput(input, now());
  const remainingMs = deps.remainingMs ?? remainingTimeOf(undefined, noContextAllowanceMs.replay);
  const okta = deps.okta ?? (await oktaClient(input.connection));
  const connection = okta.connection.name;
  const cfg = config();
  const target = { source: cfg.eventSource, eventBusName: cfg.eventBusName };
  const summary: ReplaySummary = {
    connection,
    since: input.since,
    until: input.until,
    pages: 0,
    events: 0,
    published: 0,
    failed: 0,
    complete: true,
  };
  const filter = input.types?.length ? input.types.map((type) => `eventType eq "${type}"`).join(' or ') : undefined;
  const deadline = () => now() + Math.min(remainingMs() - KEEP_BACK_MS / 3, LONGEST_STEP_MS);

  for await (const events of boundedPages(
    okta,
    { since: input.since, until: input.until, filter },
    { deadline: deadline() },
  )) {
    summary.pages += 1;
    summary.events += events.length;
    const mark = {
      connection,
      trigger: 'poll' as const,
      receivedAt: new Date(now()).toISOString(),
      replayed: true as const,
    };
    const result = await publishBuilt(events.length, (i) => toEventEntry(events[i] as LogEvent, mark, target), {
      deadline: deadline(),
      ...deps.publish,
    });
    summary.published += result.published;
    summary.failed += result.failed;
    deps.onProgress?.({ published: summary.published, pages: summary.pages });
    const last = events[events.length - 1];
    if (last && remainingMs() < KEEP_BACK_MS) {
      summary.complete = false;
      // Events published in the same millisecond as the last one are replayed again: harmless for a replay.
      summary.resumeFrom = { since: last.published, until: input.until };
      break;
    }
  }
  if (summary.failed > 0) summary.complete = false;
  countMetric('EventsPublished', { trigger: 'replay', connection }, summary.published);
  logger.info('Replay ran', { ...summary });
  return summary;
}

function checkInput(input: ReplayInput, now: number): void {
  const problems: FieldProblem[] = [];
  for (const field of ['since', 'until'] as const) {
    if (typeof input?.[field] !== 'string' || Number.isNaN(Date.parse(input[field])))
      problems.push({ field, problem: 'must be an ISO 8601 date-time' });
  }
  if (input?.connection !== undefined && typeof input.connection !== 'string')
    problems.push({ field: 'connection', problem: 'must be a string' });
  if (
    input?.types !== undefined &&
    (!Array.isArray(input.types) || !input.types.every((t) => typeof t === 'string' && eventTypePattern.test(t)))
  ) {
    problems.push({ field: 'types', problem: 'must be an array of event types such as "user.lifecycle.create"' });
  }
  if (problems.length === 0) {
    const since = Date.parse(input.since);
    if (since >= Date.parse(input.until)) problems.push({ field: 'until', problem: 'must be after since' });
    if (since < now - RETENTION_MS)
      problems.push({ field: 'since', problem: 'is older than the 90 days Okta keeps System Log events' });
  }
  if (problems.length > 0) throw new InvalidInput(problems);
}
