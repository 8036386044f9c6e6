import { describe, expect, it } from 'vitest';
import { runSoak, type SoakReport } from './soak.js';

// A short fixed-seed soak; `npm run soak -- --runs 200` is the long one (docs/RELIABILITY.md).
describe('the fault-injection soak, 3 runs of seed 7', () => {
  let report: SoakReport;

  it('breaks no guarantee: each event published once, cursors forward only, windows contiguous, CONTRACT errors only', async () => {
    report = await runSoak({ runs: 3, seed: 7 });
    expect(report.violations).toEqual([]);
  }, 60_000);

  it('published every event of the runs’ System Logs', () => {
    expect(report.events).toBeGreaterThan(500);
    expect(report.published).toBe(report.events);
  });

  it('injected faults on Okta, EventBridge and DynamoDB', () => {
    const injected = (prefix: string) =>
      Object.entries(report.faults)
        .filter(([kind]) => kind.startsWith(prefix))
        .reduce((sum, [, n]) => sum + n, 0);
    expect(injected('okta-')).toBeGreaterThan(0);
    expect(injected('eventbridge') + report.faults.eventBridgeThrottles!).toBeGreaterThan(0);
    expect(injected('dynamo')).toBeGreaterThan(0);
  });
});
