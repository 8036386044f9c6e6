import { beforeAll, describe, expect, it } from 'vitest';
import { hookBurst, type HookBurstResult } from './hook-burst.js';
import { actionLoad, type ActionLoadResult } from './load.js';

// Smaller than the numbers (npm run soak -- --load runs those): two shared cores play Okta, AWS and the
// connector's containers, each a Node.js process.

// The stack's path through the isolated runtime: hook containers, the local SQS, the publisher's mapping.
describe('10 event hook deliveries of 100 events, 5 at once, through the isolated runtime and the hand-off queue', () => {
  let result: HookBurstResult;

  beforeAll(async () => {
    result = await hookBurst(10, 100, 5);
  }, 120_000);

  it('answers every delivery 2xx', () => {
    expect(result.refused).toBe(0);
  });

  it('puts every event on the bus once', () => {
    expect(result.missing).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.publishedOnce).toBe(1_000);
  });
});

describe('200 get-user calls from 8 containers at once on one client-credentials connection (limit 600 a minute)', () => {
  let result: ActionLoadResult;

  beforeAll(async () => {
    result = await actionLoad(200, 600, 8);
  }, 120_000);

  it('succeed, all of them', () => {
    expect(result.succeeded).toBe(200);
  });

  it('ask for one access token per container, which each container keeps for its calls', () => {
    expect(result.containers).toBeGreaterThanOrEqual(2);
    expect(result.tokenRequests).toBeGreaterThanOrEqual(1);
    expect(result.tokenRequests).toBeLessThanOrEqual(result.containers);
  });

  it("leave the reserve (10 % of the limit) to the org's other apps", () => {
    expect(result.lowestRemaining).toBeGreaterThanOrEqual(60);
  });
});
