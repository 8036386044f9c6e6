import { describe, expect, it } from 'vitest';
import { entrySize, MAX_ENTRY_BYTES, type LogEvent } from '../../../../functions/lib/events/event-format.js';
import { searchResultEntries } from '../../../../functions/lib/events/search-results.js';
import { durationMs, readSearches } from '../../../../functions/lib/events/search-settings.js';
import { SETTLE_MS, windowsToCover } from '../../../../functions/lib/events/search-windows.js';
import type { OktaEventDetail, SearchResultsDetail } from '../../../../infra/catalog-types.js';

const target = { source: 'okta-connector', eventBusName: 'default' };
const header = {
  connection: 'acme',
  search: 'failed-logins',
  filter: 'outcome.result eq "FAILURE"',
  q: null,
  since: '2026-01-01T00:00:00.000Z',
  until: '2026-01-01T00:15:00.000Z',
};

function events(count: number, padBytes: number): LogEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    uuid: `u${i}`,
    published: '2026-01-01T00:01:00.000Z',
    eventType: 'user.session.start',
    pad: 'x'.repeat(padBytes),
  }));
}

describe('readSearches', () => {
  it('reads the searches of SEARCHES', () => {
    const searches = readSearches({
      SEARCHES: JSON.stringify([
        { connection: 'acme', name: 's1', filter: 'eventType eq "a"', schedule: 'rate(15 minutes)', window: 'PT15M' },
      ]),
    });
    expect(searches).toEqual([
      {
        connection: 'acme',
        name: 's1',
        filter: 'eventType eq "a"',
        q: undefined,
        schedule: 'rate(15 minutes)',
        window: 'PT15M',
        windowMs: 900_000,
      },
    ]);
  });

  it('is empty when SEARCHES is not set', () => {
    expect(readSearches({})).toEqual([]);
  });

  it.each([
    ['not JSON', '[', /JSON array/],
    [
      'without a name',
      JSON.stringify([{ connection: 'a', schedule: 'rate(1 hour)', window: 60 }]),
      /SEARCHES\[0\]\.name/,
    ],
    [
      'with a bad window',
      JSON.stringify([{ connection: 'a', name: 'n', schedule: 'rate(1 hour)', window: 'soon' }]),
      /SEARCHES\[0\]\.window/,
    ],
  ])('names the problem when SEARCHES is %s', (_case, value, message) => {
    expect(() => readSearches({ SEARCHES: value })).toThrow(message);
  });
});

describe('durationMs', () => {
  it.each([
    ['PT15M', 900_000],
    ['P1D', 86_400_000],
    ['PT1H30M', 5_400_000],
    ['15 minutes', 900_000],
    ['1 hour', 3_600_000],
    [5, 300_000],
  ])('reads %s', (value, ms) => {
    expect(durationMs(value)).toBe(ms);
  });

  it.each(['P', 'PT0M', 'soon', 0])('refuses %s', (value) => {
    expect(durationMs(value)).toBeUndefined();
  });
});

describe('windowsToCover', () => {
  const window = 15 * 60_000;

  it('covers the last whole window on a first run', () => {
    const now = Date.parse('2026-01-01T01:00:00.000Z') + SETTLE_MS;
    expect(windowsToCover(undefined, now, window)).toEqual([
      { since: '2026-01-01T00:45:00.000Z', until: '2026-01-01T01:00:00.000Z' },
    ]);
  });

  it('starts where the cursor is and covers every whole window since, ending before now minus the settle delay', () => {
    const now = Date.parse('2026-01-01T01:10:00.000Z') + SETTLE_MS;
    expect(windowsToCover('2026-01-01T00:30:00.000Z', now, window)).toEqual([
      { since: '2026-01-01T00:30:00.000Z', until: '2026-01-01T00:45:00.000Z' },
      { since: '2026-01-01T00:45:00.000Z', until: '2026-01-01T01:00:00.000Z' },
    ]);
  });

  it('covers nothing while the next window has not settled', () => {
    const now = Date.parse('2026-01-01T01:14:00.000Z');
    expect(windowsToCover('2026-01-01T01:00:00.000Z', now, window)).toEqual([]);
  });

  it('leaves no gap and no overlap between consecutive runs', () => {
    let cursor: string | undefined;
    const covered: Array<{ since: string; until: string }> = [];
    for (let minute = 0; minute < 240; minute += 7) {
      const runWindows = windowsToCover(cursor, Date.parse('2026-01-01T00:00:00.000Z') + minute * 60_000, window);
      covered.push(...runWindows);
      cursor = runWindows.at(-1)?.until ?? cursor;
    }
    for (let i = 1; i < covered.length; i++) expect(covered[i]?.since).toBe(covered[i - 1]?.until);
    expect(covered.length).toBeGreaterThan(10);
  });
});

describe('searchResultEntries', () => {
  it('publishes the results in one entry when they fit', () => {
    const entries = searchResultEntries(header, events(3, 10), target, new Date(header.until));
    expect(entries).toHaveLength(1);
    expect(entries[0]?.DetailType).toBe('Okta Event Search Results');
    expect(JSON.parse(entries[0]?.Detail ?? '{}')).toMatchObject({ ...header, count: 3, part: 1, parts: 1 });
  });

  it('splits the results into parts under 256 KB, each carrying the total count', () => {
    const all = events(60, 10_000);
    const entries = searchResultEntries(header, all, target, new Date(header.until));
    expect(entries.length).toBeGreaterThan(2);
    const details = entries.map((entry) => JSON.parse(entry.Detail ?? '{}') as SearchResultsDetail);
    expect(entries.every((entry) => entrySize(entry) <= MAX_ENTRY_BYTES)).toBe(true);
    expect(details.flatMap((d) => d.events.map((e) => e.uuid))).toEqual(all.map((e) => e.uuid));
    expect(details.map((d) => [d.part, d.parts, d.count])).toEqual(details.map((_, i) => [i + 1, entries.length, 60]));
  });

  it('trims an event too large for an entry on its own rather than dropping it', () => {
    const entries = searchResultEntries(header, events(1, 300_000), target, new Date(header.until));
    expect(entries).toHaveLength(1);
    expect(entrySize(entries[0] ?? {})).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    const detail = JSON.parse(entries[0]?.Detail ?? '{}') as { events: OktaEventDetail[] };
    expect(detail.events[0]?.['okta-connector'].trimmed).toEqual(['pad']);
  });
});
