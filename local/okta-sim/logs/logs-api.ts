/**
 * `GET /api/v1/logs` with the System Log query semantics (facts §3):
 * - a **polling** request (no `until`, ASCENDING) walks events in persistence order from its `after` cursor and
 *   always has a `next` link, even on an empty page, so late events are never skipped;
 * - a **bounded** request (`until`, or DESCENDING) walks events by `published` between `since` and `until` and
 *   has a finite number of pages.
 * The `after` cursors are opaque strings: `<ms>_<sequence>` (polling) and `<ms>_<sequence>_<since>` (bounded).
 */
import { OktaApiError } from '../errors.js';
import type { Org } from '../org.js';
import { linkHeaders, readLimit } from '../paging.js';
import {
  FilterSyntaxError,
  matchesFilter,
  parseFilter,
  walkComparisons,
  type FilterExpression,
} from '../scim-filter.js';
import type { StoredEvent } from './system-log.js';
import type { Route, SimRequest, SimResponse } from '../types.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const RETENTION_MS = 90 * DAY_MS;
const DEFAULT_WINDOW_MS = 7 * DAY_MS;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

interface LogQuery {
  sinceMs?: number;
  untilMs?: number;
  after?: { ms: number; seq: number; sinceMs?: number };
  descending: boolean;
  limit: number;
  matches: (stored: StoredEvent) => boolean;
}

function readDate(req: SimRequest, name: 'since' | 'until'): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return undefined;
  const ms = Date.parse(raw);
  if (!ISO_DATE.test(raw) || Number.isNaN(ms)) {
    throw new OktaApiError('E0000001', {
      causes: [
        `${name}: The date format in your query is not recognized. Please enter dates using ISO8601 string format.. 'must be a valid date-time or empty'`,
      ],
      summaryArgument: name,
    });
  }
  return ms;
}

function readFilter(text: string): FilterExpression {
  let expression: FilterExpression;
  try {
    expression = parseFilter(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError)
      throw new OktaApiError('E0000053', { causes: [`Invalid filter: ${error.message}`] });
    throw error;
  }
  const problems: string[] = [];
  walkComparisons(expression, ({ attribute, operator }) => {
    if (attribute === 'published')
      problems.push('published: The field cannot be used in a filter; use since and until');
    if (
      operator === 'co' &&
      (attribute === 'debugContext.debugData.url' || attribute === 'debugContext.debugData.requestUri')
    ) {
      problems.push(`${attribute}: The "co" operator is not supported on this field`);
    }
  });
  if (problems.length > 0) throw new OktaApiError('E0000031', { causes: problems });
  return expression;
}

function readKeywords(q: string | null): string[] {
  if (q === null || q.trim() === '') return [];
  const keywords = q.trim().toLowerCase().split(/\s+/);
  if (keywords.length > 10)
    throw new OktaApiError('E0000001', {
      causes: ['q: There are more than 10 keywords in the query'],
      summaryArgument: 'q',
    });
  const tooLong = keywords.find((keyword) => keyword.length > 40);
  if (tooLong)
    throw new OktaApiError('E0000001', {
      causes: [`q: The keyword ${tooLong} is longer than 40 characters`],
      summaryArgument: 'q',
    });
  return keywords;
}

function readCursor(raw: string | null): LogQuery['after'] | undefined {
  if (raw === null) return undefined;
  const [ms, seq, sinceMs] = raw.split('_').map(Number);
  if (ms === undefined || seq === undefined || !Number.isInteger(ms) || !Number.isInteger(seq)) {
    throw new OktaApiError('E0000001', { causes: ['after: The cursor is not valid'], summaryArgument: 'after' });
  }
  return { ms, seq, ...(sinceMs !== undefined && Number.isInteger(sinceMs) ? { sinceMs } : {}) };
}

function readQuery(org: Org, req: SimRequest): LogQuery & { polling: boolean } {
  const sinceMs = readDate(req, 'since');
  const untilMs = readDate(req, 'until');
  if (sinceMs !== undefined && req.query.has('after')) {
    throw new OktaApiError('E0000001', {
      causes: ['since: The since and after parameters cannot be used together'],
      summaryArgument: 'since',
    });
  }
  const sortOrder = (req.query.get('sortOrder') ?? 'ASCENDING').toUpperCase();
  if (sortOrder !== 'ASCENDING' && sortOrder !== 'DESCENDING') {
    throw new OktaApiError('E0000001', {
      causes: ['sortOrder: The field must be ASCENDING or DESCENDING'],
      summaryArgument: 'sortOrder',
    });
  }
  const limit = readLimit(req, { defaultLimit: 100, max: 1000 });
  const after = readCursor(req.query.get('after'));
  const filterText = req.query.get('filter');
  const expression = filterText ? readFilter(filterText) : undefined;
  const keywords = readKeywords(req.query.get('q'));

  const retentionStart = org.clock.now() - RETENTION_MS;
  const matches = (stored: StoredEvent): boolean => {
    if (stored.publishedMs < retentionStart) return false;
    if (expression && !matchesFilter(expression, stored.event)) return false;
    if (keywords.length > 0) {
      stored.text ??= JSON.stringify(stored.event).toLowerCase();
      const text = stored.text;
      if (!keywords.every((keyword) => text.includes(keyword))) return false;
    }
    return true;
  };
  const descending = sortOrder === 'DESCENDING';
  return { sinceMs, untilMs, after, descending, limit, matches, polling: untilMs === undefined && !descending };
}

/** A polling page: persistence order from the cursor; `next` always points at where this page stopped. */
function pollingPage(org: Org, req: SimRequest, query: LogQuery): SimResponse {
  const events = org.log.inPersistenceOrder();
  const sinceMs = query.after
    ? undefined
    : Math.max(query.sinceMs ?? org.clock.now() - DEFAULT_WINDOW_MS, org.clock.now() - RETENTION_MS);
  let index = query.after
    ? Math.min(query.after.seq, events.length)
    : org.log.firstPersistedAtOrAfter(sinceMs as number);
  const page: StoredEvent[] = [];
  while (index < events.length && page.length < query.limit) {
    const stored = events[index] as StoredEvent;
    index++;
    if (sinceMs !== undefined && stored.publishedMs < sinceMs) continue;
    if (query.matches(stored)) page.push(stored);
  }
  const lastScanned = events[index - 1];
  const cursor = `${lastScanned?.persistedAt ?? org.clock.now()}_${index}`;
  return {
    status: 200,
    headers: { link: linkHeaders(org, req, query.limit, { after: cursor, since: null }) },
    body: page.map((stored) => stored.event),
  };
}

/** A bounded page: `published` order between since and until; `next` only while matching events remain. */
function boundedPage(org: Org, req: SimRequest, query: LogQuery): SimResponse {
  const log = org.log;
  const events = log.inPublishedOrder();
  const untilMs = query.untilMs ?? org.clock.now();
  const sinceMs = Math.max(
    query.after?.sinceMs ?? query.sinceMs ?? untilMs - DEFAULT_WINDOW_MS,
    org.clock.now() - RETENTION_MS,
  );
  const step = query.descending ? -1 : 1;
  let index: number;
  if (query.descending)
    index =
      (query.after
        ? log.publishedInsertionPoint(query.after.ms, query.after.seq)
        : log.publishedInsertionPoint(untilMs, 0)) - 1;
  else
    index = query.after
      ? log.publishedInsertionPoint(query.after.ms, query.after.seq + 1)
      : log.publishedInsertionPoint(sinceMs, 0);
  const inRange = (stored: StoredEvent): boolean => stored.publishedMs >= sinceMs && stored.publishedMs < untilMs;
  const page: StoredEvent[] = [];
  let hasMore = false;
  for (; index >= 0 && index < events.length; index += step) {
    const stored = events[index] as StoredEvent;
    if (!inRange(stored)) break;
    if (!query.matches(stored)) continue;
    if (page.length === query.limit) {
      hasMore = true;
      break;
    }
    page.push(stored);
  }
  const last = page[page.length - 1];
  const next =
    hasMore && last
      ? { after: `${last.publishedMs}_${last.seq}_${sinceMs}`, since: null, until: new Date(untilMs).toISOString() }
      : undefined;
  return {
    status: 200,
    headers: { link: linkHeaders(org, req, query.limit, next) },
    body: page.map((stored) => stored.event),
  };
}

export function logRoutes(org: Org): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/api/v1/logs',
      bucket: 'logs',
      scopes: ['okta.logs.read'],
      handler: (req) => {
        const query = readQuery(org, req);
        return query.polling ? pollingPage(org, req, query) : boundedPage(org, req, query);
      },
    },
  ];
}
