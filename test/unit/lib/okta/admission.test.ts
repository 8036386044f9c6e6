import { describe, expect, it } from 'vitest';
import { Admission } from '../../../../functions/lib/okta/admission.js';
import type { BudgetAnswer, OrgBudget } from '../../../../functions/lib/okta/org-budget.js';
import { fakeClock } from './fake-okta.js';

/** A budget that answers from a script and records what it was told. */
function scriptedBudget(...answers: BudgetAnswer[]) {
  const observed: number[] = [];
  let taken = 0;
  const budget: OrgBudget = {
    take: () => Promise.resolve(answers[Math.min(taken++, answers.length - 1)] ?? { kind: 'granted' }),
    observe: (_bucket, state) => {
      observed.push(state.remaining);
      return Promise.resolve();
    },
    stats: () => ({ tableCalls: 0, tableFailures: 0 }),
  };
  return { budget, observed, taken: () => taken };
}

const BUCKET = 'GET /api/v1/users/{id}';
const headers = (remaining: number, resetAt: number) =>
  new Headers({
    'x-rate-limit-limit': '100',
    'x-rate-limit-remaining': String(remaining),
    'x-rate-limit-reset': String(Math.ceil(resetAt / 1000)),
  });

describe('admission with the org-wide budget', () => {
  it("refuses with OktaRateLimited and the time the connector's share refills when that is past the deadline", async () => {
    const clock = fakeClock();
    const { budget } = scriptedBudget({ kind: 'spent', until: clock.now() + 42_500 });
    const admission = new Admission({ clock, reserve: 0.1, budget });
    await expect(admission.admit(BUCKET, clock.now() + 5_000, true)).rejects.toMatchObject({
      name: 'OktaRateLimited',
      retryAfterSeconds: 43,
    });
    expect(clock.sleeps).toEqual([]);
  });

  it('waits for the next window when it starts before the deadline, then takes from it', async () => {
    const clock = fakeClock();
    const { budget, taken } = scriptedBudget({ kind: 'spent', until: clock.now() + 2_000 }, { kind: 'granted' });
    const admission = new Admission({ clock, reserve: 0.1, budget });
    const ticket = await admission.admit(BUCKET, clock.now() + 5_000, true);
    expect(clock.sleeps).toEqual([2_000]);
    expect(taken()).toBe(2);
    ticket.release();
  });

  it('refuses at once, with the time the share refills, a caller the next window would leave under a second', async () => {
    const clock = fakeClock();
    const { budget, taken } = scriptedBudget({ kind: 'spent', until: clock.now() + 4_500 }, { kind: 'granted' });
    const admission = new Admission({ clock, reserve: 0.1, budget });
    await expect(admission.admit(BUCKET, clock.now() + 5_000, true)).rejects.toMatchObject({
      name: 'OktaRateLimited',
      retryAfterSeconds: 5,
    });
    expect(clock.sleeps).toEqual([]);
    expect(taken()).toBe(1);
  });

  it('refuses at once a caller that does not pace (the poller), even with time to wait', async () => {
    const clock = fakeClock();
    const { budget } = scriptedBudget({ kind: 'spent', until: clock.now() + 2_000 });
    const admission = new Admission({ clock, reserve: 0.1, budget });
    await expect(admission.admit(BUCKET, clock.now() + 60_000, false)).rejects.toMatchObject({
      name: 'OktaRateLimited',
      retryAfterSeconds: 2,
    });
  });

  it("lets the call go on the container's own rules when the budget does not know (the table failed)", async () => {
    const clock = fakeClock();
    const { budget } = scriptedBudget({ kind: 'unknown' });
    const admission = new Admission({ clock, reserve: 0.1, budget });
    const ticket = await admission.admit(BUCKET, clock.now() + 5_000, true);
    await ticket.answered(headers(50, clock.now() + 30_000));
    expect(admission.state(BUCKET)).toMatchObject({ remaining: 50 });
  });

  it("feeds the budget Okta's headers, but not a concurrency 429's", async () => {
    const clock = fakeClock();
    const { budget, observed } = scriptedBudget({ kind: 'granted' });
    const admission = new Admission({ clock, reserve: 0.1, budget });
    await (await admission.admit(BUCKET, clock.now() + 5_000, true)).answered(headers(70, clock.now() + 30_000));
    const concurrency = new Headers({
      'x-rate-limit-limit': '0',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': '1',
    });
    await (await admission.admit(BUCKET, clock.now() + 5_000, true)).answered(concurrency);
    expect(observed).toEqual([70]);
  });
});
