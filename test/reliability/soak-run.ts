/**
 * One soak run: a fresh simulated org and a fresh deployment of the stack (every function in containers of its own,
 * soak-world.ts) with the org's event hook pointed at its Function URL, the run's faults armed, then all of the
 * plan's work at once (users changed through the actions, System Log bursts, pollers, searches, Okta's hook
 * deliveries with its retry, redeliveries), then the faults lifted and the poller run until caught up, and the
 * checks of soak-checks.ts.
 */
import type { ScheduledSearchSummary } from '../../functions/triggers/scheduled-search.js';
import { registerEventHook, sandboxHookEventTypes } from '../../local/event-hook-registration.js';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import type { InvokeOutcome, LocalFunction } from '../../local/runtime.js';
import type { StackRuntime } from '../../local/stack-runtime.js';
import { checkRun, type Failure } from './soak-checks.js';
import { planRun, seededRandom, type ActionCall, type DeadlinePlan, type RunPlan } from './soak-plan.js';
import { startSoakDeployment, type SoakWorld } from './soak-world.js';

export interface RunResult {
  seed: number;
  events: number;
  published: number;
  /** Search result windows on the bus, and how many of them twice (overlapping runs, a lost cursor write; not a guarantee). */
  searchWindows: { published: number; twice: number };
  faults: Record<string, number>;
  actions: { ok: number; failed: number };
  /** Containers started over the run (cold starts), over every function. */
  containers: number;
  /** Invocations lost to a cold start's init outrunning Lambda's init limit and the timeout (see `initTimedOut`). */
  initTimeouts: number;
  violations: string[];
  ms: number;
}

export interface RunOptions {
  /** Action calls in flight at once (each needs a container of its own). */
  actionWorkers: number;
}

const HOOK_SECRET = 'soak-hook-secret-5d1f0c9a';
const pollOnlyTypes = ['system.api_token.create', 'policy.lifecycle.update', 'app.oauth2.token.grant'];
/**
 * The reserved concurrency of the run's pollers and searches: the stack reserves 1 for the poller, but the plan's
 * runs overlap (as two deployments on one org, or a slow run and the next schedule would), and the cursors'
 * conditional writes must keep them safe all the same.
 */
const OVERLAPPING = 10;
const hookFunctions = ['okta-connector-event-hook', 'okta-connector-publish-deliveries'];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The deployment's function `name` with the plan's timeout: a function of its own per timeout.
 */
function withTimeout(
  deployment: StackRuntime,
  name: string,
  deadline: DeadlinePlan,
  extra: Partial<LocalFunction> = {},
) {
  return {
    ...deployment.fn(name),
    name: `${name}-${deadline.timeoutSeconds}s`,
    timeoutSeconds: deadline.timeoutSeconds,
    ...extra,
  };
}

/**
 * Whether a failed invocation is a cold start whose init outran Lambda's 10 s init limit and then the invocation's
 * timeout (Lambda runs a slow init again within the invocation, and reports no `Init Duration`): the platform on a
 * loaded machine, not the connector, so the run reports it apart instead of as a violation.
 */
function initTimedOut(outcome: InvokeOutcome & { ok: false }): boolean {
  return outcome.coldStart && outcome.error.errorType === 'Sandbox.Timedout' && !outcome.log.includes('Init Duration');
}

type RecordFailure = (where: Failure['where'], outcome: InvokeOutcome & { ok: false }) => void;

/** An invocation that failed, as a caller sees it: an error named with the Lambda's `errorType`. */
function failureOf(outcome: InvokeOutcome & { ok: false }): Error {
  const error = new Error(outcome.error.errorMessage);
  error.name = outcome.error.errorType;
  return error;
}

/** Runs one soak run of `seed` as connection `soak-<index>`, in a deployment of its own. */
export async function soakRun(world: SoakWorld, index: number, seed: number, options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const plan = planRun(seed);
  const connection = `soak-${index}`;
  const failures: Failure[] = [];
  let initTimeouts = 0;
  const failed: RecordFailure = (where, outcome) => {
    if (initTimedOut(outcome)) initTimeouts += 1;
    else failures.push({ where, error: failureOf(outcome) });
  };
  const sim = await startOktaSim({
    seed: { users: 3, groups: 2, apps: 0, signInDays: 0 },
    // Okta's limits, but the System Log's raised (orgs can have it raised): the runs' many small pages and
    // overlapping pollers would otherwise spend the 120-a-minute window, and the shared budget would make the
    // drain wait for its reset, a minute a run. The soak's 429 faults still come; the budget has tests of its own.
    rateLimits: { logs: 1_200 },
    randomSeed: seed,
  });
  let deployment: StackRuntime | undefined;
  try {
    deployment = await startSoakDeployment(world, {
      connection,
      searches: [
        {
          connection,
          name: 'creates',
          filter: 'eventType eq "user.lifecycle.create"',
          schedule: 'rate(1 minute)',
          // Short windows, so the run's few seconds cover several: each ends the settle delay (2 min) before now.
          window: 'PT2S',
        },
      ],
      // Every action worker, two of each trigger at once, the hook's deliveries and its publisher, with room.
      accountConcurrency: options.actionWorkers + 16,
    });
    const stack = deployment;
    world.aws.secrets.put(`okta-connector/${connection}`, {
      domain: sim.url,
      auth: { type: 'api-token', token: sim.apiToken },
    });
    world.aws.secrets.put(`okta-connector/${connection}/event-hook`, { eventHookSecret: HOOK_SECRET });
    const hookId = await registerEventHook({
      orgUrl: sim.url,
      apiToken: sim.apiToken,
      uri: `${stack.gateway.eventHookUrl}?connection=${connection}`,
      secret: HOOK_SECRET,
      connection,
    });
    world.cursorWrites.length = 0;
    world.aws.eventBridge.clear();
    const random = seededRandom(seed ^ 0x5eed);
    const awsBefore = awsFaultCounts(world);

    const faults = arm(world, sim, plan, seededRandom(seed ^ 0xd1a0));
    const searchSummaries: ScheduledSearchSummary[] = [];
    const poller = (deadline: DeadlinePlan) =>
      withTimeout(stack, 'poll-system-log', deadline, {
        reservedConcurrency: OVERLAPPING,
        environment: { POLL_PAGE_SIZE: String(plan.pageSize) },
      });

    const work: Array<Promise<unknown>> = [];
    const group = sim.org.groups().find((candidate) => candidate.type === 'OKTA_GROUP');
    const groupId = typeof group?.id === 'string' ? group.id : 'no-group';
    const actions = { ok: 0, failed: 0 };
    work.push(runActions(stack, plan, connection, groupId, actions, failed, options.actionWorkers));
    for (const burst of plan.bursts) {
      work.push(
        sleep(burst.atMs).then(() => sim.control.addLogEvents(burstEvents(burst.count, burst.lateShare, random))),
      );
    }
    for (const poll of plan.polls) {
      const once = async () => {
        const outcome = await stack.runtime.invoke(poller(poll.deadline), { connection });
        if (!outcome.ok) failed('poll', outcome);
      };
      work.push(sleep(poll.atMs).then(() => Promise.all(poll.twice ? [once(), once()] : [once()])));
    }
    for (const search of plan.searches) {
      const fn = withTimeout(stack, 'scheduled-search', search.deadline, { reservedConcurrency: OVERLAPPING });
      const once = async () => {
        const outcome = await stack.runtime.invoke(fn, { connection, search: 'creates' });
        if (outcome.ok) searchSummaries.push(outcome.result as ScheduledSearchSummary);
        else failed('search', outcome);
      };
      work.push(sleep(search.atMs).then(() => Promise.all(search.twice ? [once(), once()] : [once()])));
    }
    work.push(sleep(900).then(() => redeliver(sim, hookId, plan.redeliveries, random)));
    await Promise.all(work);

    const simCounts = simFaultCounts(sim);
    sim.control.clearFaults();
    world.aws.dynamoDb.injectFaults({ throttle: 0, exhaustedThrottle: 0, conditionalConflict: 0 });
    world.aws.eventBridge.delay(0);
    const awsCounts = awsFaultCounts(world, awsBefore);
    await drain(sim, stack, poller({ timeoutSeconds: 120 }), connection, failed);

    const counts = { ...faults, ...simCounts, ...awsCounts };
    const violations = checkRun({ sim, world, connection, failures, searchSummaries, hookId });
    const details = world.aws.eventBridge.entries().filter((entry) => entry.DetailType !== 'Okta Event Search Results');
    const windows = new Map<string, number>();
    for (const entry of world.aws.eventBridge.entries().filter((e) => e.DetailType === 'Okta Event Search Results')) {
      const detail = JSON.parse(entry.Detail) as { since: string; until: string; part: number };
      const key = `${detail.since} ${detail.until} ${detail.part}`;
      windows.set(key, (windows.get(key) ?? 0) + 1);
    }
    return {
      seed,
      events: sim.org.logEvents().length,
      published: details.length,
      searchWindows: { published: windows.size, twice: [...windows.values()].filter((n) => n > 1).length },
      faults: counts,
      actions,
      containers: stack.runtime.stats().functions.reduce((sum, f) => sum + f.coldStarts, 0),
      initTimeouts,
      violations,
      ms: Date.now() - started,
    };
  } finally {
    world.aws.dynamoDb.injectFaults({ throttle: 0, exhaustedThrottle: 0, conditionalConflict: 0 });
    await deployment?.stop();
    await sim.close();
  }
}

/** What the local AWS answered with faults so far, or since `before`. */
function awsFaultCounts(world: SoakWorld, before?: Record<string, number>): Record<string, number> {
  const dynamo = world.aws.dynamoDb.faultCounts();
  const now: Record<string, number> = {
    dynamoThrottles: dynamo.throttles,
    dynamoExhaustedThrottles: dynamo.exhaustedThrottles,
    dynamoConditionalConflicts: dynamo.conditionalConflicts,
    eventBridgeThrottles: world.aws.eventBridge.throttledCount(),
  };
  if (!before) return now;
  return Object.fromEntries(Object.entries(now).map(([kind, count]) => [kind, count - (before[kind] ?? 0)]));
}

/** Arms the run's faults; returns the counts of the EventBridge entry failures as they fire. */
function arm(world: SoakWorld, sim: OktaSim, plan: RunPlan, random: () => number): Record<string, number> {
  const counts = { 'eventbridge-entry-failure': 0 };
  for (const fault of plan.simFaults) sim.control.addFault(fault);
  if (plan.entryFailures.count > 0) {
    world.aws.eventBridge.failEntries({
      ...plan.entryFailures,
      match: () => {
        counts['eventbridge-entry-failure'] += 1;
        return true;
      },
    });
  }
  if (plan.eventBridgeThrottledCalls > 0) world.aws.eventBridge.throttle(plan.eventBridgeThrottledCalls);
  world.aws.eventBridge.delay(plan.eventBridgeDelayMs);
  world.aws.dynamoDb.injectFaults({ ...plan.dynamoFaults, random });
  return counts;
}

function simFaultCounts(sim: OktaSim): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const fault of sim.control.faults())
    counts[`okta-${fault.type}`] = (counts[`okta-${fault.type}`] ?? 0) + fault.fired;
  return counts;
}

/** `workers` callers change the run's users through the actions, each user's calls in order. */
async function runActions(
  stack: StackRuntime,
  plan: RunPlan,
  connection: string,
  groupId: string,
  counts: { ok: number; failed: number },
  failed: RecordFailure,
  workers: number,
): Promise<void> {
  const userIds: Array<string | undefined> = [];
  const byUser = new Map<number, ActionCall[]>();
  for (const call of plan.actions) byUser.set(call.user, [...(byUser.get(call.user) ?? []), call]);
  const queue = [...byUser.values()];
  const worker = async () => {
    for (let calls = queue.shift(); calls; calls = queue.shift()) {
      for (const call of calls) {
        const input = actionInput(call, userIds[call.user], connection, groupId);
        if (!input) continue;
        const outcome = await stack.runtime.invoke(withTimeout(stack, call.name, call.deadline), input);
        if (outcome.ok) {
          if (call.name === 'create-user') userIds[call.user] = (outcome.result as { id?: string }).id;
          counts.ok += 1;
        } else {
          counts.failed += 1;
          failed('action', outcome);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}

function actionInput(
  call: ActionCall,
  userId: string | undefined,
  connection: string,
  groupId: string,
): Record<string, unknown> | undefined {
  if (call.name === 'create-user') {
    const login = `soak.${call.user}.${Math.random().toString(36).slice(2, 8)}@example.com`;
    return {
      connection,
      profile: { login, email: login, firstName: 'Soak', lastName: `User${call.user}` },
      password: 'Soak-Pass-2026!x',
    };
  }
  if (call.name === 'search-users') return { connection, search: 'profile.firstName eq "Soak"', limit: 50 };
  if (!userId) return undefined;
  if (call.name === 'update-user') return { connection, userId, profile: { nickName: `n${Date.now()}` } };
  if (call.name === 'add-user-to-group') return { connection, userId, groupId };
  return { connection, userId };
}

function burstEvents(count: number, lateShare: number, random: () => number) {
  return Array.from({ length: count }, () => {
    const subscribed = random() < 0.7;
    const eventType = subscribed
      ? (sandboxHookEventTypes[Math.floor(random() * sandboxHookEventTypes.length)] as string)
      : (pollOnlyTypes[Math.floor(random() * pollOnlyTypes.length)] as string);
    const late = random() < lateShare;
    return {
      eventType,
      ...(late ? { published: new Date(Date.now() - Math.floor(random() * 600_000)).toISOString() } : {}),
    };
  });
}

/** Okta delivers at least once: some deliveries arrive again, as they did the first time. */
async function redeliver(sim: OktaSim, hookId: string, count: number, random: () => number): Promise<void> {
  const delivered = sim.control.hookDeliveries() as Array<{ kind: string; body?: { eventId: string } }>;
  const posts = delivered.filter((d) => d.kind === 'deliver' && d.body);
  for (let i = 0; i < count && posts.length > 0; i += 1) {
    const eventId = posts[Math.floor(random() * posts.length)]?.body?.eventId;
    await fetch(`${sim.url}/__sim/event-hooks/${hookId}/redeliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventId }),
    });
  }
}

/** Waits for Okta's deliveries and their hand-off, then polls with time to spare until the poller is caught up. */
async function drain(
  sim: OktaSim,
  stack: StackRuntime,
  poller: LocalFunction,
  connection: string,
  failed: RecordFailure,
): Promise<void> {
  for (let round = 0; round < 30; round += 1) {
    await hooksIdle(sim, stack);
    const logSize = sim.org.logEvents().length;
    const outcome = await stack.runtime.invoke(poller, { connection });
    if (!outcome.ok) failed('drain', outcome);
    await hooksIdle(sim, stack);
    const summary = outcome.ok ? (outcome.result as { stoppedBecause?: string }) : undefined;
    if (summary?.stoppedBecause === 'caught-up' && sim.org.logEvents().length === logSize) return;
  }
}

/**
 * Until no delivery is in flight, none started for a batch window and a bit, and no function is busy with one (the
 * hook, its publisher). A delivery its publisher failed waits out the queue's visibility timeout (3 minutes): the
 * poller publishes its events meanwhile, and the publisher's later try finds them published.
 */
async function hooksIdle(sim: OktaSim, stack: StackRuntime): Promise<void> {
  let seen = -1;
  for (let i = 0; i < 200; i += 1) {
    const deliveries = sim.control.hookDeliveries() as Array<{ status?: number; error?: string }>;
    const handling = stack.runtime.stats().functions.some((f) => hookFunctions.includes(f.functionName) && f.busy > 0);
    const busy = handling || deliveries.some((d) => d.status === undefined && d.error === undefined);
    if (!busy && deliveries.length === seen) return;
    seen = busy ? -1 : deliveries.length;
    await sleep(120);
  }
}
