/**
 * The org-wide rate-limit budget under load (issue 13.2), as the stack runs: the sandbox of `npm start` (every
 * function in containers of its own, with the stack's settings), driven through its Lambda Invoke API with the
 * real `@aws-sdk/client-lambda`, as Step Functions tasks call the actions. `workers` callers each invoke one
 * action after another, so up to `workers` containers are busy at once; five actions share the budget, four of
 * them on Okta's "get user" bucket and `search-users` on the "users" bucket, both set low enough to bind through
 * the simulator's control API (`POST /__sim/rate-limits`), as against a running `npm start`.
 *
 * What is counted is what the org and AWS saw: every Okta answer (bucket, status, `X-Rate-Limit-Remaining`) and
 * every DynamoDB call at the local endpoint, from every container.
 */
import '../support/quiet-env.js';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { bucketOf } from '../../local/okta-sim/control/rate-limits.js';
import { startSandbox, type Sandbox } from '../../local/sandbox.js';

export interface BudgetLoadOptions {
  calls: number;
  /** Callers at once (each waits for its answer before the next call): the containers busy at once, at most. */
  workers: number;
  /** Per-minute limits of the two buckets. */
  limits: { 'user-get': number; users: number };
}

export interface BucketFigures {
  limit: number;
  oktaCalls: number;
  okta429s: number;
  lowestRemaining: number;
}

export interface BudgetLoadResult {
  calls: number;
  /** Functions and containers that ran the calls, and the most invocations in flight at once. */
  functions: number;
  containers: number;
  peakBusy: number;
  throttles: number;
  done: number;
  refused: number;
  /** Refusals without a retryAfterSeconds, or whose retryAfterSeconds ended before the org's window reset (a lie). */
  untruthfulRetryAfter: number;
  otherErrors: Record<string, number>;
  buckets: Record<'user-get' | 'users', BucketFigures>;
  dynamoCalls: number;
  ms: number;
}

/** The five actions and the input of each call; `okta-request` reads the user as get-user does. */
const ACTIONS: Array<{ name: string; input: (userId: string) => Record<string, unknown> }> = [
  { name: 'get-user', input: (userId) => ({ userId }) },
  { name: 'get-user-groups', input: (userId) => ({ userId }) },
  { name: 'list-user-apps', input: (userId) => ({ userId }) },
  { name: 'okta-request', input: (userId) => ({ method: 'GET', path: `/api/v1/users/${userId}` }) },
  { name: 'search-users', input: () => ({ search: 'status eq "ACTIVE"', limit: 1 }) },
];

/** Runs `calls` action calls over the five actions with `workers` callers at once; see the file comment. */
export async function budgetLoad(options: BudgetLoadOptions): Promise<BudgetLoadResult> {
  const sandbox = await startSandbox({
    env: { LOCAL_LAMBDA_CONCURRENCY: String(options.workers + 8) },
    // The schedules stay out of the way: what is measured is the actions' share.
    scheduleSeconds: 3_600,
  });
  const lambda = new LambdaClient({
    endpoint: sandbox.lambdaUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    const started = Date.now();
    const sim = sandbox.sim!;
    const userIds = sim.org
      .users()
      .filter((user) => user.status === 'ACTIVE')
      .map((user) => String(user.id));
    const limited = await fetch(`${sandbox.orgUrl}/__sim/rate-limits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(options.limits),
    });
    if (!limited.ok) throw new Error(`the simulator refused the rate limits: ${await limited.text()}`);

    const buckets = {
      'user-get': { limit: options.limits['user-get'], oktaCalls: 0, okta429s: 0, lowestRemaining: Infinity },
      users: { limit: options.limits.users, oktaCalls: 0, okta429s: 0, lowestRemaining: Infinity },
    };
    // Okta's latest X-Rate-Limit-Reset per bucket (epoch ms): a refused call's window ends then.
    const resets: Record<string, number> = {};
    const stopObserving = sim.observe((req, res) => {
      const bucket = bucketOf(req.method, req.path) as keyof typeof buckets;
      if (!(bucket in buckets) || !req.path.startsWith('/api/v1/users')) return;
      const figures = buckets[bucket];
      figures.oktaCalls += 1;
      if (res.status === 429) figures.okta429s += 1;
      const headers = res.headers as Record<string, string> | undefined;
      const remaining = Number(headers?.['x-rate-limit-remaining']);
      if (Number.isFinite(remaining)) figures.lowestRemaining = Math.min(figures.lowestRemaining, remaining);
      const reset = Number(headers?.['x-rate-limit-reset']) * 1000;
      if (Number.isFinite(reset)) resets[bucket] = Math.max(resets[bucket] ?? 0, reset);
    });
    const dynamoBefore = totalCalls(sandbox);

    let next = 0;
    const tally = { done: 0, refused: 0, untruthfulRetryAfter: 0, otherErrors: {} as Record<string, number> };
    const worker = async () => {
      while (next < options.calls) {
        const i = next++;
        const action = ACTIONS[i % ACTIONS.length]!;
        const answer = await lambda.send(
          new InvokeCommand({
            FunctionName: `okta-connector-${action.name}`,
            Payload: new TextEncoder().encode(JSON.stringify(action.input(userIds[i % userIds.length]!))),
          }),
        );
        const payload = JSON.parse(new TextDecoder().decode(answer.Payload)) as {
          errorType?: string;
          errorMessage?: string;
        };
        if (!answer.FunctionError) tally.done += 1;
        else if (payload.errorType === 'OktaRateLimited') {
          tally.refused += 1;
          const bucket = action.name === 'search-users' ? 'users' : 'user-get';
          const retryAfter = Number(/\(retryAfterSeconds: (\d+)\)/.exec(payload.errorMessage ?? '')?.[1]);
          // Truthful: a caller coming back after retryAfterSeconds finds Okta's window reset.
          if (!Number.isFinite(retryAfter) || Date.now() + retryAfter * 1000 < (resets[bucket] ?? 0))
            tally.untruthfulRetryAfter += 1;
        } else {
          const type = payload.errorType ?? 'Unknown';
          tally.otherErrors[type] = (tally.otherErrors[type] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: options.workers }, worker));
    stopObserving();

    const stats = sandbox.runtime.stats();
    const loaded = stats.functions.filter((f) => ACTIONS.some((a) => f.functionName === `okta-connector-${a.name}`));
    return {
      calls: options.calls,
      functions: loaded.length,
      containers: loaded.reduce((sum, f) => sum + f.coldStarts, 0),
      peakBusy: stats.peakBusy,
      throttles: loaded.reduce((sum, f) => sum + f.throttles, 0),
      ...tally,
      buckets,
      dynamoCalls: totalCalls(sandbox) - dynamoBefore,
      ms: Date.now() - started,
    };
  } finally {
    lambda.destroy();
    await sandbox.stop();
  }
}

function totalCalls(sandbox: Sandbox): number {
  return Object.values(sandbox.aws.dynamoDb.calls()).reduce((sum, n) => sum + n, 0);
}

/** The lines `npm run soak -- --load` prints. */
export function budgetLoadLines(r: BudgetLoadResult): string[] {
  const oktaCalls = r.buckets['user-get'].oktaCalls + r.buckets.users.oktaCalls;
  return [
    `org budget: ${r.calls} action calls over ${r.functions} functions in ${r.containers} containers (${r.peakBusy} busy at once, ${r.throttles} throttled), in ${(r.ms / 1000).toFixed(1)} s: ` +
      `${r.done} done, ${r.refused} refused OktaRateLimited (${r.untruthfulRetryAfter} without a truthful retryAfterSeconds), other ${JSON.stringify(r.otherErrors)}`,
    ...Object.entries(r.buckets).map(
      ([bucket, b]) =>
        `  Okta ${bucket} (${b.limit}/min, reserve ${Math.ceil(b.limit / 10)}): ${b.oktaCalls} calls, ${b.okta429s} 429s, lowest X-Rate-Limit-Remaining ${b.lowestRemaining}`,
    ),
    `  DynamoDB: ${r.dynamoCalls} calls, ${(r.dynamoCalls / Math.max(1, oktaCalls)).toFixed(2)} per Okta call, ${(r.dynamoCalls / r.calls).toFixed(2)} per action call`,
  ];
}
