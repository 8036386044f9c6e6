/**
 * Authorization-code sign-in across containers while Okta rotates the refresh token (issue 13 part 1), on the
 * real wire: the simulated org with rotation and a 30 s grace period, the local Secrets Manager and dynalite.
 * Each container is a fresh instance of an action's whole module graph (`vi.resetModules`), so it has its own
 * connection cache, Okta client cache and token, as a Lambda container does.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rotatingApp, SIM_ADMIN, watchRotations } from '../../support/refresh-rotation.js';
import { startSandbox, type Sandbox } from './sandbox.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const FUNCTIONS = [
  { entry: '../../../functions/actions/get-user.ts', input: { userId: SIM_ADMIN.username } },
  { entry: '../../../functions/actions/get-user-groups.ts', input: { userId: SIM_ADMIN.username } },
  { entry: '../../../functions/actions/search-users.ts', input: { search: 'status eq "ACTIVE"', limit: 5 } },
];
const CONTAINERS_PER_FUNCTION = 3;
const ROTATIONS = 20;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

/** A cold container of the function `entry`: its own module instances, loaded now. */
async function container(entry: string): Promise<Handler> {
  vi.resetModules();
  const module = (await import(/* @vite-ignore */ new URL(entry, import.meta.url).href)) as { handler: Handler };
  return module.handler;
}

function context(): Context {
  const started = Date.now();
  return {
    awsRequestId: 'rotation',
    functionName: 'okta-connector-rotation',
    getRemainingTimeInMillis: () => 20_000 - (Date.now() - started),
  } as unknown as Context;
}

describe('authorization-code connections across containers while the refresh token rotates', () => {
  it(`keeps 9 containers of 3 functions working across ${ROTATIONS} rotations: no invalid_grant, no reuse, one secret version per rotation`, async () => {
    const app = await rotatingApp(sandbox.sim, { tokenLifetimeSeconds: 1 });
    const secretName = 'okta-connector/rotating';
    sandbox.aws.secrets.put(secretName, app.secret);
    const containers: Array<{ handler: Handler; input: Record<string, unknown> }> = [];
    for (const fn of FUNCTIONS) {
      for (let i = 0; i < CONTAINERS_PER_FUNCTION; i += 1) {
        containers.push({ handler: await container(fn.entry), input: { ...fn.input, connection: 'rotating' } });
      }
    }
    const versionsBefore = sandbox.aws.secrets.versionsWritten(secretName);
    const watch = watchRotations(sandbox.sim);
    const failures: string[] = [];
    let calls = 0;
    const until = Date.now() + 60_000;

    await Promise.all(
      containers.map(async ({ handler, input }) => {
        while (watch.counts().rotations < ROTATIONS && Date.now() < until) {
          try {
            await handler(input, context());
            calls += 1;
          } catch (error) {
            failures.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
          }
          await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
        }
      }),
    );
    watch.stop();
    const counts = watch.counts();

    expect(failures).toEqual([]);
    expect(counts.rotations).toBeGreaterThanOrEqual(ROTATIONS);
    expect(counts.invalidGrants).toBe(0);
    expect(counts.reuseEvents).toBe(0);
    // Not even within the grace period was a rotated refresh token sent again: one renewal per rotation.
    expect(counts.resent).toBe(0);
    expect(sandbox.aws.secrets.versionsWritten(secretName) - versionsBefore).toBe(counts.rotations);
    // Most calls used a token another container renewed: far fewer renewals than calls.
    expect(calls).toBeGreaterThan(counts.rotations * 3);
  }, 90_000);
});
