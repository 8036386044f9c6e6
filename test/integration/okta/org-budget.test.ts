// The org-wide rate-limit budget on the real wire: many independent Okta clients (each with its own caches and its
// own DynamoDB client, as separate Lambda containers have) share one table (dynalite) and call one simulated org.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../functions/lib/connections.js';
import { oktaClientFor } from '../../../functions/lib/okta/client.js';
import { orgBudgetFor, TABLE_TIMEOUT_MS } from '../../../functions/lib/okta/org-budget.js';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';
import { startOktaSim, type OktaSim } from '../../../local/okta-sim/index.js';

const TABLE = 'org-budget-test';
let aws: LocalAws;
let sim: OktaSim;

beforeAll(async () => {
  [aws, sim] = await Promise.all([startLocalAws(), startOktaSim({ seed: { users: 5, groups: 0, apps: 0 } })]);
  await aws.createTable(TABLE);
});

afterAll(async () => {
  await Promise.all([aws.close(), sim.close()]);
});

/** One "container": its own DynamoDB client (counting its calls) and its own Okta client. */
function container(dynamoCalls: { count: number }, endpoint = aws.endpoints.dynamodb) {
  const dynamoDb = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  dynamoDb.middlewareStack.add(
    (next) => (args) => {
      dynamoCalls.count += 1;
      return next(args);
    },
    { step: 'initialize' },
  );
  const connection: Connection = { name: 'sim', baseUrl: sim.url, auth: { type: 'api-token', token: sim.apiToken } };
  const orgBudget = orgBudgetFor(sim.url, { dynamoDb, tableName: TABLE, reserve: 0.1 });
  return oktaClientFor(connection, { orgBudget, rateLimitReserve: 0.1 });
}

describe('the org-wide rate-limit budget, 30 containers on one bucket whose limit binds', () => {
  const limit = 100;
  const outcome = { done: 0, refused: [] as { at: number; retryAfterSeconds: number }[], other: [] as string[] };
  const okta = { calls: 0, tooMany: 0, lowestRemaining: Infinity };
  const dynamoCalls = { count: 0 };
  let windowEnd = 0;

  beforeAll(async () => {
    sim.control.setRateLimits({ 'user-get': limit });
    sim.control.resetRateLimits();
    const userId = String(sim.org.users()[0]?.id);
    const stop = sim.observe((req, res) => {
      if (!req.path.startsWith('/api/v1/users/')) return;
      okta.calls += 1;
      if (res.status === 429) okta.tooMany += 1;
      const remaining = Number((res.headers as Record<string, string> | undefined)?.['x-rate-limit-remaining']);
      if (Number.isFinite(remaining)) okta.lowestRemaining = Math.min(okta.lowestRemaining, remaining);
    });
    // Each container runs one invocation at a time, 10 of them, each with a 2 s deadline.
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        const client = container(dynamoCalls);
        for (let i = 0; i < 10; i += 1) {
          try {
            await client.request({ method: 'GET', path: `/api/v1/users/${userId}` }, { deadline: Date.now() + 2_000 });
            outcome.done += 1;
          } catch (error) {
            const e = error as { name: string; retryAfterSeconds?: number };
            if (e.name === 'OktaRateLimited' && e.retryAfterSeconds !== undefined)
              outcome.refused.push({ at: Date.now(), retryAfterSeconds: e.retryAfterSeconds });
            else outcome.other.push(e.name);
          }
        }
      }),
    );
    stop();
    windowEnd = sim.control.rateLimits()['user-get']?.resetAt ?? 0;
  }, 60_000);

  it("keeps Okta's Remaining at or above the reserve (10 % of the limit), with no 429 from Okta", () => {
    expect(okta.tooMany).toBe(0);
    expect(okta.lowestRemaining).toBeGreaterThanOrEqual(limit * 0.1);
  });

  it('ends every call done or refused with OktaRateLimited, and spends most of the share', () => {
    expect(outcome.other).toEqual([]);
    expect(outcome.done + outcome.refused.length).toBe(300);
    expect(outcome.done).toBeLessThanOrEqual(limit - limit * 0.1);
    expect(outcome.done).toBeGreaterThanOrEqual(60);
  });

  it("tells a refused call to come back when Okta's window has reset, not before and not much after", () => {
    for (const { at, retryAfterSeconds } of outcome.refused) {
      expect(at + retryAfterSeconds * 1000).toBeGreaterThanOrEqual(windowEnd);
      expect(at + retryAfterSeconds * 1000).toBeLessThanOrEqual(windowEnd + 4_000);
    }
  });

  // At so small a limit blocks are of one call and every refused container reads the item once: the dearest case.
  it('costs at most one DynamoDB call per action call, two per Okta call', () => {
    console.log(`org budget: 300 action calls, ${okta.calls} Okta calls, ${dynamoCalls.count} DynamoDB calls`);
    expect(dynamoCalls.count / 300).toBeLessThanOrEqual(1);
    expect(dynamoCalls.count / okta.calls).toBeLessThanOrEqual(2);
  });
});

/** A TCP server that accepts connections and never answers: a table that does not answer. */
async function silentServer(): Promise<{ url: string; close(): void }> {
  const { createServer } = await import('node:net');
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}

describe('the org-wide rate-limit budget when DynamoDB does not answer', () => {
  it("does not set the table aside for a call its own deadline cut to milliseconds (found at each window's start, where callers that waited for it arrived with their last milliseconds)", async () => {
    const silent = await silentServer();
    const dynamoDb = new DynamoDBClient({
      endpoint: silent.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const budget = orgBudgetFor(sim.url, { dynamoDb, tableName: TABLE, reserve: 0.1 });
    const first = await budget.take('GET /api/v1/users/{id}', Date.now() + 60);
    const second = await budget.take('GET /api/v1/users/{id}', Date.now() + 60);
    dynamoDb.destroy();
    silent.close();
    expect(first).toEqual({ kind: 'unknown' });
    expect(second).toEqual({ kind: 'unknown' });
    // Both asked the table: the first one's short cut did not set the table aside, and neither counts as its failure.
    expect(budget.stats()).toEqual({ tableCalls: 2, tableFailures: 0 });
  });

  it("lets calls go on the container's own rules (fail-open), never waiting past the table's timeout", async () => {
    sim.control.resetRateLimits();
    // A port nobody listens on after the first connection: the table call fails or times out.
    const silent = await new Promise<Server>((resolve) => {
      const server = createServer(() => undefined);
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
    const port = (silent.address() as { port: number }).port;
    const calls = { count: 0 };
    const client = container(calls, `http://127.0.0.1:${port}`);
    const userId = String(sim.org.users()[0]?.id);
    const started = Date.now();
    const first = await client.request({ method: 'GET', path: `/api/v1/users/${userId}` });
    const firstMs = Date.now() - started;
    await client.request({ method: 'GET', path: `/api/v1/users/${userId}` });
    silent.close();
    expect(first.status).toBe(200);
    expect(firstMs).toBeLessThan(TABLE_TIMEOUT_MS + 1_000);
    // The second call does not ask the table again (set aside for UNAVAILABLE_MS).
    expect(calls.count).toBe(1);
  });
});

describe("the org-wide rate-limit budget when Okta's reset comes sooner than the table's window end", () => {
  it("ends the window at Okta's reset (a 429 for the next second), so other containers call again once Okta does", async () => {
    sim.control.resetRateLimits();
    const calls = { count: 0 };
    const first = container(calls);
    const other = container(calls);
    const groups = { method: 'GET' as const, path: '/api/v1/groups' };
    // The first answer tells the table a window of up to a minute.
    await first.request(groups);
    const fault = sim.control.addFault({ type: 'rate-limit', path: '^/api/v1/groups$', count: 1 });
    // A 429 whose X-Rate-Limit-Reset is the next second (the client waits for it and calls again).
    await first.request(groups, { deadline: Date.now() + 5_000 }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const answer = await other.request(groups, { deadline: Date.now() + 3_000 });

    expect(sim.control.faults().find((f) => f.id === fault.id)?.fired).toBe(1);
    expect(answer.status).toBe(200);
  });
});
