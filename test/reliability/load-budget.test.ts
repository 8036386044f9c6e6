import { beforeAll, describe, expect, it } from 'vitest';
import { budgetLoad, budgetLoadLine, type BudgetLoadResult } from './load-budget.js';

// Smaller than the 2,000 calls (npm run soak -- --load runs those).
describe('400 get-user calls over 5 functions × 4 containers sharing the org budget (user-get 200 a minute)', () => {
  let result: BudgetLoadResult;

  beforeAll(async () => {
    result = await budgetLoad({ calls: 400, functions: 5, containersPerFunction: 4, limit: 200 });
    console.log(budgetLoadLine(result));
  }, 90_000);

  it("never take Okta's Remaining under the reserve, and get no 429 from Okta", () => {
    expect(result.okta429s).toBe(0);
    expect(result.lowestRemaining).toBeGreaterThanOrEqual(20);
  });

  it('end done or refused with OktaRateLimited, with a truthful retryAfterSeconds', () => {
    expect(result.otherErrors).toEqual({});
    expect(result.done + result.refused).toBe(400);
    expect(result.done).toBeLessThanOrEqual(180);
    expect(result.earlyRetryAfter).toBe(0);
  });

  it('cost at most one DynamoDB call per action call', () => {
    expect(result.dynamoCalls / result.calls).toBeLessThanOrEqual(1);
  });
});
