/**
 * One soak run: a fresh simulated org with its event hook pointed at the connector, the run's faults armed, then
 * all of the plan's work at once (users changed through the actions, System Log bursts, pollers, searches, Okta's
 * hook deliveries with its retry, redeliveries), then the faults lifted and the poller run until caught up, and
 * the checks of soak-checks.ts.
 */
import type { Context } from 'aws-lambda';
import { handler as pollHandler } from '../../functions/triggers/poll-system-log.js';
import type { LambdaContextLike } from '../../functions/lib/lambda-time.js';
import { handler as searchHandler, type ScheduledSearchSummary } from '../../functions/triggers/scheduled-search.js';
import type { SearchConfig } from '../../functions/lib/events/search-settings.js';
import { registerEventHook, sandboxHookEventTypes } from '../../local/event-hook-registration.js';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import { loadAction } from './action-modules.js';
import { checkRun, type Failure } from './soak-checks.js';
import { planRun, seededRandom, type ActionCall, type DeadlinePlan, type RunPlan } from './soak-plan.js';
import type { SoakWorld } from './soak-world.js';

export interface RunResult {
  seed: number;
  events: number;
  published: number;
  /** Search result windows on the bus, and how many of them twice (overlapping runs, a lost cursor write; not a guarantee). */
  searchWindows: { published: number; twice: number };
  faults: Record<string, number>;
  actions: { ok: number; failed: number };
  violations: string[];
  ms: number;
}

const HOOK_SECRET = 'soak-hook-secret-5d1f0c9a';
const pollOnlyTypes = ['system.api_token.create', 'policy.lifecycle.update', 'app.oauth2.token.grant'];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A Lambda context whose remaining time runs out as the plan says. */
function contextOf(plan: DeadlinePlan): Context & LambdaContextLike {
  const start = Date.now();
  return {
    awsRequestId: 'soak',
    functionName: 'okta-connector-soak',
    getRemainingTimeInMillis: () => Math.max(0, plan.budgetMs - (Date.now() - start) * plan.speed),
  } as unknown as Context;
}

/** Runs one soak run of `seed` as connection `soak-<index>`. */
export async function soakRun(world: SoakWorld, index: number, seed: number): Promise<RunResult> {
  const started = Date.now();
  const plan = planRun(seed);
  const connection = `soak-${index}`;
  const failures: Failure[] = [];
  const sim = await startOktaSim({
    seed: { users: 3, groups: 2, apps: 0, signInDays: 0 },
    rateLimits: false,
    randomSeed: seed,
  });
  try {
    world.aws.secrets.put(`okta-connector/${connection}`, {
      domain: sim.url,
      auth: { type: 'api-token', token: sim.apiToken },
    });
    world.aws.secrets.put(`okta-connector/${connection}/event-hook`, { eventHookSecret: HOOK_SECRET });
    const hookId = await registerEventHook({
      orgUrl: sim.url,
      apiToken: sim.apiToken,
      uri: `${world.hookUrl}?connection=${connection}`,
      secret: HOOK_SECRET,
      connection,
    });
    world.cursorWrites.length = 0;
    world.aws.eventBridge.clear();
    const random = seededRandom(seed ^ 0x5eed);
    world.random = seededRandom(seed ^ 0xd1a0);

    const faults = arm(world, sim, plan);
    const searches: SearchConfig[] = [
      {
        connection,
        name: 'creates',
        filter: 'eventType eq "user.lifecycle.create"',
        schedule: 'rate(1 minute)',
        window: '1m',
        windowMs: 60_000,
      },
    ];
    const searchSummaries: ScheduledSearchSummary[] = [];
    // Searches run on a clock of their own that moves a window per run, so each run has windows to cover.
    let searchNow = Date.now() + 3 * 60_000;

    const work: Array<Promise<unknown>> = [];
    const group = sim.org.groups().find((candidate) => candidate.type === 'OKTA_GROUP');
    const groupId = typeof group?.id === 'string' ? group.id : 'no-group';
    const actions = { ok: 0, failed: 0 };
    work.push(runActions(plan, connection, groupId, actions, failures));
    for (const burst of plan.bursts) {
      work.push(
        sleep(burst.atMs).then(() => sim.control.addLogEvents(burstEvents(burst.count, burst.lateShare, random))),
      );
    }
    for (const poll of plan.polls) {
      const once = () =>
        pollHandler({ connection }, contextOf(poll.deadline), { pageSize: plan.pageSize }).catch((error: unknown) =>
          failures.push({ where: 'poll', error }),
        );
      work.push(sleep(poll.atMs).then(() => Promise.all(poll.twice ? [once(), once()] : [once()])));
    }
    for (const search of plan.searches) {
      const once = () =>
        searchHandler({ connection, search: 'creates' }, contextOf(search.deadline), {
          searches,
          now: () => searchNow,
        }).then(
          (summary) => searchSummaries.push(summary as ScheduledSearchSummary),
          (error: unknown) => failures.push({ where: 'search', error }),
        );
      work.push(
        sleep(search.atMs).then(async () => {
          await Promise.all(search.twice ? [once(), once()] : [once()]);
          searchNow += 60_000;
        }),
      );
    }
    work.push(sleep(900).then(() => redeliver(sim, hookId, plan.redeliveries, random)));
    await Promise.all(work);

    const simCounts = simFaultCounts(sim);
    sim.control.clearFaults();
    world.dynamoFaults = { throttle: 0, exhaustedThrottle: 0, conditionalConflict: 0 };
    world.aws.eventBridge.delay(0);
    await drain(sim, connection, plan.pageSize, failures);

    const counts = { ...faults, ...simCounts, ...world.counts };
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
      violations,
      ms: Date.now() - started,
    };
  } finally {
    world.counts = {
      dynamoThrottles: 0,
      dynamoExhaustedThrottles: 0,
      dynamoConditionalConflicts: 0,
      eventBridgeThrottles: 0,
    };
    await sim.close();
  }
}

/** Arms the run's faults; returns the counts of the EventBridge entry failures as they fire. */
function arm(world: SoakWorld, sim: OktaSim, plan: RunPlan): Record<string, number> {
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
  world.dynamoFaults = { ...plan.dynamoFaults };
  return counts;
}

function simFaultCounts(sim: OktaSim): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const fault of sim.control.faults())
    counts[`okta-${fault.type}`] = (counts[`okta-${fault.type}`] ?? 0) + fault.fired;
  return counts;
}

/** Three workers change the run's users through the actions, each user's calls in order. */
async function runActions(
  plan: RunPlan,
  connection: string,
  groupId: string,
  counts: { ok: number; failed: number },
  failures: Failure[],
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
        try {
          const output = (await (await loadAction(call.name)).handler(input, contextOf(call.deadline))) as {
            id?: string;
          };
          if (call.name === 'create-user') userIds[call.user] = output.id;
          counts.ok += 1;
        } catch (error) {
          counts.failed += 1;
          failures.push({ where: 'action', error });
        }
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
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

/** Waits for Okta's deliveries in flight, then polls with time to spare until the poller is caught up. */
async function drain(sim: OktaSim, connection: string, pageSize: number, failures: Failure[]): Promise<void> {
  const long = { budgetMs: 120_000, speed: 1 };
  for (let round = 0; round < 30; round += 1) {
    await hooksIdle(sim);
    const logSize = sim.org.logEvents().length;
    const summary = await pollHandler({ connection }, contextOf(long), { pageSize }).catch((error: unknown) => {
      failures.push({ where: 'drain', error });
      return undefined;
    });
    await hooksIdle(sim);
    if (summary?.stoppedBecause === 'caught-up' && sim.org.logEvents().length === logSize) return;
  }
}

/** Until no delivery is in flight and none started for a batch window and a bit. */
async function hooksIdle(sim: OktaSim): Promise<void> {
  let seen = -1;
  for (let i = 0; i < 200; i += 1) {
    const deliveries = sim.control.hookDeliveries() as Array<{ status?: number; error?: string }>;
    const busy = deliveries.some((d) => d.status === undefined && d.error === undefined);
    if (!busy && deliveries.length === seen) return;
    seen = busy ? -1 : deliveries.length;
    await sleep(120);
  }
}
