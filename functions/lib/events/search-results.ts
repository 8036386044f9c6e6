/**
 * The "Okta Event Search Results" entries that carry one window's results (docs/CONTRACT.md §3).
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { entrySize, MARK_FIELD, MAX_ENTRY_BYTES, trimToFit, type EntryTarget, type LogEvent } from './event-format.js';
import type { TimeRange } from './time-range.js';

export const SEARCH_RESULTS_DETAIL_TYPE = 'Okta Event Search Results';

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
    DetailType: SEARCH_RESULTS_DETAIL_TYPE,
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
    if (emptySize + size > MAX_ENTRY_BYTES) {
      const fitted = trimToFit(
        event,
        (copy, trimmed) => emptySize + Buffer.byteLength(JSON.stringify({ ...copy, [MARK_FIELD]: { trimmed } })) + 1,
      );
      item = { ...fitted.event, [MARK_FIELD]: { trimmed: fitted.trimmed } };
      size = Buffer.byteLength(JSON.stringify(item)) + 1;
    }
    if (groupSize + size > MAX_ENTRY_BYTES && (groups[groups.length - 1] as unknown[]).length > 0) {
      groups.push([]);
      groupSize = emptySize;
    }
    (groups[groups.length - 1] as unknown[]).push(item);
    groupSize += size;
  }
  return groups.map((group, i) => build(group, i + 1, groups.length));
}
