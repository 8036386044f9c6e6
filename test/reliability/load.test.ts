import { describe, expect, it } from 'vitest';
import { hookBurst, type HookBurstResult } from './hook-burst.js';
import { actionLoad, hookLoad, type ActionLoadResult, type HookLoadResult } from './load.js';

// Smaller than the 200 x 100 hook deliveries (npm run soak -- --load runs those): one process here plays
// Okta, the connector's containers and AWS on two cores shared with the rest of the suite.
describe("40 concurrent event hook deliveries of 50 events, with Okta's retry, then the poller", () => {
  let result: HookLoadResult;

  it('publishes every event', async () => {
    result = await hookLoad(40, 50);
    expect(result.missing).toBe(0);
  }, 60_000);

  it('publishes none twice', () => {
    expect(result.duplicates).toBe(0);
    expect(result.publishedByHook + result.publishedByPoller).toBe(2_000);
  });
});

// The stack's path through the isolated runtime: hook containers, the local SQS, the publisher's mapping.
describe('10 event hook deliveries of 100 events, 5 at once, through the isolated runtime and the hand-off queue', () => {
  let result: HookBurstResult;

  it('answers every delivery 2xx', async () => {
    result = await hookBurst(10, 100, 5);
    expect(result.refused).toBe(0);
  }, 120_000);

  it('puts every event on the bus once', () => {
    expect(result.missing).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.publishedOnce).toBe(1_000);
  });
});

describe('500 concurrent get-user calls on one client-credentials connection (limit 600 a minute)', () => {
  let result: ActionLoadResult;

  it('succeed, all of them', async () => {
    result = await actionLoad(500, 600);
    expect(result.succeeded).toBe(500);
  }, 60_000);

  it('share one access token', () => {
    expect(result.tokenRequests).toBe(1);
  });

  it("leave the reserve (10 % of the limit) to the org's other apps", () => {
    expect(result.lowestRemaining).toBeGreaterThanOrEqual(60);
  });
});
