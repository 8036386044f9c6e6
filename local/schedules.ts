/**
 * The schedules of the stack, as timers: the System Log poller once per connection (payload `{connection}`)
 * and each scheduled search (payload `{connection, search}`), every `intervalSeconds`. A run that is still going
 * when its next tick comes is not started again (the tick is skipped), as the connector's cursors expect one
 * poller per connection at a time. The functions' settings (timeout, reserved concurrency) are the stack's, in the
 * runtime; an invocation the runtime throttles is tried again a little later, as Lambda's queue of asynchronous
 * invocations retries a throttled EventBridge Scheduler delivery.
 */
import type { InvokeOutcome, LocalFunction, LocalRuntime } from './runtime.js';

export interface ScheduledSearchRef {
  connection: string;
  name: string;
}

export interface SchedulesOptions {
  runtime: LocalRuntime;
  connections: string[];
  searches?: ScheduledSearchRef[];
  /** Seconds between runs; `LOCAL_SCHEDULE_SECONDS` or 60 by default. */
  intervalSeconds?: number;
  pollerEntry?: string;
  searchEntry?: string;
  /** Called after each run with what the function returned or threw. */
  onRun?: (run: { schedule: string; payload: unknown; outcome: InvokeOutcome }) => void;
}

export interface Schedules {
  intervalSeconds: number;
  /** Runs every schedule once now (each skipped when already running) and waits for them. */
  runAll(): Promise<void>;
  /** Stops the timers and waits for the runs in progress. */
  stop(): Promise<void>;
}

/** The interval from `LOCAL_SCHEDULE_SECONDS`, 60 s when unset; throws on a value that is not a positive number. */
export function scheduleSecondsFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.LOCAL_SCHEDULE_SECONDS;
  if (raw === undefined || raw === '') return 60;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`LOCAL_SCHEDULE_SECONDS must be a positive number of seconds (got "${raw}")`);
  return value;
}

/** Starts one timer per schedule. */
export function startSchedules(options: SchedulesOptions): Schedules {
  const intervalSeconds = options.intervalSeconds ?? scheduleSecondsFromEnv();
  const poller: LocalFunction = {
    name: 'poll-system-log',
    entry: options.pollerEntry ?? 'functions/triggers/poll-system-log.ts',
  };
  const search: LocalFunction = {
    name: 'scheduled-search',
    entry: options.searchEntry ?? 'functions/triggers/scheduled-search.ts',
  };
  let stopped = false;
  const invokeUntilAccepted = async (fn: LocalFunction, payload: unknown): Promise<InvokeOutcome> => {
    for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 5_000)) {
      const outcome = await options.runtime.invoke(fn, payload);
      if (!outcome.throttled || stopped) return outcome;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  };
  const jobs = [
    ...options.connections.map((connection) => job(`poll ${connection}`, poller, { connection })),
    ...(options.searches ?? []).map((s) =>
      job(`search ${s.connection}/${s.name}`, search, { connection: s.connection, search: s.name }),
    ),
  ];

  function job(schedule: string, fn: LocalFunction, payload: unknown) {
    let running: Promise<void> | undefined;
    const run = (): Promise<void> => {
      if (running) return running;
      running = invokeUntilAccepted(fn, payload)
        .then((outcome) => options.onRun?.({ schedule, payload, outcome }))
        .finally(() => {
          running = undefined;
        });
      return running;
    };
    const timer = setInterval(() => void run(), intervalSeconds * 1000);
    return { run, timer, inFlight: (): Promise<void> => running ?? Promise.resolve() };
  }

  return {
    intervalSeconds,
    runAll: async () => {
      await Promise.all(jobs.map((j) => j.run()));
    },
    stop: async () => {
      stopped = true;
      for (const j of jobs) clearInterval(j.timer);
      await Promise.all(jobs.map((j) => j.inFlight()));
    },
  };
}
