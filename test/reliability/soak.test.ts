import { beforeAll, describe, expect, it } from 'vitest';
import { runSoak, type SoakReport } from './soak.js';
import { runRotationSoak } from './soak-rotation.js';

// A short fixed-seed soak; `npm run soak -- --runs 200` is the long one (docs/RELIABILITY.md).
describe('the fault-injection soak, 3 runs of seed 7, every function in containers of its own, 4 actions at once', () => {
  let report: SoakReport;

  beforeAll(async () => {
    report = await runSoak({ runs: 3, seed: 7, containers: 4 });
  }, 300_000);

  it('breaks no guarantee: each event published once, cursors forward only, windows contiguous, CONTRACT errors only', () => {
    expect(report.violations).toEqual([]);
  });

  it('ran the functions in containers: a fresh deployment per run, containers started afresh', () => {
    // At least the hook, its publisher, a poller, a search and an action in each of the 3 runs.
    expect(report.containers).toBeGreaterThanOrEqual(15);
    expect(report.actions.ok).toBeGreaterThan(0);
  });

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

// A short version of the soak's rotation scenario; `npm run soak` runs 40 rotations with 4 containers killed.
describe('the refresh-token rotation scenario in the isolated runtime: 9 containers, 1 s tokens, token endpoint 5xx, a container killed by its timeout mid-renewal', () => {
  it('reaches 8 rotations with 0 invalid_grant, 0 reuse, and a secret version for each rotation that was stored', async () => {
    const report = await runRotationSoak({ rotations: 8, seed: 7, kills: 1, tokenErrorRate: 0.3 });

    expect(report.violations).toEqual([]);
    expect(report.rotations).toBeGreaterThanOrEqual(8);
    expect(report.invalidGrants).toBe(0);
    expect(report.reuse).toBe(0);
    expect(report.secretVersions).toBe(report.rotations - report.lostRotations);
    // The faults fired: a container was killed after Okta rotated (its secret write held until the invocation timed
    // out, so its token was never stored; the next holder sent the old one again within the grace period), and the
    // token endpoint answered 5xx.
    expect(report.faults.killedMidRenewal).toBe(1);
    expect(report.lostRotations).toBe(1);
    expect(report.resent).toBeGreaterThanOrEqual(1);
    expect(report.faults.tokenEndpoint5xx).toBeGreaterThan(0);
  }, 120_000);
});
