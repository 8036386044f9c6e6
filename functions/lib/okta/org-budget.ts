/**
 * One rate-limit budget per org and endpoint bucket, shared through the table by every container and function of a
 * deployment (docs/ARCHITECTURE.md "The org-wide rate-limit budget"). Okta's limits are per org and bucket; the
 * reserve (RATE_LIMIT_RESERVE of the limit) is the org's other apps' share, so the connector as a whole may spend
 * `limit - ceil(limit * reserve)` calls of a window, whichever containers make them.
 *
 * The item of a bucket holds the window (`windowEnd`, from Okta's `X-Rate-Limit-Reset`), Okta's `limit` and `left`,
 * the calls the connector may still spend in it. A container leases a block of calls with one conditional
 * `UpdateItem` (`left >= n`) and spends it without the table; blocks shrink as `left` does, so what idle containers
 * hold at the end of a window stays small. Okta's headers feed the item: the first answer of a window sets its
 * exact end, a changed limit moves `left` by the difference, and a `Remaining` at or under the reserve (the other
 * apps spent more than their share) closes the window for every container.
 *
 * The table is bookkeeping, never a reason to stall: each call to it is cut at `TABLE_TIMEOUT_MS` and at the
 * caller's deadline. When it fails or is slow, the budget answers `unknown` for `UNAVAILABLE_MS` and the container
 * falls back on its own admission (headers, calls in flight, pacing): fail-open, see the docs for why.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamoDb } from '../aws-clients.js';
import { systemClock, type Clock } from '../clock.js';
import type { RateLimitState } from './rate-limits.js';

/** What the org's budget says about one more call. */
export type BudgetAnswer =
  | { kind: 'granted' }
  /** The connector's share of the window is spent; the next window starts at `until` (epoch ms). */
  | { kind: 'spent'; until: number }
  /** The table did not answer in time: the caller decides with what its container knows. */
  | { kind: 'unknown' };

export interface OrgBudget {
  take(bucket: string, deadline: number): Promise<BudgetAnswer>;
  /** Okta's `X-Rate-Limit-*` of an answer in `bucket` (not a concurrency 429's). */
  observe(bucket: string, state: RateLimitState, deadline: number): Promise<void>;
  /** Calls made to the table, and how many of them failed or timed out. */
  stats(): { tableCalls: number; tableFailures: number };
}

export interface OrgBudgetDeps {
  dynamoDb?: DynamoDBClient;
  tableName: string;
  /** Share of each window left to the org's other apps. */
  reserve: number;
  clock?: Clock;
}

/**
 * Longest wait for one table call: far above DynamoDB's milliseconds, and never more than half of the caller's
 * remaining time, so the Okta call keeps the other half. Not shorter: a table that is only slow (a container
 * starved of CPU, SDK retries of a throttle) would otherwise send every container to its own rules at once, and
 * many containers on their own rules overrun the reserve (measured: test/reliability/load-budget.test.ts).
 */
export const TABLE_TIMEOUT_MS = 5_000;
/** A table call cut shorter than this by its caller's deadline is not held against the table. */
const JUDGE_AFTER_MS = 100;
/** How long a container decides alone after the table failed it, so a throttled table is not hammered. */
export const UNAVAILABLE_MS = 5_000;
/** Okta's reset is in whole seconds and its clock is not ours: a window is held this much longer. */
const WINDOW_MARGIN_MS = 1_000;
/** A window started before Okta told its end: a minute from now, and the margin. */
const GUESSED_WINDOW_MS = 60_000 + WINDOW_MARGIN_MS;
/** A bucket never seen: one call (the probe) tells its limit; others wait this long at most for it. */
const PROBE_WINDOW_MS = 5_000;
const PROBE_POLL_MS = 50;
const MAX_BLOCK = 10;
/** A block is this share of what is left (so the calls idle containers hold when the window ends are few). */
const BLOCK_DIVISOR = 32;

interface BudgetItem {
  pk: string;
  limit: number;
  left: number;
  windowEnd: number;
  /** The window's end is a guess until an answer of the window tells it. */
  guessed: boolean;
  expiresAt: number;
}

/** What one container knows of a bucket's budget. */
interface Held {
  windowEnd: number;
  /** Calls leased and not yet spent; they belong to the window that ends at `windowEnd`. */
  calls: number;
  limit: number;
  left: number;
  spentUntil: number;
  unavailableUntil: number;
  /** This container sent the bucket's first call: its answer sets the limit. */
  probing?: boolean;
  /** This container started the window with a guessed end: the first answer corrects it. */
  guessedEnd?: boolean;
  /** This container closed the window (Remaining at the reserve). */
  closed?: boolean;
  lease?: Promise<LeaseOutcome>;
}

type LeaseOutcome = { wait: number } | 'unknown';

/** The budget of the org at `origin`, in the table. */
export function orgBudgetFor(origin: string, deps: OrgBudgetDeps): OrgBudget {
  const client = deps.dynamoDb ?? dynamoDb();
  const { now, sleep } = deps.clock ?? systemClock;
  const host = new URL(origin).host;
  const held = new Map<string, Held>();
  const counts = { tableCalls: 0, tableFailures: 0 };
  const reserveOf = (limit: number) => Math.ceil(limit * deps.reserve);

  function heldOf(bucket: string): Held {
    let h = held.get(bucket);
    if (!h) {
      h = { windowEnd: 0, calls: 0, limit: 0, left: 0, spentUntil: 0, unavailableUntil: 0 };
      held.set(bucket, h);
    }
    return h;
  }

  /**
   * One table call, cut at the timeout and at half the caller's remaining time; undefined when it failed. A failure
   * sets the table aside for `UNAVAILABLE_MS`, unless the call was cut under `JUDGE_AFTER_MS` by its caller's
   * deadline, which says nothing of the table (callers that waited for a window until their last milliseconds once
   * set every container aside at each window's start, and Okta answered 429: measured).
   */
  async function table<T>(
    h: Held,
    deadline: number,
    send: (signal: AbortSignal) => Promise<T>,
  ): Promise<T | 'conflict' | undefined> {
    const ms = Math.min(TABLE_TIMEOUT_MS, Math.floor((deadline - now()) / 2));
    if (ms <= 0) return undefined;
    counts.tableCalls += 1;
    try {
      return await send(AbortSignal.timeout(ms));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      if (ms < JUDGE_AFTER_MS && isTimeout(error)) return undefined;
      counts.tableFailures += 1;
      h.unavailableUntil = now() + UNAVAILABLE_MS;
      return undefined;
    }
  }

  async function lease(bucket: string, h: Held, deadline: number): Promise<LeaseOutcome> {
    const pk = `ratebudget#${host}#${bucket}`;
    const n = Math.max(1, Math.min(MAX_BLOCK, Math.floor(h.left / BLOCK_DIVISOR)));
    const t = now();
    const updated = await table(h, deadline, (abortSignal) =>
      client.send(
        new UpdateItemCommand({
          TableName: deps.tableName,
          Key: marshall({ pk }),
          UpdateExpression: 'SET #left = #left - :n',
          ConditionExpression: '#windowEnd > :now AND #left >= :n AND #limit > :zero',
          ExpressionAttributeNames: { '#left': 'left', '#windowEnd': 'windowEnd', '#limit': 'limit' },
          ExpressionAttributeValues: marshall({ ':n': n, ':now': t, ':zero': 0 }),
          ReturnValues: 'ALL_NEW',
        }),
        { abortSignal },
      ),
    );
    if (updated === undefined) return 'unknown';
    if (updated !== 'conflict') {
      if (!updated.Attributes) return 'unknown';
      remember(h, unmarshall(updated.Attributes) as BudgetItem);
      h.calls += n;
      return { wait: 0 };
    }

    const read = await table(h, deadline, (abortSignal) =>
      client.send(new GetItemCommand({ TableName: deps.tableName, Key: marshall({ pk }), ConsistentRead: true }), {
        abortSignal,
      }),
    );
    if (read === undefined || read === 'conflict') return 'unknown';
    const item = read.Item ? (unmarshall(read.Item) as BudgetItem) : undefined;
    if (item && item.windowEnd > now()) {
      remember(h, item);
      // Someone's probe is out: its answer will tell the limit.
      if (item.limit <= 0) return { wait: PROBE_POLL_MS };
      if (item.left <= 0) h.spentUntil = item.windowEnd;
      return { wait: 0 };
    }
    return startWindow(pk, h, item, deadline);
  }

  /** The window is over (or the bucket new): start the next one, with a guessed end, or send the probe. */
  async function startWindow(
    pk: string,
    h: Held,
    previous: BudgetItem | undefined,
    deadline: number,
  ): Promise<LeaseOutcome> {
    const t = now();
    const limit = previous?.limit ?? 0;
    const allowance = limit > 0 ? limit - reserveOf(limit) : 1;
    const n = Math.min(allowance, Math.max(1, Math.floor(allowance / BLOCK_DIVISOR)), MAX_BLOCK);
    const item: BudgetItem = {
      pk,
      limit,
      left: limit > 0 ? allowance - n : 0,
      windowEnd: t + (limit > 0 ? GUESSED_WINDOW_MS : PROBE_WINDOW_MS),
      guessed: true,
      expiresAt: Math.floor(t / 1000) + 86_400,
    };
    const put = await table(h, deadline, (abortSignal) =>
      client.send(
        new PutItemCommand({
          TableName: deps.tableName,
          Item: marshall(item),
          ConditionExpression: 'attribute_not_exists(pk) OR #windowEnd <= :now',
          ExpressionAttributeNames: { '#windowEnd': 'windowEnd' },
          ExpressionAttributeValues: marshall({ ':now': t }),
        }),
        { abortSignal },
      ),
    );
    if (put === undefined) return 'unknown';
    // Another container started it first: lease from its window.
    if (put === 'conflict') return { wait: 0 };
    remember(h, item);
    h.calls = n;
    h.guessedEnd = true;
    h.probing = limit <= 0;
    return { wait: 0 };
  }

  function remember(h: Held, item: BudgetItem): void {
    if (item.windowEnd !== h.windowEnd) {
      h.calls = 0;
      h.closed = false;
      h.guessedEnd = false;
    }
    h.windowEnd = item.windowEnd;
    h.limit = item.limit;
    h.left = item.left;
  }

  async function update(
    h: Held,
    pk: string,
    deadline: number,
    expression: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    const result = await table(h, deadline, (abortSignal) =>
      client.send(
        new UpdateItemCommand({
          TableName: deps.tableName,
          Key: marshall({ pk }),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(`${expression} ${condition}`),
          ExpressionAttributeValues: marshall(values),
        }),
        { abortSignal },
      ),
    );
    return result !== undefined && result !== 'conflict';
  }

  return {
    async take(bucket, deadline) {
      const h = heldOf(bucket);
      for (;;) {
        const t = now();
        if (t >= h.windowEnd) h.calls = 0;
        if (h.calls > 0) {
          h.calls -= 1;
          return { kind: 'granted' };
        }
        if (h.unavailableUntil > t) return { kind: 'unknown' };
        if (h.spentUntil > t) return { kind: 'spent', until: h.spentUntil };
        // Concurrent callers in one container share one lease.
        h.lease ??= lease(bucket, h, deadline).finally(() => {
          h.lease = undefined;
        });
        const outcome = await h.lease;
        if (outcome === 'unknown') return { kind: 'unknown' };
        if (outcome.wait > 0) {
          if (now() + outcome.wait > deadline) return { kind: 'spent', until: h.windowEnd };
          await sleep(outcome.wait);
        }
      }
    },

    async observe(bucket, state, deadline) {
      const h = heldOf(bucket);
      if (state.resetAt <= now() || h.windowEnd <= now() || h.unavailableUntil > now()) return;
      const pk = `ratebudget#${host}#${bucket}`;
      const end = state.resetAt + WINDOW_MARGIN_MS;
      const reserve = reserveOf(state.limit);
      if (h.probing) {
        // The probe's own call is counted in Remaining already.
        h.probing = false;
        h.guessedEnd = false;
        const left = Math.max(0, state.remaining - reserve);
        const values = { ':l': state.limit, ':left': left, ':end': end, ':zero': 0, ':f': false };
        if (
          await update(
            h,
            pk,
            deadline,
            'SET #limit = :l, #left = :left, #windowEnd = :end, #g = :f',
            '#limit = :zero',
            values,
          )
        )
          Object.assign(h, { limit: state.limit, left, windowEnd: end });
        return;
      }
      if (h.guessedEnd) {
        h.guessedEnd = false;
        const values = { ':end': end, ':old': h.windowEnd, ':t': true, ':f': false };
        if (await update(h, pk, deadline, 'SET #windowEnd = :end, #g = :f', '#windowEnd = :old AND #g = :t', values))
          h.windowEnd = end;
      }
      if (state.remaining === 0 && end < h.windowEnd) {
        // Okta refuses calls until a reset sooner than the table's window end (a 429 for the next second): its
        // reset is when it takes calls again, so the window ends there. Only a spent window moves it: answers the
        // budget lets through keep Remaining at the reserve or above, and any of them may be late.
        const values = { ':end': end, ':old': h.windowEnd };
        if (await update(h, pk, deadline, 'SET #windowEnd = :end', '#windowEnd = :old', values)) h.windowEnd = end;
      }
      if (h.limit > 0 && state.limit > 0 && state.limit !== h.limit) {
        // Okta's limit changed (an admin, a new plan): what is left moves by the difference of the allowances.
        const delta = state.limit - reserve - (h.limit - reserveOf(h.limit));
        const values = { ':l': state.limit, ':old': h.limit, ':d': delta };
        if (await update(h, pk, deadline, 'SET #limit = :l, #left = #left + :d', '#limit = :old', values)) {
          h.limit = state.limit;
          h.left += delta;
        }
      }
      if (state.remaining <= reserve && !h.closed) {
        // The window is down to the others' share: no container leases more of it.
        h.closed = true;
        await update(h, pk, deadline, 'SET #left = :zero', '#windowEnd = :w AND #left > :zero', {
          ':w': h.windowEnd,
          ':zero': 0,
        });
      }
    },

    stats: () => ({ ...counts }),
  };
}

const ATTRIBUTE_NAMES: Record<string, string> = {
  '#left': 'left',
  '#windowEnd': 'windowEnd',
  '#limit': 'limit',
  '#g': 'guessed',
};

/** The attribute names an expression uses (DynamoDB refuses names it does not use). */
function namesIn(expression: string): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [name] of expression.matchAll(/#\w+/g)) names[name] = ATTRIBUTE_NAMES[name] ?? name.slice(1);
  return names;
}

/** Whether a table call ended because its abort signal's time ran out (the SDK reports an `AbortError`). */
function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}
