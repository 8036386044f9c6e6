import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnection } from '../../../functions/lib/connections.js';
import { oktaClientFor } from '../../../functions/lib/okta/client.js';
import { handler as poll } from '../../../functions/triggers/poll-system-log.js';
import { contextWith, startWorld, uuidCounts, type TriggerWorld } from './harness.js';

let world: TriggerWorld;
const LIMIT = 20;

beforeAll(async () => {
  world = await startWorld({ rateLimits: { logs: LIMIT } });
});

afterAll(async () => {
  await world.close();
});

describe("poll-system-log under Okta's rate limit", () => {
  it('uses the window down to the reserve and never into it, then stops when the reset is too far to wait for', async () => {
    const uuids = world.sim.control
      .addLogEvents(Array.from({ length: 400 }, () => ({ eventType: 'user.session.start' })))
      .map((e) => e.uuid);
    let logRequests = 0;
    const stop = world.sim.observe((req) => {
      if (req.path === '/api/v1/logs') logRequests += 1;
    });
    // 30 s left: not enough to wait for the 60 s window to reset.
    const summary = await poll(
      {},
      contextWith(() => 30_000),
      { pageSize: 10 },
    );
    stop();
    // RATE_LIMIT_RESERVE is 0.1 by default: 2 of the 20 calls are left to the org's other apps.
    expect(summary.stoppedBecause).toBe('rate-limit');
    expect(logRequests).toBe(LIMIT - 2);

    // The next runs come after the window reset: the sim's windows start afresh, and each run is a new container
    // (a new Okta client, which has not seen the spent window).
    for (let run = 1; run <= 5; run++) {
      world.sim.control.resetRateLimits();
      const okta = oktaClientFor(await loadConnection());
      if (
        (
          await poll(
            {},
            contextWith(() => 30_000),
            { pageSize: 10, okta },
          )
        ).stoppedBecause === 'caught-up'
      )
        break;
    }
    const counts = uuidCounts(world.published());
    expect(uuids.every((uuid) => counts.get(uuid) === 1)).toBe(true);
  });
});
