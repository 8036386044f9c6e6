/**
 * Admission control: whether a call to Okta may go out now, later, or not before its deadline. Kept apart from the
 * request as octokit's throttling keeps its limiters apart from `request`: the client asks for a ticket, sends, and
 * hands the answer's headers back on the ticket.
 *
 * In one container it holds three things per endpoint bucket: the latest `X-Rate-Limit-*` state, the calls in
 * flight (they will spend the window's `remaining` too) and the probe (a bucket's first call, while no answer has
 * told the window, goes out alone). Across containers, the org's budget (org-budget.ts) comes first: a call takes
 * one of the connector's calls of the window there, and the container's own rules then hold it to what its headers
 * say (and alone when the table is unavailable).
 */
import type { HeaderReader } from './http-transport.js';
import type { Clock } from '../clock.js';
import { OktaRateLimited } from '../errors.js';
import type { OrgBudget } from './org-budget.js';
import { isConcurrencyLimit, pacingDelay, RateLimits, type RateLimitState } from './rate-limits.js';

/** A call admitted and counted in flight until `answered` (with Okta's headers) or `release` (no answer). */
export interface Ticket {
  answered(headers: HeaderReader): Promise<RateLimitState | undefined>;
  release(): void;
}

export interface AdmissionOptions {
  clock: Clock;
  /** Share of each window left to the org's other apps. */
  reserve: number;
  /** The org-wide budget shared through the table; without one, the container's rules alone. */
  budget?: OrgBudget;
}

/** What a call that waits for the next window must still have left then: its lease from the table, and Okta. */
export const AFTER_WAIT_MS = 1_000;

export class Admission {
  private readonly limits = new RateLimits();
  private readonly inFlight = new Map<string, number>();
  private readonly probes = new Map<string, Promise<void>>();

  constructor(private readonly options: AdmissionOptions) {}

  /** The latest window Okta reported for `bucket`. */
  state(bucket: string): RateLimitState | undefined {
    return this.limits.get(bucket);
  }

  /**
   * Lets a call go out and counts it in flight. With pacing, the calls in flight (and those waiting here) count
   * against the window's `remaining`, so a burst of concurrent calls is held to the reserve as a sequence of calls
   * would be; and a bucket's first call goes out alone, because until an answer carries the window's headers
   * nothing can stop a burst from spending all of it.
   */
  async admit(bucket: string, deadline: number, pacing: boolean): Promise<Ticket> {
    const { now } = this.options.clock;
    await this.takeFromBudget(bucket, deadline, pacing);
    if (pacing) {
      let probe = this.probes.get(bucket);
      while (probe !== undefined && this.limits.get(bucket) === undefined && now() < deadline) {
        await probe;
        probe = this.probes.get(bucket);
      }
    }
    const ticket = this.count(bucket, deadline);
    if (!pacing) return ticket;
    try {
      await this.pace(bucket, deadline);
    } catch (error) {
      ticket.release();
      throw error;
    }
    return ticket;
  }

  /**
   * One call of the org's budget. When the connector's share of the window is spent, a paced call waits for the
   * next window if that comes before its deadline; otherwise it is refused, without a request, with the time the
   * share refills.
   */
  private async takeFromBudget(bucket: string, deadline: number, pacing: boolean): Promise<void> {
    const { budget, clock } = this.options;
    if (!budget) return;
    for (;;) {
      const answer = await budget.take(bucket, deadline);
      if (answer.kind !== 'spent') return;
      const wait = Math.max(0, answer.until - clock.now());
      // Waiting is worth it only when the next window leaves the call time to take its share and be sent.
      if (!pacing || clock.now() + wait + AFTER_WAIT_MS > deadline) {
        throw new OktaRateLimited(
          `The connector's share of Okta's rate limit for ${bucket} is spent until the window resets`,
          { retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) },
        );
      }
      await clock.sleep(wait);
    }
  }

  /** Counts a call in flight (and makes it the probe when the bucket's window is unknown). */
  private count(bucket: string, deadline: number): Ticket {
    this.inFlight.set(bucket, (this.inFlight.get(bucket) ?? 0) + 1);
    let answered: (() => void) | undefined;
    if (this.limits.get(bucket) === undefined && !this.probes.has(bucket)) {
      this.probes.set(
        bucket,
        new Promise<void>((resolve) => {
          answered = resolve;
        }),
      );
    }
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      this.inFlight.set(bucket, Math.max(0, (this.inFlight.get(bucket) ?? 1) - 1));
      if (answered !== undefined) {
        this.probes.delete(bucket);
        answered();
      }
    };
    return {
      answered: async (headers) => {
        const state = this.limits.record(bucket, headers);
        release();
        if (state && !isConcurrencyLimit(state)) await this.options.budget?.observe(bucket, state, deadline);
        return state;
      },
      release,
    };
  }

  /** Under the reserve, wait so the calls left are spread over the window; never past the deadline. */
  private async pace(bucket: string, deadline: number): Promise<void> {
    const { now, sleep } = this.options.clock;
    const known = this.limits.get(bucket);
    // This call is counted in flight already; the others in flight will spend the window before it.
    const others = (this.inFlight.get(bucket) ?? 1) - 1;
    const state = known && { ...known, remaining: Math.max(0, known.remaining - others) };
    const delay = pacingDelay(state, now(), this.options.reserve);
    if (delay <= 0) return;
    // The reserve belongs to the org's other apps (its sign-ins, its provisioning): a call that cannot wait its turn
    // before the caller's deadline fails with a typed, retryable error instead of spending it.
    if (now() + delay > deadline) {
      const spent = state !== undefined && state.remaining <= 0;
      throw new OktaRateLimited(
        spent
          ? `Okta's rate limit for ${bucket} is spent until the window resets`
          : `Okta's rate limit for ${bucket} is down to the share the connector leaves to the org's other apps`,
        { retryAfterSeconds: Math.max(1, Math.ceil((spent && state ? state.resetAt - now() : delay) / 1000)) },
      );
    }
    await sleep(delay);
  }
}
