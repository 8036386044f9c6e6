import { describe, expect, it, vi } from 'vitest';
import { InvalidUserState, OktaForbidden, OktaValidationFailed } from '../../../../functions/lib/errors.js';
import type { OktaClient } from '../../../../functions/lib/okta/client.js';
import { changeStatus, withStatusCheck } from '../../../../functions/lib/actions/user-lifecycle.js';

/** A client whose GETs of the user answer the given statuses in turn. */
function clientReading(...statuses: string[]): OktaClient {
  const request = vi.fn(() =>
    Promise.resolve({
      status: 200,
      body: { id: '00u1', status: statuses.shift() },
      headers: new Headers(),
      retries: 0,
    }),
  );
  return { request } as unknown as OktaClient;
}

const DEADLINE = Date.now() + 5_000;
const refused = () =>
  new OktaValidationFailed('Okta answered 400 E0000001: Api validation failed', {
    oktaErrorCode: 'E0000001',
    oktaStatus: 400,
  });

describe('changeStatus', () => {
  it('does not call Okta to change a user already in the target status', async () => {
    const change = vi.fn();
    const result = await changeStatus({
      okta: clientReading('SUSPENDED'),
      userId: 'a@example.com',
      deadline: DEADLINE,
      verb: 'suspend',
      targets: ['SUSPENDED'],
      change,
    });
    expect(result).toEqual({ changed: false, user: { id: '00u1', status: 'SUSPENDED' } });
    expect(change).not.toHaveBeenCalled();
  });

  it('makes the change with the Okta id of a user given by login', async () => {
    const change = vi.fn((id: string) => Promise.resolve(id));
    const result = await changeStatus({
      okta: clientReading('ACTIVE'),
      userId: 'a@example.com',
      deadline: DEADLINE,
      verb: 'suspend',
      targets: ['SUSPENDED'],
      change,
    });
    expect(change).toHaveBeenCalledWith('00u1');
    expect(result).toMatchObject({ changed: true, result: '00u1' });
  });

  it('is changed: false when Okta refuses because someone else made the change meanwhile', async () => {
    const change = vi.fn(() => Promise.reject(refused()));
    const result = await changeStatus({
      okta: clientReading('ACTIVE', 'SUSPENDED'),
      userId: '00u1',
      deadline: DEADLINE,
      verb: 'suspend',
      targets: ['SUSPENDED'],
      change,
    });
    expect(result).toEqual({ changed: false, user: { id: '00u1', status: 'SUSPENDED' } });
  });

  it('is InvalidUserState naming the fresh status when Okta refuses for the status', async () => {
    const change = vi.fn(() => Promise.reject(refused()));
    const error = (await changeStatus({
      okta: clientReading('ACTIVE', 'STAGED'),
      userId: '00u1',
      deadline: DEADLINE,
      verb: 'suspend',
      targets: ['SUSPENDED'],
      change,
    }).catch((e: unknown) => e)) as InvalidUserState;
    expect(error).toBeInstanceOf(InvalidUserState);
    expect(error.currentStatus).toBe('STAGED');
    expect(error.message).toMatch(/^Cannot suspend a user whose status is STAGED/);
    expect(error.oktaErrorCode).toBe('E0000001');
  });

  it('passes on an error that is not about the status', async () => {
    const forbidden = new OktaForbidden('Okta answered 403 E0000006', { oktaErrorCode: 'E0000006' });
    const change = vi.fn(() => Promise.reject(forbidden));
    await expect(
      changeStatus({
        okta: clientReading('ACTIVE'),
        userId: '00u1',
        deadline: DEADLINE,
        verb: 'suspend',
        targets: ['SUSPENDED'],
        change,
      }),
    ).rejects.toBe(forbidden);
  });

  it('counts a user on its way to the target status as there', async () => {
    const okta = {
      request: vi.fn(() =>
        Promise.resolve({
          status: 200,
          body: { id: '00u1', status: 'ACTIVE', transitioningToStatus: 'DEPROVISIONED' },
        }),
      ),
    } as unknown as OktaClient;
    const result = await changeStatus({
      okta,
      userId: '00u1',
      deadline: DEADLINE,
      verb: 'deactivate',
      targets: ['DEPROVISIONED'],
      change: vi.fn(),
    });
    expect(result.changed).toBe(false);
  });
});

describe('withStatusCheck', () => {
  it('is InvalidUserState naming the status when Okta refuses for it', async () => {
    const change = vi.fn(() => Promise.reject(refused()));
    await expect(
      withStatusCheck({
        okta: clientReading('ACTIVE', 'SUSPENDED'),
        userId: '00u1',
        deadline: DEADLINE,
        verb: 'reset the password of',
        change,
      }),
    ).rejects.toMatchObject({ name: 'InvalidUserState', currentStatus: 'SUSPENDED' });
  });
});
