import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, SHAPES, startHarness, type Harness } from './action-harness.js';
import { handler as expirePassword } from '../../../functions/actions/expire-password.js';
import { handler as resetForgottenPassword } from '../../../functions/actions/reset-forgotten-password.js';
import { handler as resetPassword } from '../../../functions/actions/reset-password.js';
import { match } from '../../support/match.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const statusOf = (userId: string) => h.sim.org.user(userId)?.status;

describe.each(SHAPES)('expire-password through %s', (shape) => {
  it('expires the password and returns the user without _links', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(expirePassword, 'expire-password', { userId }, shape);
    expect(outcome.body).toMatchObject({ id: userId, status: 'PASSWORD_EXPIRED' });
    expect(outcome.body).not.toHaveProperty('_links');
    expect(statusOf(userId)).toBe('PASSWORD_EXPIRED');
  });

  it('sets and returns a temporary password with tempPassword true', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(
      expirePassword,
      'expire-password',
      { userId, tempPassword: true, revokeSessions: true },
      shape,
    );
    expect(outcome.body).toEqual({ userId, tempPassword: match.any(String) });
    expect(h.sim.org.directory.users.get(userId)?.password).toBe(outcome.body.tempPassword);
  });

  it('refuses revokeSessions without tempPassword', async () => {
    const outcome = await invoke(expirePassword, 'expire-password', { userId: '00u1', revokeSessions: true }, shape);
    expect(outcome).toMatchObject({
      status: 400,
      type: 'InvalidInput',
      body: { message: 'revokeSessions: applies only with tempPassword: true' },
    });
  });

  it('answers a STAGED user with InvalidUserState', async () => {
    const userId = await h.userIn('STAGED');
    const outcome = await invoke(expirePassword, 'expire-password', { userId }, shape);
    expect(outcome).toMatchObject({ status: 409, type: 'InvalidUserState' });
    expect(outcome.body.message).toContain('whose status is STAGED');
  });

  it('answers an unknown user with OktaNotFound', async () => {
    const outcome = await invoke(expirePassword, 'expire-password', { userId: '00uNoSuchUser000000' }, shape);
    expect(outcome).toMatchObject({ status: 404, type: 'OktaNotFound' });
  });
});

describe.each(SHAPES)('reset-password through %s', (shape) => {
  it('returns the reset URL with sendEmail false (the default) and puts the user in RECOVERY', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(resetPassword, 'reset-password', { userId }, shape);
    expect(outcome.body).toEqual({ userId, resetPasswordUrl: match.stringMatching(/\/reset_password\/.+/) });
    expect(statusOf(userId)).toBe('RECOVERY');
  });

  it('returns no URL when Okta sends the email', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(resetPassword, 'reset-password', { userId, sendEmail: true }, shape);
    expect(outcome.body).toEqual({ userId });
  });

  it('answers a SUSPENDED user with InvalidUserState', async () => {
    const userId = await h.userIn('SUSPENDED');
    const outcome = await invoke(resetPassword, 'reset-password', { userId }, shape);
    expect(outcome).toMatchObject({ status: 409, type: 'InvalidUserState' });
    expect(outcome.body.message).toContain('whose status is SUSPENDED');
  });

  it('answers an unknown user with OktaNotFound', async () => {
    const outcome = await invoke(resetPassword, 'reset-password', { userId: '00uNoSuchUser000000' }, shape);
    expect(outcome).toMatchObject({ status: 404, type: 'OktaNotFound' });
  });

  it('names a bad flag', async () => {
    const outcome = await invoke(resetPassword, 'reset-password', { userId: '00u1', sendEmail: 'no' }, shape);
    expect(outcome).toMatchObject({
      status: 400,
      type: 'InvalidInput',
      body: { message: 'sendEmail: must be true or false' },
    });
  });
});

describe.each(SHAPES)('reset-forgotten-password through %s', (shape) => {
  it('returns the reset URL for an ACTIVE user with a recovery question; the status stays', async () => {
    const userId = await h.userIn('ACTIVE', { recoveryQuestion: true });
    const outcome = await invoke(resetForgottenPassword, 'reset-forgotten-password', { userId }, shape);
    expect(outcome.body).toEqual({ userId, resetPasswordUrl: match.stringMatching(/\/reset-password\/.+/) });
    expect(statusOf(userId)).toBe('ACTIVE');
  });

  it('returns no URL when Okta sends the email', async () => {
    const userId = await h.userIn('ACTIVE', { recoveryQuestion: true });
    const outcome = await invoke(
      resetForgottenPassword,
      'reset-forgotten-password',
      { userId, sendEmail: true },
      shape,
    );
    expect(outcome.body).toEqual({ userId });
  });

  it.each([
    ['a SUSPENDED user', 'SUSPENDED', true, 'E0000038'],
    ['an ACTIVE user without a recovery question', 'ACTIVE', false, 'E0000017'],
  ])('answers %s with InvalidUserState', async (_what, status, recoveryQuestion, code) => {
    const userId = await h.userIn(status, { recoveryQuestion });
    const outcome = await invoke(resetForgottenPassword, 'reset-forgotten-password', { userId }, shape);
    expect(outcome).toMatchObject({ status: 409, type: 'InvalidUserState', body: { oktaErrorCode: code } });
    expect(outcome.body.message).toContain(`whose status is ${status}`);
  });

  it('answers an unknown user with OktaNotFound', async () => {
    const outcome = await invoke(
      resetForgottenPassword,
      'reset-forgotten-password',
      { userId: '00uNoSuchUser000000' },
      shape,
    );
    expect(outcome).toMatchObject({ status: 404, type: 'OktaNotFound' });
  });
});
