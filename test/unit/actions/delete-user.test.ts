import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { OktaNotFound } from '../../../functions/lib/errors.js';
import type { OktaRequest } from '../../../functions/lib/okta/client.js';

// The two-step delete against scripted Okta answers, for the orders of events the simulated org cannot stage.
const answers: Array<(req: OktaRequest) => unknown> = [];
const sent: string[] = [];
const stubClient = {
  request: vi.fn((req: OktaRequest) => {
    sent.push(`${req.method} ${req.path}`);
    const answer = answers.shift();
    if (!answer) return Promise.reject(new Error(`unexpected ${req.method} ${req.path}`));
    return Promise.resolve({ status: 200, body: answer(req), headers: new Headers(), retries: 0 });
  }),
  resetStats: () => undefined,
  stats: () => ({ requests: sent.length, retries: 0, requestIds: [] }),
};
vi.mock('../../../functions/lib/okta/client-cache.js', () => ({ oktaClient: () => Promise.resolve(stubClient) }));

const { handler } = await import('../../../functions/actions/delete-user.js');
const context = { getRemainingTimeInMillis: () => 5_000 } as unknown as Context;

beforeEach(() => {
  answers.length = 0;
  sent.length = 0;
});

describe('delete-user', () => {
  it('deactivates, then deletes, a user who is not DEPROVISIONED, by the Okta id', async () => {
    answers.push(
      () => ({ id: '00u1', status: 'ACTIVE' }),
      () => undefined,
      () => undefined,
    );
    await expect(handler({ userId: 'ada@example.com' }, context)).resolves.toEqual({ userId: '00u1', deleted: true });
    expect(sent).toEqual([
      'GET /api/v1/users/ada%40example.com',
      'DELETE /api/v1/users/00u1',
      'DELETE /api/v1/users/00u1',
    ]);
  });

  it('is done when the user is gone before the second step (deleted by someone else meanwhile)', async () => {
    answers.push(
      () => ({ id: '00u1', status: 'SUSPENDED' }),
      () => undefined,
      () => {
        throw new OktaNotFound('gone');
      },
    );
    await expect(handler({ userId: '00u1' }, context)).resolves.toEqual({ userId: '00u1', deleted: true });
  });

  it('sends one DELETE for a DEPROVISIONED user', async () => {
    answers.push(
      () => ({ id: '00u1', status: 'DEPROVISIONED' }),
      () => undefined,
    );
    await handler({ userId: '00u1', sendEmail: true }, context);
    expect(sent).toEqual(['GET /api/v1/users/00u1', 'DELETE /api/v1/users/00u1']);
  });
});
