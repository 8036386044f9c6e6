import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readPollCursor, writePollCursor } from '../../../functions/lib/events/cursors.js';
import { handler as poll } from '../../../functions/triggers/poll-system-log.js';
import { contextWith, longContext, startWorld, uuidCounts, type TriggerWorld } from './harness.js';
import { countEventBridgeThrottles, failEntriesCounted, timesFired } from '../../support/fault-counters.js';
import { match } from '../../support/match.js';
import type { OktaEventDetail } from '../../../infra/catalog-types.js';

let world: TriggerWorld;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world.close();
});

/** Polls until a run ends caught up, so every test starts from a quiet log and an empty bus. */
beforeEach(async () => {
  world.sim.control.clearFaults();
  for (let run = 0; run < 20; run++) {
    if ((await poll({}, longContext)).stoppedBecause === 'caught-up') break;
  }
  world.aws.eventBridge.clear();
});

function addEvents(count: number, eventType = 'user.lifecycle.create'): string[] {
  return world.sim.control.addLogEvents(Array.from({ length: count }, () => ({ eventType }))).map((e) => e.uuid);
}

/** Asserts that exactly `uuids` were published, each once. */
function expectPublishedOnce(uuids: string[]): void {
  const counts = uuidCounts(world.published());
  expect([...counts.keys()].sort()).toEqual([...uuids].sort());
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
}

describe('poll-system-log', () => {
  it('publishes new System Log events in the CONTRACT format', async () => {
    const [uuid] = addEvents(1);
    const summary = await poll({ connection: 'default' }, longContext);
    expect(summary).toMatchObject({ connection: 'default', published: 1, stoppedBecause: 'caught-up' });
    const [entry] = world.aws.eventBridge.entries();
    const stored = world.sim.org.logEvents().find((e) => e.uuid === uuid);
    expect(entry).toMatchObject({
      Source: 'okta-connector',
      DetailType: 'user.lifecycle.create',
      EventBusName: 'okta-bus',
      Time: stored?.published,
    });
    const detail = JSON.parse(entry?.Detail ?? '{}') as OktaEventDetail;
    expect(detail).toEqual({
      ...stored,
      'okta-connector': { connection: 'default', trigger: 'poll', receivedAt: match.any(String) },
    });
  });

  it('reads with Okta polling requests: since once, then the stored next link', async () => {
    const paths: string[] = [];
    const stop = world.sim.observe((req) => paths.push(req.url.search));
    addEvents(3);
    await poll({}, longContext);
    stop();
    const cursor = await readPollCursor('default');
    expect(cursor.next).toContain('after=');
    expect(paths.some((p) => p.includes('until='))).toBe(false);
  });

  it('restarts a lost cursor from the last published event minus an overlap, dedupe absorbing it', async () => {
    const early = addEvents(5);
    await poll({}, longContext);
    const cursor = await readPollCursor('default');
    // A next link Okta no longer takes.
    await writePollCursor('default', cursor, { next: `${world.sim.url}/api/v1/logs?after=not-a-cursor&limit=1000` });
    const late = addEvents(5);
    world.aws.eventBridge.clear();
    const summary = await poll({}, longContext);
    expect(summary.duplicates).toBeGreaterThanOrEqual(5);
    expectPublishedOnce(late);
    expect(early.every((uuid) => !uuidCounts(world.published()).has(uuid))).toBe(true);
  });

  it('catches up a backlog of 50,000 events across runs, each published exactly once', async () => {
    const uuids = addEvents(50_000);
    const runs: string[] = [];
    // Each run has time for a part of the backlog only: its remaining time runs out after some pages.
    for (let run = 0; run < 10; run++) {
      let calls = 0;
      const summary = await poll(
        {},
        contextWith(() => (calls++ < 40 ? 60_000 : 10_000)),
      );
      runs.push(summary.stoppedBecause);
      if (summary.stoppedBecause === 'caught-up') break;
    }
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.at(-1)).toBe('caught-up');
    expectPublishedOnce(uuids);
  }, 240_000);

  it('loses and duplicates nothing through 429s, 5xx and a dropped connection', async () => {
    const uuids = addEvents(1_500);
    const faults = [
      world.sim.control.addFault({ type: 'rate-limit', path: '^/api/v1/logs', count: 2 }),
      world.sim.control.addFault({ type: 'server-error', path: '^/api/v1/logs', count: 2, status: 503 }),
      world.sim.control.addFault({ type: 'drop', path: '^/api/v1/logs', count: 1 }),
    ];
    for (let run = 0; run < 10; run++) if ((await poll({}, longContext)).stoppedBecause === 'caught-up') break;
    expectPublishedOnce(uuids);
    expect(faults.map((fault) => timesFired(world.sim, fault))).toEqual([2, 2, 1]);
  });

  it('loses and duplicates nothing when EventBridge fails entries and throttles calls', async () => {
    const uuids = addEvents(1_200);
    const failedEntries = failEntriesCounted(world.aws.eventBridge, { count: 15, errorCode: 'InternalFailure' });
    const throttles = countEventBridgeThrottles();
    world.aws.eventBridge.throttle(3);
    for (let run = 0; run < 10; run++) if ((await poll({}, longContext)).stoppedBecause === 'caught-up') break;
    expectPublishedOnce(uuids);
    expect(failedEntries()).toBe(15);
    expect(throttles()).toBe(3);
  });

  it('keeps the cursor on a page EventBridge kept refusing, and publishes it on the next run', async () => {
    const uuids = addEvents(20);
    // 20 entries, 5 attempts each: every attempt of the run fails.
    const failedEntries = failEntriesCounted(world.aws.eventBridge, { count: 100, errorCode: 'InternalFailure' });
    const before = await readPollCursor('default');
    const failed = await poll({}, longContext);
    expect(failedEntries()).toBe(100);
    expect(failed.stoppedBecause).toBe('publish-failed');
    expect((await readPollCursor('default')).next).toBe(before.next);
    const second = await poll({}, longContext);
    expect(second).toMatchObject({ published: 20, stoppedBecause: 'caught-up' });
    expectPublishedOnce(uuids);
  });

  it('stops before the Lambda deadline in the middle of a backlog and goes on next run', async () => {
    const uuids = addEvents(1_500);
    let calls = 0;
    // Enough time for one page only.
    const first = await poll(
      {},
      contextWith(() => (calls++ < 1 ? 60_000 : 10_000)),
    );
    expect(first).toMatchObject({ stoppedBecause: 'deadline', pages: 1 });
    expect(first.published).toBe(1_000);
    const second = await poll({}, longContext);
    expect(second.stoppedBecause).toBe('caught-up');
    expectPublishedOnce(uuids);
  });

  it("loses and duplicates nothing when a page's publish is cut short by its deadline", async () => {
    const uuids = addEvents(500);
    // A short lock lease puts the publish deadline ~200 ms after the page is read; slow EventBridge calls and
    // failed entries make the page's retries run past it.
    world.aws.eventBridge.delay(300);
    const failedEntries = failEntriesCounted(world.aws.eventBridge, { count: 40, errorCode: 'InternalFailure' });
    const cut = await poll({}, longContext, { publish: { dedupe: { leaseMs: 5_200 } } });
    world.aws.eventBridge.delay(0);
    expect(failedEntries()).toBeGreaterThan(0);
    expect(cut.stoppedBecause).toBe('publish-failed');
    expect(cut.published).toBeGreaterThan(0);
    expect(cut.published).toBeLessThan(500);
    const next = await poll({}, longContext);
    expect(next.published).toBe(500 - cut.published);
    expectPublishedOnce(uuids);
  });

  it('publishes each event once when two pollers run at once', async () => {
    const uuids = addEvents(1_500);
    const [a, b] = await Promise.all([poll({}, longContext), poll({}, longContext)]);
    expect([a.stoppedBecause, b.stoppedBecause]).toContain('cursor-conflict');
    for (let run = 0; run < 5; run++) if ((await poll({}, longContext)).stoppedBecause === 'caught-up') break;
    expectPublishedOnce(uuids);
  });

  it('records its lag as now minus the newest published event', async () => {
    addEvents(1);
    const twoMinutesLater = () => Date.now() + 120_000;
    const summary = await poll({}, longContext, { now: twoMinutesLater });
    expect(summary.lagSeconds).toBeGreaterThanOrEqual(119);
    expect(summary.lagSeconds).toBeLessThan(130);
  });
});
