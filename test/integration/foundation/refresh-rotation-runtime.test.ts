/**
 * The done-when of issue 13 part 1 in the isolated runtime: 9 containers (child processes, 3 per function) of 3
 * actions sign in with one authorization-code connection whose access tokens live a second while Okta rotates its
 * refresh token, over 20 rotations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalFunction, LocalRuntime } from '../../../local/runtime.js';
import { rotatingApp, SIM_ADMIN, watchRotations } from '../../support/refresh-rotation.js';
import { localRuntimeFor, startSandbox, type Sandbox } from './sandbox.js';

const PER_FUNCTION = 3;
const ROTATIONS = 20;
const FUNCTIONS: Array<LocalFunction & { input: Record<string, unknown> }> = [
  { name: 'get-user', entry: 'functions/actions/get-user.ts', input: { userId: SIM_ADMIN.username } },
  { name: 'get-user-groups', entry: 'functions/actions/get-user-groups.ts', input: { userId: SIM_ADMIN.username } },
  {
    name: 'search-users',
    entry: 'functions/actions/search-users.ts',
    input: { search: 'status eq "ACTIVE"', limit: 5 },
  },
].map((fn) => ({ ...fn, reservedConcurrency: PER_FUNCTION }));

let sandbox: Sandbox;
let runtime: LocalRuntime;

beforeAll(async () => {
  sandbox = await startSandbox();
  runtime = localRuntimeFor(sandbox);
});
afterAll(async () => {
  await runtime?.close();
  await sandbox?.close();
});

describe('authorization-code connections in the isolated runtime while the refresh token rotates', () => {
  it(`keeps 9 containers of 3 functions working across ${ROTATIONS} rotations: no invalid_grant, no reuse, one secret version per rotation`, async () => {
    const app = await rotatingApp(sandbox.sim, { tokenLifetimeSeconds: 1 });
    const secretName = 'okta-connector/rotating';
    sandbox.aws.secrets.put(secretName, app.secret);
    const versionsBefore = sandbox.aws.secrets.versionsWritten(secretName);
    const watch = watchRotations(sandbox.sim);
    const failures: string[] = [];
    let calls = 0;
    const until = Date.now() + 90_000;

    await Promise.all(
      FUNCTIONS.flatMap((fn) =>
        Array.from({ length: PER_FUNCTION }, async () => {
          while (watch.counts().rotations < ROTATIONS && Date.now() < until) {
            const outcome = await runtime.invoke(fn, { ...fn.input, connection: 'rotating' });
            if (outcome.ok) calls += 1;
            else failures.push(`${fn.name}: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
            await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
          }
        }),
      ),
    );
    watch.stop();
    const counts = watch.counts();
    const containers = runtime.stats().functions.reduce((sum, f) => sum + f.containers.length, 0);

    expect(failures).toEqual([]);
    expect(containers).toBeGreaterThanOrEqual(8);
    expect(counts.rotations).toBeGreaterThanOrEqual(ROTATIONS);
    expect(counts.invalidGrants).toBe(0);
    expect(counts.reuseEvents).toBe(0);
    expect(counts.resent).toBe(0);
    expect(sandbox.aws.secrets.versionsWritten(secretName) - versionsBefore).toBe(counts.rotations);
    // Most calls used a token another container renewed: far fewer renewals than calls.
    expect(calls).toBeGreaterThan(counts.rotations * 3);
  }, 150_000);
});
