import { describe, expect, it } from 'vitest';
import { OktaUnavailable } from '../../functions/lib/errors.js';
import type { ScheduledSearchSummary } from '../../functions/triggers/scheduled-search.js';
import type { OktaSim } from '../../local/okta-sim/index.js';
import { checkRun, type Failure, type RunToCheck } from './soak-checks.js';
import type { CursorWrite, SoakWorld } from './soak-world.js';

// The soak's checks must see each kind of broken guarantee; a run's state is faked here, one breakage at a time.
const uuids = ['u-1', 'u-2', 'u-3'];
const entry = (uuid: string, connection = 'c') => ({
  DetailType: 'x',
  Detail: JSON.stringify({ uuid, 'okta-connector': { connection } }),
});
const next = (seq: number) => `http://127.0.0.1:1/api/v1/logs?after=1000_${seq}&limit=100`;

function run(
  overrides: {
    entries?: unknown[];
    writes?: CursorWrite[];
    failures?: Failure[];
    windows?: Array<[string, string]>;
    hookStatuses?: number[];
  } = {},
): RunToCheck {
  const sim = {
    org: { logEvents: () => uuids.map((uuid) => ({ uuid, eventType: 'x' })) },
    control: {
      hookDeliveries: () =>
        (overrides.hookStatuses ?? [200]).map((status) => ({ hookId: 'h', kind: 'deliver', status })),
    },
  } as unknown as OktaSim;
  const world = {
    aws: { eventBridge: { entries: () => overrides.entries ?? uuids.map((uuid) => entry(uuid)) } },
    cursorWrites: overrides.writes ?? [
      { pk: 'cursor#c#poll', version: 1, next: next(10) },
      { pk: 'cursor#c#poll', version: 2, next: next(20) },
    ],
  } as unknown as SoakWorld;
  const windows = (
    overrides.windows ?? [
      ['2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z'],
      ['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z'],
    ]
  ).map(([since, until]) => ({ since, until, count: 0, parts: 0 }));
  const searchSummaries = [{ windows } as unknown as ScheduledSearchSummary];
  return { sim, world, connection: 'c', failures: overrides.failures ?? [], searchSummaries, hookId: 'h' };
}

describe('the soak checks', () => {
  it('find nothing wrong in a run that kept every guarantee', () => {
    expect(checkRun(run())).toEqual([]);
  });

  it('see an event published twice', () => {
    expect(checkRun(run({ entries: [...uuids.map((u) => entry(u)), entry('u-2')] }))).toEqual([
      'event u-2 (x) published 2 times',
    ]);
  });

  it('see an event never published', () => {
    expect(checkRun(run({ entries: [entry('u-1'), entry('u-2')] }))).toEqual(['event u-3 (x) published 0 times']);
  });

  it('ignore what other connections published', () => {
    expect(checkRun(run({ entries: [...uuids.map((u) => entry(u)), entry('u-1', 'other')] }))).toEqual([]);
  });

  it('see the poll cursor move back', () => {
    const writes = [
      { pk: 'cursor#c#poll', version: 1, next: next(20) },
      { pk: 'cursor#c#poll', version: 2, next: next(10) },
    ];
    expect(checkRun(run({ writes }))[0]).toMatch(/poll cursor moved back at version 2/);
  });

  it('see a gap between search windows', () => {
    const windows: Array<[string, string]> = [
      ['2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z'],
      ['2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z'],
    ];
    expect(checkRun(run({ windows }))[0]).toMatch(/search windows not contiguous/);
  });

  it('accept a CONTRACT error and refuse any other failure', () => {
    const failures: Failure[] = [
      { where: 'action', error: new OktaUnavailable('down') },
      { where: 'poll', error: new TypeError('x is undefined') },
    ];
    expect(checkRun(run({ failures }))).toEqual(['poll failed with a non-CONTRACT error: TypeError: x is undefined']);
  });

  it('see the hook answer Okta a 4xx, which Okta never retries', () => {
    expect(checkRun(run({ hookStatuses: [200, 500, 400] }))).toEqual(['the event hook answered Okta 400']);
  });
});
