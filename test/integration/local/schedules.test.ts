import { afterEach, describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../../local/runtime.js';
import { scheduleSecondsFromEnv, startSchedules, type Schedules } from '../../../local/schedules.js';

const slow = 'test/integration/local/fixtures/slow-handler.ts';
const state = globalThis as { slowRuns?: number; slowMaxActive?: number; slowPayloads?: unknown[] };
let schedules: Schedules | undefined;

afterEach(async () => {
  await schedules?.stop();
  state.slowRuns = 0;
  state.slowMaxActive = 0;
  state.slowPayloads = [];
});

describe('local schedules', () => {
  it('invokes the poller per connection with {connection} and each search with {connection, search}', async () => {
    schedules = startSchedules({
      runtime: createLocalRuntime(),
      connections: ['default', 'service'],
      searches: [{ connection: 'default', name: 'failed-logins' }],
      intervalSeconds: 60,
      pollerEntry: slow,
      searchEntry: slow,
    });
    await schedules.runAll();

    expect(state.slowPayloads).toEqual([
      { connection: 'default' },
      { connection: 'service' },
      { connection: 'default', search: 'failed-logins' },
    ]);
  });

  it('runs every interval and never overlaps a run with itself', async () => {
    const runs: string[] = [];
    schedules = startSchedules({
      runtime: createLocalRuntime(),
      connections: ['default'],
      intervalSeconds: 0.03,
      pollerEntry: slow, // each run takes 120 ms, four intervals
      onRun: ({ schedule }) => runs.push(schedule),
    });
    await new Promise((resolve) => setTimeout(resolve, 700));

    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(state.slowMaxActive).toBe(1);
  });

  it('reports each run with what the function returned', async () => {
    const outcomes: unknown[] = [];
    schedules = startSchedules({
      runtime: createLocalRuntime(),
      connections: ['default'],
      intervalSeconds: 60,
      pollerEntry: slow,
      onRun: ({ outcome }) => outcomes.push(outcome),
    });
    await schedules.runAll();

    expect(outcomes).toEqual([expect.objectContaining({ ok: true, result: { done: true } })]);
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
