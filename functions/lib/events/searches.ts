/**
 * Scheduled filter searches (docs/CONTRACT.md §3 and §5): their configuration, the windows a run covers, the bounded
 * System Log query that reads one window, and the "Okta Event Search Results" entries that carry the results.
 *
 * `SEARCHES` is a JSON array of `{connection, name, filter?, q?, schedule, window}`. `window` is the length of the
 * time range one result covers: an ISO 8601 duration (`PT15M`, `PT1H`, `P1D`), `"15 minutes"`, or a number of
 * minutes. Windows end `settle` (2 minutes) before now, because a bounded query may miss events Okta has not yet
 * persisted (SLQ: "Some events may be delayed").
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { entrySize, markField, maxEntryBytes, trimToFit, type EntryTarget, type LogEvent } from './event-format.js';
import type { CallOptions, OktaClient } from '../okta/client.js';

export interface SearchConfig {
  connection: string;
  name: string;
  filter?: string;
  q?: string;
  /** The EventBridge schedule expression, e.g. `rate(15 minutes)` (used by the stack, not here). */
  schedule: string;
  /** The window as configured. */
  window: string | number;
  windowMs: number;
}

export interface TimeRange {
  /** Inclusive, ISO 8601. */
  since: string;
  /** Exclusive, ISO 8601. */
  until: string;
}

export interface SearchQuery extends Partial<TimeRange> {
  filter?: string;
  q?: string;
}

export const searchResultsDetailType = 'Okta Event Search Results';
export const settleMs = 2 * 60_000;
/** Windows one run covers at most, so a long outage is caught up over several runs. */
export const maxWindowsPerRun = 48;

/** The searches of `SEARCHES`; throws an Error naming the bad entry and field. */
export function readSearches(env: Record<string, string | undefined> = process.env): SearchConfig[] {
  const raw = env.SEARCHES?.trim();
  if (!raw) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new Error(
      'Configuration: SEARCHES must be a JSON array of {connection, name, filter?, q?, schedule, window}',
    );
  }
  if (!Array.isArray(list)) throw new Error('Configuration: SEARCHES must be a JSON array');
  return list.map((item, i) => checkSearch(item, i));
}

function checkSearch(item: unknown, index: number): SearchConfig {
  const bad = (field: string, problem: string) => new Error(`Configuration: SEARCHES[${index}].${field} ${problem}`);
  if (item === null || typeof item !== 'object') throw bad('', 'must be an object');
  const s = item as Record<string, unknown>;
  for (const field of ['connection', 'name', 'schedule'] as const) {
    if (typeof s[field] !== 'string' || s[field] === '') throw bad(field, 'is required (a non-empty string)');
  }
  for (const field of ['filter', 'q'] as const) {
    if (s[field] !== undefined && typeof s[field] !== 'string') throw bad(field, 'must be a string');
  }
  const window = s.window;
  const windowMs = typeof window === 'string' || typeof window === 'number' ? durationMs(window) : undefined;
  if (windowMs === undefined) throw bad('window', 'must be a duration such as "PT15M", "15 minutes" or 15 (minutes)');
  return {
    connection: s.connection as string,
    name: s.name as string,
    filter: s.filter as string | undefined,
    q: s.q as string | undefined,
    schedule: s.schedule as string,
    window: window as string | number,
    windowMs,
  };
}

const units: Record<string, number> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** A duration in ms: ISO 8601 (`PT15M`, `P1DT2H`), `"<n> minutes|hours|days|seconds"`, or a number of minutes. */
export function durationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return value > 0 ? value * 60_000 : undefined;
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(value.trim());
  if (iso && value.trim().length > 2) {
    const [, d = '0', h = '0', m = '0', s = '0'] = iso;
    const ms = Number(d) * units.day! + Number(h) * units.hour! + Number(m) * units.minute! + Number(s) * units.second!;
    return ms > 0 ? ms : undefined;
  }
  const words = /^(\d+)\s*(second|minute|hour|day)s?$/i.exec(value.trim());
  if (words) return Number(words[1]) * (units[(words[2] as string).toLowerCase()] as number);
  return undefined;
}

/**
 * The windows a run covers: consecutive ranges of `windowMs` starting at the cursor (or, on a first run, the last
 * whole window), each ending no later than now minus the settle delay. Consecutive runs therefore cover
 * consecutive windows: no gap, no overlap.
 */
export function windowsToCover(cursorUntil: string | undefined, now: number, windowMs: number): TimeRange[] {
  const latestEnd = now - settleMs;
  let start = cursorUntil ? Date.parse(cursorUntil) : Math.floor(latestEnd / windowMs) * windowMs - windowMs;
  const windows: TimeRange[] = [];
  while (start + windowMs <= latestEnd && windows.length < maxWindowsPerRun) {
    windows.push({ since: new Date(start).toISOString(), until: new Date(start + windowMs).toISOString() });
    start += windowMs;
  }
  return windows;
}

/**
 * Pages of a bounded System Log query (`since` and `until` both set: ordered and filtered by `published`, a
 * finite number of pages), following the `next` links.
 */
export async function* boundedPages(
  okta: OktaClient,
  query: SearchQuery & TimeRange,
  options: CallOptions = {},
): AsyncGenerator<LogEvent[]> {
  const request = {
    method: 'GET' as const,
    path: '/api/v1/logs',
    query: {
      since: query.since,
      until: query.until,
      filter: query.filter,
      q: query.q,
      limit: 1000,
      sortOrder: 'ASCENDING',
    },
  };
  for await (const page of okta.pages<LogEvent>(request, options)) yield page.items;
}

/** Every event of a bounded query. */
export async function searchEvents(
  okta: OktaClient,
  query: SearchQuery & TimeRange,
  options: CallOptions = {},
): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  for await (const items of boundedPages(okta, query, options)) events.push(...items);
  return events;
}

export interface SearchResultsHeader extends TimeRange {
  connection: string;
  search: string;
  filter: string | null;
  q: string | null;
}

/**
 * The entries of one window's results, `Detail: {connection, search, filter, q, since, until, count, events, part,
 * parts}`, split into as many parts as needed to keep each entry under 256 KB (an event too large on its own is
 * trimmed as a single event is).
 */
export function searchResultEntries(
  header: SearchResultsHeader,
  events: LogEvent[],
  target: EntryTarget,
  time: Date,
): PutEventsRequestEntry[] {
  const build = (part: unknown[], index: number, parts: number): PutEventsRequestEntry => ({
    Source: target.source,
    DetailType: searchResultsDetailType,
    Time: time,
    EventBusName: target.eventBusName,
    Detail: JSON.stringify({ ...header, count: events.length, events: part, part: index, parts }),
  });
  // Part numbers take at most a few bytes each; 32 covers both numbers at any count.
  const emptySize = entrySize(build([], 0, 0)) + 32;
  const groups: unknown[][] = [[]];
  let groupSize = emptySize;
  for (const event of events) {
    let item: unknown = event;
    let size = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (emptySize + size > maxEntryBytes) {
      const fitted = trimToFit(
        event,
        (copy, trimmed) => emptySize + Buffer.byteLength(JSON.stringify({ ...copy, [markField]: { trimmed } })) + 1,
      );
      item = { ...fitted.event, [markField]: { trimmed: fitted.trimmed } };
      size = Buffer.byteLength(JSON.stringify(item)) + 1;
    }
    if (groupSize + size > maxEntryBytes && (groups[groups.length - 1] as unknown[]).length > 0) {
      groups.push([]);
      groupSize = emptySize;
    }
    (groups[groups.length - 1] as unknown[]).push(item);
    groupSize += size;
  }
  return groups.map((group, i) => build(group, i + 1, groups.length));
}
