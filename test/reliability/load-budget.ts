/**
 * The org-wide rate-limit budget under load (issue 13.2), in one process until the isolated runtime lands: each
 * "container" is its own Okta client with its own caches and its own DynamoDB client, as separate Lambda containers
 * have, all sharing one dynalite table and one simulated org over the real wire. Containers are grouped in
 * "functions"; each runs one call at a time, as a Lambda container runs one invocation at a time.
 */
import './quiet-env.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Connection } from '../../functions/lib/connections.js';
import { oktaClientFor } from '../../functions/lib/okta/client.js';
import { orgBudgetFor } from '../../functions/lib/okta/org-budget.js';
import { startLocalAws } from '../../local/aws/index.js';
import { startOktaSim } from '../../local/okta-sim/index.js';

export interface BudgetLoadResult {
  calls: number;
  functions: number;
  containers: number;
  limit: number;
  done: number;
  refused: number;
  /** Refusals whose retryAfterSeconds ended before the org's window reset (a lie). */
  earlyRetryAfter: number;
  otherErrors: Record<string, number>;
  oktaCalls: number;
  okta429s: number;
  lowestRemaining: number;
  dynamoCalls: number;
  ms: number;
}

/** `calls` get-user calls over `functions` × `containersPerFunction` containers on a `user-get` limit of `limit`. */
export async function budgetLoad(options: {
  calls: number;
  functions: number;
  containersPerFunction: number;
  limit: number;
}): Promise<BudgetLoadResult> {
  const started = Date.now();
  const table = 'budget-load';
  const [aws, sim] = await Promise.all([
    startLocalAws(),
    startOktaSim({ seed: { users: 20, groups: 0, apps: 0, signInDays: 0 }, rateLimits: { 'user-get': options.limit } }),
  ]);
  try {
    await aws.createTable(table);
    const connection: Connection = { name: 'load', baseUrl: sim.url, auth: { type: 'api-token', token: sim.apiToken } };
    const userIds = sim.org.users().map((user) => String(user.id));
    let dynamoCalls = 0;
    const okta = { calls: 0, tooMany: 0, lowestRemaining: Number.POSITIVE_INFINITY };
    // Okta's latest X-Rate-Limit-Reset (epoch ms): the window a refused call was refused in ends then.
    let currentReset = 0;
    sim.observe((req, res) => {
      if (!req.path.startsWith('/api/v1/users/')) return;
      okta.calls += 1;
      if (res.status === 429) okta.tooMany += 1;
      const headers = res.headers as Record<string, string> | undefined;
      const remaining = Number(headers?.['x-rate-limit-remaining']);
      if (Number.isFinite(remaining)) okta.lowestRemaining = Math.min(okta.lowestRemaining, remaining);
      const reset = Number(headers?.['x-rate-limit-reset']) * 1000;
      if (Number.isFinite(reset)) currentReset = Math.max(currentReset, reset);
    });
    const containers = Array.from({ length: options.functions * options.containersPerFunction }, () => {
      const dynamoDb = new DynamoDBClient({
        endpoint: aws.endpoints.dynamodb,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      dynamoDb.middlewareStack.add(
        (next) => (args) => {
          dynamoCalls += 1;
          return next(args);
        },
        { step: 'initialize' },
      );
      const orgBudget = orgBudgetFor(sim.url, { dynamoDb, tableName: table, reserve: 0.1 });
      return { okta: oktaClientFor(connection, { orgBudget, rateLimitReserve: 0.1 }), dynamoDb };
    });
    let next = 0;
    let done = 0;
    let earlyRetryAfter = 0;
    let refused = 0;
    const otherErrors: Record<string, number> = {};
    await Promise.all(
      containers.map(async ({ okta: client }) => {
        while (next < options.calls) {
          const i = next++;
          try {
            await client.request(
              { method: 'GET', path: `/api/v1/users/${userIds[i % userIds.length]}` },
              { deadline: Date.now() + 3_000 },
            );
            done += 1;
          } catch (error) {
            const e = error as { name: string; retryAfterSeconds?: number };
            if (e.name === 'OktaRateLimited' && e.retryAfterSeconds !== undefined) {
              refused += 1;
              // Truthful: coming back after retryAfterSeconds, the caller finds Okta's window reset.
              if (Date.now() + e.retryAfterSeconds * 1000 < currentReset) earlyRetryAfter += 1;
            } else otherErrors[e.name] = (otherErrors[e.name] ?? 0) + 1;
          }
        }
      }),
    );
    for (const c of containers) c.dynamoDb.destroy();
    return {
      calls: options.calls,
      functions: options.functions,
      containers: containers.length,
      limit: options.limit,
      done,
      refused,
      earlyRetryAfter,
      otherErrors,
      oktaCalls: okta.calls,
      okta429s: okta.tooMany,
      lowestRemaining: okta.lowestRemaining,
      dynamoCalls,
      ms: Date.now() - started,
    };
  } finally {
    await Promise.all([sim.close(), aws.close()]);
  }
}

/** The line `npm run soak -- --load` prints. */
export function budgetLoadLine(r: BudgetLoadResult): string {
  return (
    `org budget: ${r.calls} calls over ${r.functions} functions × ${r.containers / r.functions} containers, user-get ${r.limit}/min, in ${(r.ms / 1000).toFixed(1)} s: ` +
    `${r.done} done, ${r.refused} refused OktaRateLimited (${r.earlyRetryAfter} with a retryAfterSeconds before the reset), other ${JSON.stringify(r.otherErrors)}; ` +
    `Okta: ${r.oktaCalls} calls, ${r.okta429s} 429s, lowest X-Rate-Limit-Remaining ${r.lowestRemaining} (reserve ${Math.ceil(r.limit / 10)}); ` +
    `DynamoDB: ${r.dynamoCalls} calls, ${(r.dynamoCalls / Math.max(1, r.oktaCalls)).toFixed(2)} per Okta call, ${(r.dynamoCalls / r.calls).toFixed(2)} per action call`
  );
}
