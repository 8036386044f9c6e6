/**
 * Measurement 5, poller catch-up: a System Log backlog of 100,000 real-sized events, the `/api/v1/logs` limit at
 * 120 requests a minute, and the poller invoked as its schedule invokes it (every minute, 55 s timeout, as in
 * infra/okta-connector.ts) until every event is on the bus. It runs on the simulator's clock: the clock runs at
 * real speed while code works (the poller's own processing counts, as it would on Lambda), and whenever the poller
 * waits (for a rate-limit window, or for the next scheduled run) the clock is moved forward instead of sleeping.
 * Beside it, the same backlog read by a poller written with the SDK, its 429 waits moved the same way.
 *
 * Each poller runs in a process of its own with the simulator (bench/probes/poller-catch-up.ts); DynamoDB and
 * EventBridge are this process's local endpoints.
 */
import { existsSync } from 'node:fs';
import type { BenchContext } from '../bench-context.js';
import { runProbe } from '../child-process.js';
import type { CatchUpRun, LogsExchange } from '../probes/poller-catch-up.js';
import { cell, type MeasurementResult } from '../report.js';
import { round } from '../statistics.js';

export const logsLimitPerMinute = 120;
export const reserve = 0.1;
const eventsPerPage = 1000;
/** The Poller's timeout and schedule in the stack (infra/okta-connector.ts). */
const pollerTimeoutMs = 55_000;
const scheduleEveryMs = 60_000;

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
  /** Real time of the catch-up, and per page: what bounds the rate when the limit does not. */
  realSeconds: number;
  realMsPerPage: number;
  stops: Record<string, number>;
  error?: string;
}

export async function measurePollerCatchUp(ctx: BenchContext): Promise<MeasurementResult> {
  const backlog = ctx.quick ? 20_000 : 100_000;
  const notes: string[] = [];
  const pollerEntry = 'functions/triggers/poll-system-log.ts';
  if (!existsSync(pollerEntry)) {
    return { id: 'poller', title: '5. Poller catch-up', status: 'missing', notes: [`${pollerEntry} does not exist yet, not measured`], figures: {} };
  }
  // Run from source (the simulator reads its reference files next to its own code); no load time is measured here.
  const probe = 'bench/probes/poller-catch-up.ts';
  const catchUp = async (who: 'connector' | 'sdk'): Promise<CatchUpFigures> => {
    const tableName = `bench-poller-${ctx.runTag}-${who}`;
    await ctx.env.aws.createTable(tableName);
    try {
      const { result } = await runProbe<CatchUpRun>(
        probe,
        { who, backlog, logsLimitPerMinute, reserve, pollerTimeoutMs, scheduleEveryMs, tableName, repoRoot: ctx.repoRoot },
        { ...ctx.env.functionEnv(), TABLE_NAME: tableName, POWERTOOLS_LOG_LEVEL: 'WARN' },
        900_000,
        ['--import', 'tsx'],
      );
      return figures(result);
    } catch (error) {
      return { error: (error as Error).message.slice(0, 300) } as CatchUpFigures;
    } finally {
      ctx.env.aws.eventBridge.clear();
    }
  };
  const connector = await catchUp('connector');
  const sdk = await catchUp('sdk');
  for (const [who, f] of [['connector', connector], ['SDK', sdk]] as const) {
    if (f.error) notes.push(`${who}: ${f.error}`);
    else if (f.events < backlog) notes.push(`${who}: only ${f.events} of ${backlog} events reached the bus in ${f.runs} runs`);
  }
  notes.push(`backlog of ${backlog.toLocaleString('en')} real-sized events; /api/v1/logs limited to ${logsLimitPerMinute}/min; ceiling after the ${reserve * 100}% reserve = ${Math.floor(logsLimitPerMinute * (1 - reserve))} requests x ${eventsPerPage} events a minute`);
  notes.push('a run every minute with a 55 s timeout; the simulator clock runs at real speed during work and jumps over every wait; dedupe in dynalite, PutEvents to the local endpoint');
  const row = (name: string, f: CatchUpFigures) => f.error ? [name] : [
    name, cell(f.events, 0), cell(f.requests, 0), cell(f.requestsPer1000Events, 3), cell(f.simMinutes, 2),
    cell(f.eventsPerMinute, 0), `${(f.shareOfCeiling * 100).toFixed(1)}%`,
    `${f.lowestRemaining}/${f.limit}${f.reserveKept ? '' : ' (dipped)'}`, cell(f.tooManyRequests, 0), cell(f.realMsPerPage, 0),
  ];
  const ok = (f: CatchUpFigures) => !f.error && f.events >= backlog;
  return {
    id: 'poller',
    title: `5. Poller catch-up (${backlog.toLocaleString('en')} events, logs limit ${logsLimitPerMinute}/min, sim clock)`,
    status: ok(connector) && ok(sdk) ? 'measured' : ok(connector) || ok(sdk) ? 'partial' : 'failed',
    notes,
    table: {
      columns: ['', 'events', 'requests', 'req/1k events', 'sim min', 'events/min', 'of ceiling', 'lowest remaining', '429s', 'real ms/page'],
      rows: [row('poll-system-log', connector), row('SDK poller', sdk)],
    },
    figures: { backlog, logsLimitPerMinute, reserve, pollerTimeoutMs, connector, sdk },
  };
}

function figures(run: CatchUpRun): CatchUpFigures {
  const exchanges: LogsExchange[] = run.exchanges;
  const limit = exchanges.find((e) => e.limit > 0)?.limit ?? logsLimitPerMinute;
  const reserveRequests = Math.ceil(limit * reserve);
  const ok = exchanges.filter((e) => e.status === 200);
  const lowestRemaining = ok.length ? Math.min(...ok.map((e) => e.remaining)) : Number.NaN;
  const windows = new Map<number, number>();
  for (const e of exchanges) windows.set(e.resetAt, (windows.get(e.resetAt) ?? 0) + 1);
  const simMinutes = run.simMs / 60_000;
  const eventsPerMinute = run.published / simMinutes;
  const ceiling = Math.floor(limit * (1 - reserve)) * eventsPerPage;
  const tooManyRequests = exchanges.filter((e) => e.status === 429).length;
  return {
    events: run.published,
    runs: run.runs,
    requests: exchanges.length,
    tooManyRequests,
    requestsPer1000Events: round(exchanges.length / (run.published / 1000), 3),
    simMinutes: round(simMinutes, 3),
    eventsPerMinute: round(eventsPerMinute, 0),
    ceilingEventsPerMinute: ceiling,
    shareOfCeiling: round(eventsPerMinute / ceiling, 4),
    limit,
    reserveRequests,
    lowestRemaining,
    reserveKept: tooManyRequests === 0 && lowestRemaining >= reserveRequests,
    requestsPerWindow: [...windows.values()],
    realSeconds: round(run.realMs / 1000, 1),
    realMsPerPage: round(run.realMs / Math.max(1, ok.length), 1),
    stops: run.stops,
  };
}
