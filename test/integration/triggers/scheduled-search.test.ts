import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSearchCursor } from '../../../functions/lib/events/cursors.js';
import type { LogEvent } from '../../../functions/lib/events/event-format.js';
import { durationMs } from '../../../functions/lib/events/search-settings.js';
import {
  handler as search,
  type DirectSearchResult,
  type ScheduledSearchSummary,
} from '../../../functions/triggers/scheduled-search.js';
import { longContext, startWorld, type TriggerWorld } from './harness.js';
import { failEntriesCounted } from '../../support/fault-counters.js';
import type { SearchResultsDetail } from '../../../infra/catalog-types.js';

let world: TriggerWorld;
const MINUTE = 60_000;
const START = Date.now() - 150 * MINUTE;
const searchConfig = {
  connection: 'default',
  name: 'failed-logins',
  filter: 'eventType eq "user.session.start" and outcome.result eq "FAILURE"',
  schedule: 'rate(15 minutes)',
  window: 'PT15M',
  windowMs: durationMs('PT15M') as number,
};

/** Events over the last 2.5 hours: one matching and one not, every 3 minutes. */
let matching: LogEvent[] = [];

beforeAll(async () => {
  world = await startWorld();
  const added = world.sim.control.addLogEvents(
    Array.from({ length: 100 }, (_, i) => ({
      eventType: i % 2 === 0 ? 'user.session.start' : 'user.lifecycle.create',
      published: new Date(START + Math.floor(i / 2) * 3 * MINUTE).toISOString(),
      outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
    })),
  );
  matching = added.filter((event) => event.eventType === 'user.session.start');
});

afterAll(async () => {
  await world.close();
});

describe('scheduled-search', () => {
  it('covers consecutive windows across runs with no gap and no overlap, each matching event published once', async () => {
    const runs: ScheduledSearchSummary[] = [];
    // Runs every 20 minutes (a schedule slower than the window), from 2 hours ago to now.
    for (let at = START + 20 * MINUTE; at <= Date.now(); at += 20 * MINUTE) {
      runs.push(
        (await search({ connection: 'default', search: 'failed-logins' }, longContext, {
          searches: [searchConfig],
          now: () => at,
        })) as ScheduledSearchSummary,
      );
    }
    const windows = runs.flatMap((run) => run.windows);
    for (let i = 1; i < windows.length; i++) expect(windows[i]?.since).toBe(windows[i - 1]?.until);
    expect(windows.every((w) => Date.parse(w.until) - Date.parse(w.since) === 15 * MINUTE)).toBe(true);

    const details = world.published();
    const found = details.flatMap((detail) => (detail.events as LogEvent[]).map((event) => event.uuid));
    expect(new Set(found).size).toBe(found.length);
    const first = Date.parse(windows[0]?.since ?? '');
    const last = Date.parse(windows.at(-1)?.until ?? '');
    const expected = matching
      .filter((event) => Date.parse(event.published) >= first && Date.parse(event.published) < last)
      .map((event) => event.uuid);
    expect(found.sort()).toEqual(expected.sort());
    expect((await readSearchCursor('default', 'failed-logins')).until).toBe(windows.at(-1)?.until);
  });

  it('publishes each window as Okta Event Search Results with the CONTRACT fields', () => {
    const entry = world.aws.eventBridge.entries()[0];
    expect(entry?.DetailType).toBe('Okta Event Search Results');
    const detail = JSON.parse(entry?.Detail ?? '{}') as SearchResultsDetail;
    expect(Object.keys(detail).sort()).toEqual([
      'connection',
      'count',
      'events',
      'filter',
      'part',
      'parts',
      'q',
      'search',
      'since',
      'until',
    ]);
    expect(detail).toMatchObject({
      connection: 'default',
      search: 'failed-logins',
      filter: searchConfig.filter,
      q: null,
      part: 1,
      parts: 1,
    });
    expect(detail.count).toBe(detail.events.length);
  });

  it('keeps the cursor on a window EventBridge refused and covers that window again next run', async () => {
    const other = { ...searchConfig, name: 'all-sign-ins', filter: 'eventType eq "user.session.start"' };
    const at = START + 40 * MINUTE;
    world.aws.eventBridge.clear();
    const failedEntries = failEntriesCounted(world.aws.eventBridge, { count: 5, errorCode: 'InternalFailure' });
    const failed = (await search({ connection: 'default', search: 'all-sign-ins' }, longContext, {
      searches: [other],
      now: () => at,
    })) as ScheduledSearchSummary;
    expect(failed.stoppedBecause).toBe('publish-failed');
    expect(failedEntries()).toBe(5);
    expect((await readSearchCursor('default', 'all-sign-ins')).until).toBeUndefined();
    const retried = (await search({ connection: 'default', search: 'all-sign-ins' }, longContext, {
      searches: [other],
      now: () => at,
    })) as ScheduledSearchSummary;
    expect(retried).toMatchObject({ stoppedBecause: 'caught-up', published: 1 });
    expect(retried.windows).toHaveLength(1);
  });

  it('lets one run at a time cover a search: two runs at once publish each window once', async () => {
    const both = { ...searchConfig, name: 'overlapping-runs', filter: 'eventType eq "user.session.start"' };
    const at = START + 60 * MINUTE;
    world.aws.eventBridge.clear();
    const runs = await Promise.all(
      [1, 2].map(
        () =>
          search({ connection: 'default', search: 'overlapping-runs' }, longContext, {
            searches: [both],
            now: () => at,
          }) as Promise<ScheduledSearchSummary>,
      ),
    );
    const windows = runs.flatMap((run) => run.windows.map((w) => `${w.since}/${w.until}`));
    expect(windows.length).toBeGreaterThan(0);
    expect(new Set(windows).size).toBe(windows.length);
    const published = world.aws.eventBridge.entries().map((entry) => {
      const detail = JSON.parse(entry.Detail ?? '{}') as { since: string; until: string; part: number };
      return `${detail.since}/${detail.until}#${detail.part}`;
    });
    expect(new Set(published).size).toBe(published.length);
    // The second run waited for the first (or gave up on it) and found the windows covered.
    expect(runs.map((run) => run.windows.length).sort((a, b) => a - b)[0]).toBe(0);
  });

  it('answers a direct invoke with the events of the range, leaving the cursor alone', async () => {
    const before = await readSearchCursor('default', 'failed-logins');
    const since = new Date(START).toISOString();
    const until = new Date(START + 30 * MINUTE).toISOString();
    const result = (await search(
      { filter: 'eventType eq "user.session.start"', since, until },
      longContext,
    )) as DirectSearchResult;
    expect(result.since).toBe(since);
    expect(result.until).toBe(until);
    expect(result.events.map((e) => e.uuid)).toEqual(matching.slice(0, 10).map((e) => e.uuid));
    expect(await readSearchCursor('default', 'failed-logins')).toEqual(before);
  });

  it('refuses a direct invoke whose range is not a range', async () => {
    await expect(
      search({ since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }, longContext),
    ).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});
