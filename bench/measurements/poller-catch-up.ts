/**
 * Measurement 5, poller catch-up: a System Log backlog of 100,000 real-sized events, the `/api/v1/logs` limit at
 * 120 requests a minute, and the poller invoked as its schedule invokes it (every minute, 55 s timeout, as in
 * infra/okta-connector.ts) until every event is on the bus. It runs on the simulator's clock: the clock runs at
 * real speed while code works (the poller's own processing counts, as it would on Lambda), and whenever the
 * poller waits (for a rate-limit window, or for the next scheduled run) the clock is moved forward instead of
 * sleeping. Beside it, the same backlog read by a poller written with the SDK, its 429 waits moved the same way.
 *
 * The simulator runs in this process (its clock must be shared); the poller's handler is the real one, given an
 * Okta client whose `now` and `sleep` are the simulator's clock.
 */
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import type { BenchContext } from '../bench-context.js';
import { importIfPresent } from '../connector-parts.js';
import { handler as sdkPoller } from '../peers/poll-system-log.js';
import { startSimInProcess, type OktaSim } from '../okta-sim.js';
import { cell, type MeasurementResult } from '../report.js';
import { eventTemplates, realSizedEvents } from '../sample-events.js';
import { round } from '../statistics.js';

export const logsLimitPerMinute = 120;
export const reserve = 0.1;
const eventsPerPage = 1000;
/** The Poller's timeout and schedule in the stack (infra/okta-connector.ts). */
const pollerTimeoutMs = 55_000;
const scheduleEveryMs = 60_000;
const connection = 'poller';

interface LogsExchange {
  at: number;
  status: number;
  remaining: number;
  limit: number;
  resetAt: number;
  events: number;
}

export interface CatchUpFigures {
  events: number;
  runs: number;
  requests: number;
  tooManyRequests: number;
  requestsPer1000Events: number;
  /** Simulator minutes from the first request to the end of the run that put the last event on the bus. */
  simMinutes: number;
  eventsPerMinute: number;
  ceilingEventsPerMinute: number;
  shareOfCeiling: number;
  limit: number;
  reserveRequests: number;
  lowestRemaining: number;
  reserveKept: boolean;
  /** Requests in each rate-limit window, in order. */
  requestsPerWindow: number[];
  /** Real time the catch-up took, and per page (what bounds the rate when the limit does not). */
  realSeconds: number;
  realMsPerPage: number;
  stops: Record<string, number>;
  error?: string;
}

type PollHandler = (input: { connection?: string }, context: { getRemainingTimeInMillis(): number }, deps: Record<string, unknown>) => Promise<{
  published: number; stoppedBecause: string;
}>;

export async function measurePollerCatchUp(ctx: BenchContext): Promise<MeasurementResult> {
  const backlog = ctx.quick ? 20_000 : 100_000;
  const notes: string[] = [];
  const pollerEntry = 'functions/triggers/poll-system-log.ts';
  const sim = await startSimInProcess({ seed: 'empty', rateLimits: { logs: logsLimitPerMinute } });
  if (!sim) return { id: 'poller', title: '5. Poller catch-up', status: 'missing', notes: ['the simulated org does not exist yet'], figures: {} };
  await sim.close();

  const connector = await importIfPresent<{ handler: PollHandler }>(pollerEntry)
    ? await catchUp(ctx, backlog, 'connector').catch((error: Error) => failed(error))
    : undefined;
  if (!connector) notes.push(`${pollerEntry} does not exist yet, not measured`);
  const sdk = await catchUp(ctx, backlog, 'sdk').catch((error: Error) => failed(error));
  for (const [who, f] of [['connector', connector], ['SDK', sdk]] as const) if (f?.error) notes.push(`${who}: ${f.error}`);

  notes.push(`backlog of ${backlog.toLocaleString('en')} real-sized events; /api/v1/logs limited to ${logsLimitPerMinute}/min; ceiling after the ${reserve * 100}% reserve = ${Math.floor(logsLimitPerMinute * (1 - reserve))} requests x ${eventsPerPage} events a minute`);
  notes.push('schedule: a run every minute with a 55 s timeout; the simulator clock runs at real speed during work and jumps over every wait');
  const row = (name: string, f: CatchUpFigures | undefined) => [
    name, cell(f?.events, 0), cell(f?.requests, 0), cell(f?.requestsPer1000Events, 3), cell(f?.simMinutes, 2),
    cell(f?.eventsPerMinute, 0), f ? `${(f.shareOfCeiling * 100).toFixed(1)}%` : undefined,
    f ? `${f.lowestRemaining}/${f.limit}${f.reserveKept ? '' : ' (dipped)'}` : undefined, cell(f?.tooManyRequests, 0), cell(f?.realMsPerPage, 0),
  ];
  return {
    id: 'poller',
    title: `5. Poller catch-up (${backlog.toLocaleString('en')} events, logs limit ${logsLimitPerMinute}/min, sim clock)`,
    status: connector && !connector.error && sdk && !sdk.error ? 'measured' : connector || sdk ? 'partial' : 'missing',
    notes,
    table: {
      columns: ['', 'events', 'requests', 'req/1k events', 'sim min', 'events/min', 'of ceiling', 'lowest remaining', '429s', 'real ms/page'],
      rows: [row('poll-system-log', connector), row('SDK poller', sdk)],
    },
    figures: { backlog, logsLimitPerMinute, reserve, pollerTimeoutMs, connector, sdk },
  };
}

function failed(error: Error): CatchUpFigures {
  return { error: `${error.name}: ${error.message}`.slice(0, 300) } as CatchUpFigures;
}

/** Runs the schedule against a fresh org holding the backlog until every event is on the bus. */
async function catchUp(ctx: BenchContext, backlog: number, who: 'connector' | 'sdk'): Promise<CatchUpFigures> {
  const sim = await startSimInProcess({ seed: 'empty', rateLimits: { logs: logsLimitPerMinute } }) as OktaSim;
  const exchanges: LogsExchange[] = [];
  try {
    addBacklog(sim, backlog);
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
    ctx.env.useOrg(sim.url, sim.apiToken, connection);
    const table = `bench-poller-${ctx.runTag}-${who}`;
    await ctx.env.aws.createTable(table);
    const before = ctx.env.aws.eventBridge.entries().length;
    const run = who === 'connector' ? await connectorRun(ctx, sim, table) : sdkRun(sim);

    const startedAt = sim.clock.now();
    const realStarted = performance.now();
    const stops: Record<string, number> = {};
    let published = 0;
    let runs = 0;
    let endedAt = startedAt;
    for (let tick = 0; published < backlog && runs < 60; runs++) {
      // Idle until the schedule's next minute, then invoke as EventBridge Scheduler would.
      const tickAt = startedAt + tick * scheduleEveryMs;
      if (sim.clock.now() < tickAt) sim.clock.advance(tickAt - sim.clock.now());
      const deadline = sim.clock.now() + pollerTimeoutMs;
      const stop = await run({ getRemainingTimeInMillis: () => Math.max(0, deadline - sim.clock.now()) });
      stops[stop] = (stops[stop] ?? 0) + 1;
      published = ctx.env.aws.eventBridge.entries().length - before;
      endedAt = sim.clock.now();
      tick = Math.floor((endedAt - startedAt) / scheduleEveryMs) + 1;
    }
    const realSeconds = (performance.now() - realStarted) / 1000;
    ctx.env.aws.eventBridge.clear();
    return figures(exchanges, published, runs, endedAt - (exchanges[0]?.at ?? startedAt), realSeconds, stops);
  } finally {
    await sim.close();
  }
}

/** The backlog: real-sized events published over the last ten minutes (inside the poller's first lookback). */
function addBacklog(sim: OktaSim, count: number): void {
  const templates = eventTemplates();
  const now = sim.clock.now();
  for (let added = 0; added < count; added += 5000) {
    const chunk = realSizedEvents(Math.min(5000, count - added), templates, now - 600_000 + Math.floor((added / count) * 590_000));
    sim.control.addLogEvents(chunk);
  }
}

type Run = (context: { getRemainingTimeInMillis(): number }) => Promise<string>;

/** One scheduled run of the connector's poller, with the Okta client's clock and sleep on the simulator. */
async function connectorRun(ctx: BenchContext, sim: OktaSim, table: string): Promise<Run> {
  Object.assign(process.env, ctx.env.functionEnv(connection), { TABLE_NAME: table, POWERTOOLS_LOG_LEVEL: 'WARN' });
  const { handler } = (await importIfPresent<{ handler: PollHandler }>('functions/triggers/poll-system-log.ts')) as { handler: PollHandler };
  const { oktaClientFor } = (await importIfPresent<{ oktaClientFor: (c: unknown, d: unknown) => unknown }>('functions/lib/okta-client.ts'))!;
  const { loadConnection } = (await importIfPresent<{ loadConnection: (n: string) => Promise<unknown> }>('functions/lib/connections.ts'))!;
  const now = () => sim.clock.now();
  const sleep = async (ms: number) => { sim.clock.advance(ms); };
  const okta = oktaClientFor(await loadConnection(connection), { now, sleep });
  const clocks = { now, sleep };
  return async (context) => {
    const summary = await handler({ connection }, context, {
      okta, now, sleep, reserve,
      cursors: { tableName: table, now },
      publish: { ...clocks, dedupe: { ...clocks, tableName: table }, publish: clocks },
    });
    return summary.stoppedBecause;
  };
}

/** One scheduled run of the SDK poller; its 429 waits (reset - now + 1 s, as the SDK computes them) move the clock. */
function sdkRun(sim: OktaSim): Run {
  class SimClockExecutor extends DefaultRequestExecutor {
    override retryRequest(request: never, response: { headers: { get(n: string): string | null } }, _delayMs: number): Promise<unknown> {
      const reset = Number(response.headers.get('x-rate-limit-reset')) * 1000;
      const delayMs = Math.max(0, reset - sim.clock.now() + 1000);
      sim.clock.advance(delayMs);
      const requestId = response.headers.get('x-okta-request-id') ?? '';
      return this.fetch(this.buildRetryRequest(request, requestId, delayMs));
    }
  }
  const client = new Client({ orgUrl: sim.url, token: sim.apiToken, requestExecutor: new SimClockExecutor() });
  const since = new Date(sim.clock.now() - 15 * 60_000).toISOString();
  return async () => {
    try {
      await sdkPoller({ connection, since }, undefined, { client });
      return 'caught-up';
    } catch (error) {
      return `threw ${(error as Error).name}`;
    }
  };
}

function figures(exchanges: LogsExchange[], events: number, runs: number, simMs: number, realSeconds: number, stops: Record<string, number>): CatchUpFigures {
  const limit = exchanges.find((e) => e.limit > 0)?.limit ?? logsLimitPerMinute;
  const reserveRequests = Math.ceil(limit * reserve);
  const ok = exchanges.filter((e) => e.status === 200);
  const lowestRemaining = Math.min(...ok.map((e) => e.remaining));
  const windows = new Map<number, number>();
  for (const e of exchanges) windows.set(e.resetAt, (windows.get(e.resetAt) ?? 0) + 1);
  const simMinutes = simMs / 60_000;
  const eventsPerMinute = events / simMinutes;
  const ceiling = Math.floor(limit * (1 - reserve)) * eventsPerPage;
  const tooManyRequests = exchanges.filter((e) => e.status === 429).length;
  return {
    events,
    runs,
    requests: exchanges.length,
    tooManyRequests,
    requestsPer1000Events: round(exchanges.length / (events / 1000), 3),
    simMinutes: round(simMinutes, 3),
    eventsPerMinute: round(eventsPerMinute, 0),
    ceilingEventsPerMinute: ceiling,
    shareOfCeiling: round(eventsPerMinute / ceiling, 4),
    limit,
    reserveRequests,
    lowestRemaining,
    reserveKept: tooManyRequests === 0 && lowestRemaining >= reserveRequests,
    requestsPerWindow: [...windows.values()],
    realSeconds: round(realSeconds, 1),
    realMsPerPage: round((realSeconds * 1000) / Math.max(1, ok.length), 1),
    stops,
  };
}
