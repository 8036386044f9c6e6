import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPollCursor } from '../../../functions/lib/events/cursors.js';
import { handler as poll } from '../../../functions/triggers/poll-system-log.js';
import { replayEvents, type ReplayProgress } from '../../../functions/lib/events/replay-run.js';
import { longContext, startWorld, uuidCounts, type TriggerWorld } from './harness.js';
import { match } from '../../support/match.js';

let world: TriggerWorld;
const MINUTE = 60_000;
const SINCE = new Date(Date.now() - 60 * MINUTE).toISOString();
const UNTIL = new Date(Date.now() - 10 * MINUTE).toISOString();
let creates: string[] = [];

beforeAll(async () => {
  world = await startWorld();
  const added = world.sim.control.addLogEvents(
    Array.from({ length: 2_400 }, (_, i) => ({
      eventType: i % 3 === 0 ? 'user.lifecycle.create' : 'user.session.start',
      published: new Date(Date.now() - 50 * MINUTE + i * 1_000).toISOString(),
    })),
  );
  creates = added.filter((event) => event.eventType === 'user.lifecycle.create').map((event) => event.uuid);
  // The live poller has published everything already.
  for (let run = 0; run < 5; run++) if ((await poll({}, longContext)).stoppedBecause === 'caught-up') break;
  world.aws.eventBridge.clear();
});

afterAll(async () => {
  await world.close();
});

describe('replay', () => {
  it('republishes the events of a past range of the given types, marked as replayed, bypassing the dedupe', async () => {
    const summary = await replayEvents({ since: SINCE, until: UNTIL, types: ['user.lifecycle.create'] });
    expect(summary).toMatchObject({ connection: 'default', published: creates.length, failed: 0, complete: true });
    const counts = uuidCounts(world.published());
    expect([...counts.keys()].sort()).toEqual([...creates].sort());
    expect(
      world
        .published()
        .every(
          (d) =>
            JSON.stringify(d['okta-connector']).includes('"trigger":"poll"') &&
            (d['okta-connector'] as { replayed?: boolean }).replayed === true,
        ),
    ).toBe(true);
  });

  it("leaves the live poller's cursor where it was", async () => {
    const before = await readPollCursor('default');
    await replayEvents({ since: SINCE, until: UNTIL, types: ['user.session.start'] });
    expect(await readPollCursor('default')).toEqual(before);
  });

  it('reports its progress after each page', async () => {
    const progress: ReplayProgress[] = [];
    const summary = await replayEvents({ since: SINCE, until: UNTIL }, { onProgress: (p) => progress.push(p) });
    expect(progress.length).toBe(summary.pages);
    expect(progress.at(-1)).toEqual({ published: 2_400, pages: summary.pages });
    expect(summary.pages).toBeGreaterThanOrEqual(3);
  });

  it('refuses a range older than the 90 days Okta keeps', async () => {
    const old = new Date(Date.now() - 91 * 86_400_000).toISOString();
    await expect(replayEvents({ since: old, until: UNTIL })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: match.stringContaining('90 days'),
    });
  });

  it('refuses an event type that is not one', async () => {
    await expect(replayEvents({ since: SINCE, until: UNTIL, types: ['x" or eventType pr'] })).rejects.toMatchObject({
      name: 'InvalidInput',
    });
  });
});
