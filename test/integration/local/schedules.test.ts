import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../../local/runtime.js';
import { scheduleSecondsFromEnv, startSchedules, type Schedules } from '../../../local/schedules.js';
import { match } from '../../support/match.js';

// The handlers run in the runtime's containers: what they saw comes back in their results, and how many ran at once
// in the runtime's stats. One runtime for the file, so its containers stay warm from test to test.
const SLOW = 'test/integration/local/fixtures/slow-handler.ts';
const runtime = createLocalRuntime();
let schedules: Schedules | undefined;

afterEach(async () => {
  await schedules?.stop();
});
afterAll(() => runtime.close());

const payloadOf = (outcome: unknown) => (outcome as { result: { event: unknown } }).result.event;

describe('local schedules', () => {
  it('invokes the poller per connection with {connection} and each search with {connection, search}', async () => {
    const payloads: unknown[] = [];
    schedules = startSchedules({
      runtime,
      connections: ['default', 'service'],
      searches: [{ connection: 'default', name: 'failed-logins' }],
      intervalSeconds: 60,
      pollerEntry: SLOW,
      searchEntry: SLOW,
      onRun: ({ outcome }) => payloads.push(payloadOf(outcome)),
    });
    await schedules.runAll();

    expect(payloads).toEqual(
      match.arrayContaining([
        { connection: 'default' },
        { connection: 'service' },
        { connection: 'default', search: 'failed-logins' },
      ]),
    );
    expect(payloads).toHaveLength(3);
  });

  it('runs every interval and never overlaps a run with itself', async () => {
    const runs: string[] = [];
    const own = createLocalRuntime();
    // A warm container first, so the window below measures the schedule and not a cold start on a loaded machine.
    await own.invoke({ name: 'poll-system-log', entry: SLOW }, { ms: 1 });
    schedules = startSchedules({
      runtime: own,
      connections: ['default'],
      intervalSeconds: 0.03,
      pollerEntry: SLOW, // each run takes 120 ms, four intervals
      onRun: ({ schedule }) => runs.push(schedule),
    });
    await new Promise((resolve) => setTimeout(resolve, 700));

    await schedules.stop();
    const poller = own.stats().functions.find((f) => f.functionName === 'okta-connector-poll-system-log');
    await own.close();

    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(poller?.peakBusy).toBe(1);
  });

  it('reports each run with what the function returned', async () => {
    const outcomes: unknown[] = [];
    schedules = startSchedules({
      runtime,
      connections: ['default'],
      intervalSeconds: 60,
      pollerEntry: SLOW,
      onRun: ({ outcome }) => outcomes.push(outcome),
    });
    await schedules.runAll();

    expect(outcomes).toEqual([
      match.objectContaining({ ok: true, result: { done: true, event: { connection: 'default' } } }),
    ]);
  });

  it.each([
    [undefined, 60],
    ['2', 2],
    ['0.5', 0.5],
  ])('reads LOCAL_SCHEDULE_SECONDS=%s as %d seconds', (raw, seconds) => {
    expect(scheduleSecondsFromEnv({ LOCAL_SCHEDULE_SECONDS: raw })).toBe(seconds);
  });

  it('refuses a LOCAL_SCHEDULE_SECONDS that is not a positive number', () => {
    expect(() => scheduleSecondsFromEnv({ LOCAL_SCHEDULE_SECONDS: 'soon' })).toThrow(/LOCAL_SCHEDULE_SECONDS/);
  });
});
