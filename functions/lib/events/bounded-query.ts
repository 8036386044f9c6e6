/**
 * Bounded System Log queries (`since` and `until` both set), which the scheduled searches and the replay read.
 */
import type { LogEvent } from './event-format.js';
import type { TimeRange } from './time-range.js';
import type { CallOptions, OktaClient } from '../okta/client.js';

export interface SearchQuery extends Partial<TimeRange> {
  filter?: string;
  q?: string;
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
