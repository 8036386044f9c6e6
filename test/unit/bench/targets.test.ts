import { describe, expect, it } from 'vitest';
import type { MeasurementResult } from '../../../bench/report.js';
import { evaluateTargets } from '../../../bench/targets.js';
import { match } from '../../support/match.js';

const measurement = (
  id: string,
  figures: Record<string, unknown>,
  status: MeasurementResult['status'] = 'measured',
): MeasurementResult => ({ id, title: id, status, notes: [], figures });

const target = (results: MeasurementResult[], text: string) =>
  evaluateTargets(results).find((t) => t.target.includes(text));

describe('evaluateTargets', () => {
  it('reports a target whose measurement did not run as not measured, never as met', () => {
    expect(target([], 'under 300 ms')).toMatchObject({ met: undefined, measured: 'not measured' });
  });

  it('does not judge a measurement whose part is missing', () => {
    expect(target([measurement('event-hook', { p99Ms: 10 }, 'missing')], 'under 300 ms')?.met).toBeUndefined();
  });

  it('judges the cold start on the worst ratio among the functions with a peer', () => {
    const coldStart = measurement('cold-start', {
      functions: {
        'get-user': { vsSdk: { coldStart: 0.1 } },
        'poll-system-log': { vsSdk: { coldStart: 0.3 } },
        'event-hook': {},
      },
    });
    expect(target([coldStart], 'cold start at most')).toMatchObject({
      met: false,
      measured: match.stringContaining('poll-system-log'),
    });
  });

  it("meets the local runtime's overhead target under 2 ms at p50, and misses it at 2 ms", () => {
    const runtime = (ms: number) => [measurement('runtime', { runtimeOverheadP50Ms: ms })];
    expect(target(runtime(0.104), 'local runtime')).toMatchObject({ met: true, measured: '0.104 ms' });
    expect(target(runtime(2), 'local runtime')?.met).toBe(false);
  });

  it('misses the event hook target at a p99 of 300 ms', () => {
    expect(target([measurement('event-hook', { p99Ms: 300 })], 'under 300 ms')?.met).toBe(false);
  });

  it('counts a 429 on the logs bucket as dipping into the reserve', () => {
    const poller = measurement('poller', {
      connector: { reserveKept: false, lowestRemaining: 0, limit: 120, reserveRequests: 12, tooManyRequests: 3 },
    });
    expect(target([poller], 'never dips')?.met).toBe(false);
  });

  it('misses the ceiling target when the share falls under 95% where the limit binds', () => {
    const poller = measurement('poller', {
      connector: { shareOfCeiling: 1.8 },
      binding: { limit: 30, connector: { shareOfCeiling: 0.9 } },
    });
    expect(target([poller], 'of the ceiling')?.met).toBe(false);
  });

  it('allows one request per run above one per 1,000 events (the page that says the backlog is done)', () => {
    const poller = measurement('poller', { connector: { requestsPer1000Events: 1.02, runs: 2, events: 100_000 } });
    expect(target([poller], 'one Okta request per 1,000')?.met).toBe(true);
  });

  it('misses the paging memory target when the peak grows more than 10% from 5,000 to 20,000 users', () => {
    const paging = measurement('paging', {
      flatMemoryTolerance: 0.1,
      results: { 'search-users': { 5000: { peakRssMB: 100 }, 20000: { peakRssMB: 111 } } },
    });
    expect(target([paging], 'search-users: memory')?.met).toBe(false);
  });

  it('judges memory on the largest connector function, leaving the SDK peers out', () => {
    const memory = measurement('memory', {
      rssLimitMB: 128,
      functions: { 'get-user': { peakRssMB: 60 }, 'sdk:get-user': { peakRssMB: 150 } },
    });
    expect(target([memory], 'peak RSS')).toMatchObject({ met: true, measured: match.stringContaining('get-user') });
  });
});
