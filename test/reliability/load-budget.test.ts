import { beforeAll, describe, expect, it } from 'vitest';
import { budgetLoad, budgetLoadLines, type BudgetLoadResult } from './load-budget.js';

// Smaller than the 2,000 calls (`npm run soak -- --load` runs those), in the sandbox's isolated runtime.
describe('400 action calls over 5 functions, 20 containers busy at once, through the Lambda Invoke API (user-get 200 and users 50 a minute)', () => {
  let result: BudgetLoadResult;

  beforeAll(async () => {
    result = await budgetLoad({ calls: 400, workers: 20, limits: { 'user-get': 200, users: 50 } });
    console.log(budgetLoadLines(result).join('\n'));
  }, 180_000);

  it('run in containers of their own: 5 functions, at least 20 containers busy at once, none throttled', () => {
    expect(result.functions).toBe(5);
    expect(result.containers).toBeGreaterThanOrEqual(20);
    expect(result.peakBusy).toBeGreaterThanOrEqual(20);
    expect(result.throttles).toBe(0);
  });

  it("never take Okta's Remaining under the reserve of either bucket, and get no 429 from Okta", () => {
    expect(result.buckets['user-get'].okta429s).toBe(0);
    expect(result.buckets.users.okta429s).toBe(0);
    expect(result.buckets['user-get'].lowestRemaining).toBeGreaterThanOrEqual(20);
    expect(result.buckets.users.lowestRemaining).toBeGreaterThanOrEqual(5);
  });

  it('end done or refused with OktaRateLimited and a truthful retryAfterSeconds, with both limits binding', () => {
    expect(result.otherErrors).toEqual({});
    expect(result.done + result.refused).toBe(400);
    expect(result.refused).toBeGreaterThan(0);
    // Each bucket's share: the limit less the reserve, at most.
    expect(result.buckets['user-get'].oktaCalls).toBeLessThanOrEqual(180);
    expect(result.buckets.users.oktaCalls).toBeLessThanOrEqual(45);
    expect(result.untruthfulRetryAfter).toBe(0);
  });

  it('cost at most one DynamoDB call per action call', () => {
    expect(result.dynamoCalls / result.calls).toBeLessThanOrEqual(1);
  });
});
