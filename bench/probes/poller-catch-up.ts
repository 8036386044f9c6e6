/**
 * Probe: one poller catching up a System Log backlog, run as its schedule runs it, against a simulated org that
 * lives in this process (the clock must be shared) while DynamoDB and EventBridge are the parent's local endpoints
 * (their servers do not share this process's core). See bench/measurements/poller-catch-up.ts for the method.
 */
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { handler as connectorPoller } from '../../functions/triggers/poll-system-log.js';
import { oktaClientFor } from '../../functions/lib/okta/client.js';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import { probeArgs, reportResult } from '../child-process.js';
import { handler as sdkPoller } from '../peers/poll-system-log.js';
import { eventTemplates, realSizedEvents } from '../sample-events.js';

interface Args {
  who: 'connector' | 'sdk';
  backlog: number;
  logsLimitPerMinute: number;
  reserve: number;
  pollerTimeoutMs: number;
  scheduleEveryMs: number;
  tableName: string;
  repoRoot: string;
}

export interface LogsExchange {
  at: number;
  status: number;
  remaining: number;
  limit: number;
  resetAt: number;
  events: number;
}

export interface CatchUpRun {
  published: number;
  runs: number;
  stops: Record<string, number>;
  /** Simulator ms from the first request to the end of the run that finished the backlog. */
  simMs: number;
  realMs: number;
  exchanges: LogsExchange[];
}

type Run = (context: { getRemainingTimeInMillis(): number }) => Promise<{ published: number; stop: string }>;

const args = probeArgs<Args>();
const connection = 'poller';
const sim = await startOktaSim({ seed: 'empty', rateLimits: { logs: args.logsLimitPerMinute } });
const exchanges: LogsExchange[] = [];
addBacklog(sim, args.backlog);
sim.observe((req, res) => {
  if (!req.path.startsWith('/api/v1/logs')) return;
  const header = (name: string) => Number((res.headers?.[name] as string | undefined) ?? Number.NaN);
  exchanges.push({
    at: sim.clock.now(),
    status: res.status,
    remaining: header('x-rate-limit-remaining'),
    limit: header('x-rate-limit-limit'),
    resetAt: header('x-rate-limit-reset') * 1000,
    events: Array.isArray(res.body) ? res.body.length : 0,
  });
});

const run = args.who === 'connector' ? connectorRun() : sdkRun();
const startedAt = sim.clock.now();
const realStarted = performance.now();
const stops: Record<string, number> = {};
let published = 0;
let runs = 0;
let endedAt = startedAt;
for (let tick = 0; published < args.backlog && runs < 60; runs++) {
  // Idle until the schedule's next minute, then invoke as the schedule would, with the function's timeout.
  const tickAt = startedAt + tick * args.scheduleEveryMs;
  if (sim.clock.now() < tickAt) sim.clock.advance(tickAt - sim.clock.now());
  const deadline = sim.clock.now() + args.pollerTimeoutMs;
  const outcome = await run({ getRemainingTimeInMillis: () => Math.max(0, deadline - sim.clock.now()) });
  stops[outcome.stop] = (stops[outcome.stop] ?? 0) + 1;
  published += outcome.published;
  endedAt = sim.clock.now();
  tick = Math.floor((endedAt - startedAt) / args.scheduleEveryMs) + 1;
}
const result: CatchUpRun = {
  published,
  runs,
  stops,
  simMs: endedAt - (exchanges[0]?.at ?? startedAt),
  realMs: performance.now() - realStarted,
  exchanges,
};
reportResult(result);
await sim.close();
process.exit(0);

/** The backlog: real-sized events published over the last ten minutes (inside the poller's first lookback). */
function addBacklog(org: OktaSim, count: number): void {
  const templates = eventTemplates(args.repoRoot);
  const now = org.clock.now();
  for (let added = 0; added < count; added += 5000) {
    org.control.addLogEvents(
      realSizedEvents(Math.min(5000, count - added), templates, now - 600_000 + Math.floor((added / count) * 590_000)),
    );
  }
}

/** The connector's poller handler, given an Okta client whose clock and sleep are the simulator's. */
function connectorRun(): Run {
  const now = () => sim.clock.now();
  const sleep = (ms: number) => {
    sim.clock.advance(ms);
    return Promise.resolve();
  };
  const okta = oktaClientFor(
    { name: connection, baseUrl: sim.url, auth: { type: 'api-token', token: sim.apiToken } },
    { now, sleep, rateLimitReserve: args.reserve },
  );
  const clocks = { now, sleep };
  return async (context) => {
    const summary = await connectorPoller({ connection }, context, {
      okta,
      now,
      sleep,
      reserve: args.reserve,
      cursors: { tableName: args.tableName, now },
      publish: { ...clocks, dedupe: { ...clocks, tableName: args.tableName }, publish: clocks },
    });
    return { published: summary.published, stop: summary.stoppedBecause };
  };
}

/** The SDK poller; its 429 waits (reset - now + 1 s, as the SDK computes them from `Date`) move the clock. */
function sdkRun(): Run {
  class SimClockExecutor extends DefaultRequestExecutor {
    override retryRequest(request: never, response: { headers: { get(n: string): string | null } }): Promise<unknown> {
      const delayMs = Math.max(0, Number(response.headers.get('x-rate-limit-reset')) * 1000 - sim.clock.now() + 1000);
      sim.clock.advance(delayMs);
      return this.fetch(this.buildRetryRequest(request, response.headers.get('x-okta-request-id') ?? '', delayMs));
    }
  }
  const client = new Client({
    orgUrl: sim.url,
    token: sim.apiToken,
    requestExecutor: new SimClockExecutor(),
    cacheMiddleware: null,
  });
  const since = new Date(sim.clock.now() - 15 * 60_000).toISOString();
  return async () => {
    let published = 0;
    try {
      await sdkPoller({ connection, since }, undefined, {
        client,
        onPublished: (n) => {
          published += n;
        },
      });
      return { published, stop: 'caught-up' };
    } catch (error) {
      return { published, stop: `threw ${(error as Error).name}` };
    }
  };
}
