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
import { awsCalls, callsPer1000Events, costNote, monthlyCost } from '../aws-cost.js';
import { runProbe } from '../child-process.js';
import type { CatchUpRun, LogsExchange } from '../probes/poller-catch-up.js';
import { cell, type MeasurementResult } from '../report.js';
import { round } from '../statistics.js';

export const LOGS_LIMIT_PER_MINUTE = 120;
export const RESERVE = 0.1;
const EVENTS_PER_PAGE = 1000;
/** The Poller's timeout and schedule in the stack (infra/okta-connector.ts). */
const POLLER_TIMEOUT_MS = 55_000;
const SCHEDULE_EVERY_MS = 60_000;

export interface CatchUpFigures {
  events: number;
  runs: number;
  requests: number;
  tooManyRequests: number;
  requestsPer1000Events: number;
  /** Simulator minutes from the first request to the end of the run that put the last event on the bus. */
  simMinutes: number;
  /** Events over `simMinutes`. */
  eventsPerMinute: number;
  /** Whether the catch-up spanned more than one rate-limit window (else the limit never bound). */
  limitBound: boolean;
  /**
   * When the limit bound: the events read in every window but the last, over the time from the first window's start
   * to the last one's (full windows only, gaps between windows included).
   */
  sustainedEventsPerMinute?: number;
  ceilingEventsPerMinute: number;
  /** The sustained rate over the ceiling when the limit bound; otherwise the whole run's rate over it. */
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
    return {
      id: 'poller',
      title: '5. Poller catch-up',
      status: 'missing',
      notes: [`${pollerEntry} does not exist yet, not measured`],
      figures: {},
    };
  }
  // Run from source (the simulator reads its reference files next to its own code); no load time is measured here.
  const probe = 'bench/probes/poller-catch-up.ts';
  const catchUp = async (who: 'connector' | 'sdk', limit: number): Promise<CatchUpFigures> => {
    const tableName = `bench-poller-${ctx.runTag}-${who}-${limit}`;
    await ctx.env.aws.createTable(tableName);
    try {
      const { result } = await runProbe<CatchUpRun>(
        probe,
        {
          who,
          backlog,
          logsLimitPerMinute: limit,
          reserve: RESERVE,
          pollerTimeoutMs: POLLER_TIMEOUT_MS,
          scheduleEveryMs: SCHEDULE_EVERY_MS,
          tableName,
          repoRoot: ctx.repoRoot,
        },
        { ...ctx.env.functionEnv(), TABLE_NAME: tableName, POWERTOOLS_LOG_LEVEL: 'WARN' },
        900_000,
        ['--import', 'tsx'],
      );
      return figures(result, limit);
    } catch (error) {
      return { error: (error as Error).message.slice(0, 300) } as CatchUpFigures;
    } finally {
      ctx.env.aws.eventBridge.clear();
    }
  };
  // At 120 a minute the whole backlog (about 101 pages) fits in one window's allowance after the reserve (108), so
  // the limit never binds; the same backlog under a limit that spans several windows shows the waits and the reserve.
  const bindingLimit = ctx.quick ? 6 : 30;
  const callsBefore = awsCalls(ctx.env.aws);
  const connector = await catchUp('connector', LOGS_LIMIT_PER_MINUTE);
  const perThousand = connector.error
    ? undefined
    : callsPer1000Events(callsBefore, awsCalls(ctx.env.aws), connector.events);
  const cost = perThousand && monthlyCost(perThousand);
  const sdk = await catchUp('sdk', LOGS_LIMIT_PER_MINUTE);
  const binding = {
    limit: bindingLimit,
    connector: await catchUp('connector', bindingLimit),
    sdk: await catchUp('sdk', bindingLimit),
  };
  for (const [who, f] of [
    ['connector', connector],
    ['SDK', sdk],
    [`connector at ${bindingLimit}/min`, binding.connector],
    [`SDK at ${bindingLimit}/min`, binding.sdk],
  ] as const) {
    if (f.error) notes.push(`${who}: ${f.error}`);
    else if (f.events < backlog)
      notes.push(`${who}: only ${f.events} of ${backlog} events reached the bus in ${f.runs} runs`);
  }
  if (perThousand && cost) notes.push(costNote('poll-system-log', perThousand, cost));
  notes.push(
    `backlog of ${backlog.toLocaleString('en')} real-sized events; /api/v1/logs limited to ${LOGS_LIMIT_PER_MINUTE}/min (the issue's case), then to ${bindingLimit}/min (a limit that binds); ceiling = the requests a window leaves after the ${RESERVE * 100}% reserve x ${EVENTS_PER_PAGE} events, a minute`,
  );
  notes.push(
    'a run every minute with a 55 s timeout; the simulator clock runs at real speed during work and jumps over every wait; dedupe in dynalite, PutEvents to the local endpoint',
  );
  notes.push(
    '"sustained/min": events of every full window over the time from the first window to the last (only when the backlog spanned several windows); "of ceiling" is that over the ceiling, or the whole run\'s events/min when the limit never bound',
  );
  const row = (name: string, f: CatchUpFigures) =>
    f.error
      ? [name]
      : [
          name,
          cell(f.events, 0),
          cell(f.requests, 0),
          cell(f.requestsPer1000Events, 3),
          cell(f.simMinutes, 2),
          cell(f.eventsPerMinute, 0),
          cell(f.sustainedEventsPerMinute, 0),
          `${(f.shareOfCeiling * 100).toFixed(1)}%`,
          `${f.lowestRemaining}/${f.limit}${f.reserveKept ? '' : ' (dipped)'}`,
          cell(f.tooManyRequests, 0),
          cell(f.realMsPerPage, 0),
        ];
  const ok = (f: CatchUpFigures) => !f.error && f.events >= backlog;
  const all = [connector, sdk, binding.connector, binding.sdk];
  return {
    id: 'poller',
    title: `5. Poller catch-up (${backlog.toLocaleString('en')} events, sim clock)`,
    status: all.every(ok) ? 'measured' : all.some(ok) ? 'partial' : 'failed',
    notes,
    table: {
      columns: [
        '',
        'events',
        'requests',
        'req/1k events',
        'sim min',
        'events/min',
        'sustained/min',
        'of ceiling',
        'lowest remaining',
        '429s',
        'real ms/page',
      ],
      rows: [
        row(`poll-system-log, ${LOGS_LIMIT_PER_MINUTE}/min`, connector),
        row(`SDK poller, ${LOGS_LIMIT_PER_MINUTE}/min`, sdk),
        row(`poll-system-log, ${bindingLimit}/min`, binding.connector),
        row(`SDK poller, ${bindingLimit}/min`, binding.sdk),
      ],
    },
    figures: {
      backlog,
      logsLimitPerMinute: LOGS_LIMIT_PER_MINUTE,
      reserve: RESERVE,
      pollerTimeoutMs: POLLER_TIMEOUT_MS,
      connector,
      sdk,
      binding,
      ...(perThousand && cost ? { awsCallsPer1000Events: perThousand, monthlyCost: cost } : {}),
    },
  };
}

function figures(run: CatchUpRun, configuredLimit: number): CatchUpFigures {
  const exchanges: LogsExchange[] = run.exchanges;
  const limit = exchanges.find((e) => e.limit > 0)?.limit ?? configuredLimit;
  const reserveRequests = Math.ceil(limit * RESERVE);
  const ok = exchanges.filter((e) => e.status === 200);
  const lowestRemaining = ok.length ? Math.min(...ok.map((e) => e.remaining)) : Number.NaN;
  // Windows in order, each known by its reset (the simulator's windows last a minute from their first request).
  const windows = new Map<number, { requests: number; events: number }>();
  for (const e of exchanges) {
    const window = windows.get(e.resetAt) ?? { requests: 0, events: 0 };
    window.requests += 1;
    window.events += e.status === 200 ? e.events : 0;
    windows.set(e.resetAt, window);
  }
  const resets = [...windows.keys()];
  const simMinutes = run.simMs / 60_000;
  const eventsPerMinute = run.published / simMinutes;
  const ceiling = Math.floor(limit * (1 - RESERVE)) * EVENTS_PER_PAGE;
  const limitBound = resets.length >= 2;
  const fullWindowEvents = resets.slice(0, -1).reduce((sum, reset) => sum + (windows.get(reset)?.events ?? 0), 0);
  const sustained = limitBound
    ? fullWindowEvents / (((resets.at(-1) as number) - (resets[0] as number)) / 60_000)
    : undefined;
  const tooManyRequests = exchanges.filter((e) => e.status === 429).length;
  return {
    events: run.published,
    runs: run.runs,
    requests: exchanges.length,
    tooManyRequests,
    requestsPer1000Events: round(exchanges.length / (run.published / 1000), 3),
    simMinutes: round(simMinutes, 3),
    eventsPerMinute: round(eventsPerMinute, 0),
    limitBound,
    ...(sustained === undefined ? {} : { sustainedEventsPerMinute: round(sustained, 0) }),
    ceilingEventsPerMinute: ceiling,
    shareOfCeiling: round((sustained ?? eventsPerMinute) / ceiling, 4),
    limit,
    reserveRequests,
    lowestRemaining,
    reserveKept: tooManyRequests === 0 && lowestRemaining >= reserveRequests,
    requestsPerWindow: [...windows.values()].map((w) => w.requests),
    realSeconds: round(run.realMs / 1000, 1),
    realMsPerPage: round(run.realMs / Math.max(1, ok.length), 1),
    stops: run.stops,
  };
}
