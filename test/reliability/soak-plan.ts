/**
 * What one soak run does, drawn from its seed: the faults armed in the simulated org, the local EventBridge and
 * DynamoDB, and the work (actions, System Log bursts, pollers, searches, hook redeliveries) with its timing and
 * Lambda deadlines. The same seed gives the same plan; the interleaving of the work on the wire still varies.
 */
import type { FaultSpec } from '../../local/okta-sim/index.js';
import type { EntryErrorCode } from '../../local/aws/index.js';
import type { DynamoFaults } from './soak-world.js';

/** A small seeded generator (mulberry32): fast, and enough for drawing plans. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A Lambda's time: the function's timeout. Each timeout is a function of its own in the run's deployment (the same
 * code and stack settings, that timeout), as a deployer may give a function any timeout.
 */
export interface DeadlinePlan {
  timeoutSeconds: number;
}

export interface ActionCall {
  name: string;
  /** Which of the run's users the call is about (created by an earlier `create-user`). */
  user: number;
  deadline: DeadlinePlan;
}

export interface Burst {
  atMs: number;
  count: number;
  /** Share of the burst's events published up to 10 minutes in the past (late events). */
  lateShare: number;
}

export interface TriggerCall {
  atMs: number;
  /** Two at once (two pollers, or two runs of a search). */
  twice: boolean;
  deadline: DeadlinePlan;
}

export interface RunPlan {
  simFaults: FaultSpec[];
  entryFailures: { count: number; errorCode: EntryErrorCode };
  eventBridgeThrottledCalls: number;
  eventBridgeDelayMs: number;
  dynamoFaults: DynamoFaults;
  users: number;
  actions: ActionCall[];
  bursts: Burst[];
  polls: TriggerCall[];
  searches: TriggerCall[];
  redeliveries: number;
  /** The poller's page size (Okta's is 1000): small, so a run has many pages and cursor writes. */
  pageSize: number;
}

const lifecycle = [
  'suspend-user',
  'unsuspend-user',
  'update-user',
  'get-user',
  'add-user-to-group',
  'reset-password',
  'deactivate-user',
  'search-users',
];
const faultPaths = ['^/api/v1/logs', '^/api/v1/users', '^/api/v1/'];

/** Draws the plan of one run. */
export function planRun(seed: number): RunPlan {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (low: number, high: number) => Math.floor(low + random() * (high - low + 1));
  // Two timeouts per function, so a run starts few containers: each distinct timeout is a function of its own.
  const deadline = (tight: number, long: number): DeadlinePlan => ({
    timeoutSeconds: (random() < 0.3 ? tight : long) / 1_000,
  });

  const simFaults: FaultSpec[] = [];
  const kinds = ['rate-limit', 'server-error', 'delay', 'drop', 'concurrency-limit'] as const;
  for (const type of kinds) {
    if (random() < 0.35) continue;
    const fault: FaultSpec = { type, path: pick(faultPaths), probability: 0.03 + random() * 0.12 };
    if (type === 'server-error') fault.status = pick([500, 502, 503, 504]);
    if (type === 'delay') fault.delayMs = between(20, 400);
    simFaults.push(fault);
  }

  const users = between(2, 5);
  const actions: ActionCall[] = [];
  for (let user = 0; user < users; user += 1) {
    actions.push({ name: 'create-user', user, deadline: deadline(3_000, 10_000) });
    for (let i = between(1, 4); i > 0; i -= 1)
      actions.push({ name: pick(lifecycle), user, deadline: deadline(3_000, 10_000) });
  }

  const bursts = Array.from({ length: between(1, 4) }, () => ({
    atMs: between(0, 1_200),
    count: between(10, 250),
    lateShare: random() < 0.5 ? random() * 0.3 : 0,
  }));
  // Pollers stop when under 15 s are left, searches under 20 s: tight timeouts sit 2 s above, so runs are cut
  // mid-way. An action keeps 1 s back to answer, so a tight one has 2 s for Okta.
  const polls = Array.from({ length: between(2, 5) }, () => ({
    atMs: between(0, 1_600),
    twice: random() < 0.3,
    deadline: deadline(17_000, 120_000),
  }));
  const searches = Array.from({ length: between(1, 3) }, () => ({
    atMs: between(0, 1_600),
    twice: random() < 0.25,
    deadline: deadline(22_000, 120_000),
  }));

  return {
    simFaults,
    entryFailures: {
      count: random() < 0.6 ? between(1, 40) : 0,
      errorCode: pick(['InternalFailure', 'ThrottlingException'] as const),
    },
    eventBridgeThrottledCalls: random() < 0.4 ? between(1, 3) : 0,
    eventBridgeDelayMs: random() < 0.3 ? between(10, 150) : 0,
    dynamoFaults: {
      throttle: random() < 0.5 ? random() * 0.03 : 0,
      exhaustedThrottle: random() < 0.4 ? random() * 0.01 : 0,
      conditionalConflict: random() < 0.5 ? random() * 0.05 : 0,
    },
    users,
    actions,
    bursts,
    polls,
    searches,
    redeliveries: between(0, 3),
    pageSize: between(20, 200),
  };
}
