/**
 * The security-response actions on the real wire: the simulated org over HTTP, the connection secret in the local
 * Secrets Manager. Okta's answers they rely on, from shared/real-okta:
 * - unlock of a user who is not locked out: 403 E0000032 "Unlock is not allowed for this user", cause "The user is
 *   not locked out." (okta-sdk-python.json, okta/okta-sdk-python tests/integration/cassettes/
 *   test_users_resource/UsersResource.test_unlock_user.yaml i=1);
 * - reset_factors: 200 `{}` (okta-sdk-python.json, test_comprehensive_user_lifecycle.yaml i=8; oktakit.json,
 *   spec/cassettes/reset_factors.yml i=0);
 * - reactivate of a user who is not PROVISIONED: 403 E0000038 (okta-sdk-python.json,
 *   UsersResource.test_reactivate_user.yaml i=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, SHAPES, startHarness, type Harness } from './action-harness.js';
import { handler as clearUserSessions } from '../../../functions/actions/clear-user-sessions.js';
import { handler as resetFactors } from '../../../functions/actions/reset-factors.js';
import { handler as unlockUser } from '../../../functions/actions/unlock-user.js';
import { handler as reactivateUser } from '../../../functions/actions/reactivate-user.js';
import { match } from '../../support/match.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The requests the simulated org received while `run` ran, as `METHOD path?query`. */
async function requestsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const stop = h.sim.observe((req) => {
    seen.push(`${req.method} ${req.url.pathname}${req.url.search}`);
  });
  try {
    await run();
  } finally {
    stop();
  }
  return seen;
}

const handlers = {
  'clear-user-sessions': clearUserSessions,
  'reset-factors': resetFactors,
  'unlock-user': unlockUser,
  'reactivate-user': reactivateUser,
} as const;
type Name = keyof typeof handlers;

describe.each(SHAPES)('security-response actions through %s', (shape) => {
  it('clear-user-sessions ends the sessions without touching OAuth tokens by default', async () => {
    const userId = await h.userIn('ACTIVE');
    let outcome;
    const seen = await requestsDuring(async () => {
      outcome = await invoke(clearUserSessions, 'clear-user-sessions', { userId }, shape);
    });
    expect(outcome).toEqual({ status: 200, body: { userId } });
    expect(seen).toContain(`DELETE /api/v1/users/${userId}/sessions?oauthTokens=false`);
  });

  it('clear-user-sessions with revokeOAuthTokens asks Okta to revoke the tokens too', async () => {
    const userId = await h.userIn('ACTIVE');
    const login = String((h.sim.org.user(userId)?.profile as Record<string, unknown>).login);
    let outcome;
    const seen = await requestsDuring(async () => {
      outcome = await invoke(
        clearUserSessions,
        'clear-user-sessions',
        { userId: login, revokeOAuthTokens: true },
        shape,
      );
    });
    expect(outcome).toEqual({ status: 200, body: { userId } });
    expect(seen).toContain(`DELETE /api/v1/users/${userId}/sessions?oauthTokens=true`);
    expect(h.sim.org.logEvents().some((e) => e.eventType === 'user.session.clear')).toBe(true);
  });

  it('clear-user-sessions twice is two successes (safe to retry)', async () => {
    const userId = await h.userIn('SUSPENDED');
    for (let i = 0; i < 2; i += 1) {
      expect(await invoke(clearUserSessions, 'clear-user-sessions', { userId }, shape)).toEqual({
        status: 200,
        body: { userId },
      });
    }
  });

  it('reset-factors resets the factors of an ACTIVE user, and again on a retry', async () => {
    const userId = await h.userIn('ACTIVE');
    const seen = await requestsDuring(async () => {
      expect(await invoke(resetFactors, 'reset-factors', { userId }, shape)).toEqual({ status: 200, body: { userId } });
      expect(await invoke(resetFactors, 'reset-factors', { userId }, shape)).toEqual({ status: 200, body: { userId } });
    });
    expect(seen.filter((r) => r === `POST /api/v1/users/${userId}/lifecycle/reset_factors`)).toHaveLength(2);
    expect(h.sim.org.user(userId)?.status).toBe('ACTIVE');
  });

  it('unlock-user unlocks a LOCKED_OUT user (changed: true)', async () => {
    const userId = await h.userIn('LOCKED_OUT');
    const outcome = await invoke(unlockUser, 'unlock-user', { userId }, shape);
    expect(outcome).toEqual({ status: 200, body: { userId, status: 'ACTIVE', changed: true } });
    expect(h.sim.org.user(userId)?.status).toBe('ACTIVE');
  });

  it("unlock-user on an ACTIVE user is changed: false after Okta's E0000032", async () => {
    const userId = await h.userIn('ACTIVE');
    let outcome;
    const seen = await requestsDuring(async () => {
      outcome = await invoke(unlockUser, 'unlock-user', { userId }, shape);
    });
    expect(outcome).toEqual({ status: 200, body: { userId, status: 'ACTIVE', changed: false } });
    // The unlock was sent (it also clears device blocks), refused, and the user read again.
    expect(seen.filter((r) => r.startsWith('POST '))).toEqual([`POST /api/v1/users/${userId}/lifecycle/unlock`]);
  });

  it.each(['SUSPENDED', 'DEPROVISIONED', 'STAGED'])(
    'unlock-user on a %s user is InvalidUserState naming the status, with E0000032',
    async (status) => {
      const userId = await h.userIn(status);
      const outcome = await invoke(unlockUser, 'unlock-user', { userId }, shape);
      expect(outcome).toMatchObject({ status: 409, type: 'InvalidUserState', body: { oktaErrorCode: 'E0000032' } });
      expect(outcome.body.message).toContain(`whose status is ${status}`);
      expect(h.sim.org.user(userId)?.status).toBe(status);
    },
  );

  it('reactivate-user with sendEmail false returns a new activation token each time', async () => {
    const userId = await h.userIn('PROVISIONED');
    const first = await invoke(reactivateUser, 'reactivate-user', { userId }, shape);
    const second = await invoke(reactivateUser, 'reactivate-user', { userId }, shape);
    // Real Okta answers reactivate with the token alone (oktakit.json, spec/cassettes/reactivate_user.yml i=0):
    // activationUrl comes back only when Okta sends one.
    expect(first.body).toEqual({ userId, activationToken: match.any(String) });
    expect(second.body.activationToken).not.toBe(first.body.activationToken);
    expect(h.sim.org.user(userId)?.status).toBe('PROVISIONED');
  });

  it('reactivate-user with sendEmail true answers only the user id', async () => {
    const userId = await h.userIn('PROVISIONED');
    expect(await invoke(reactivateUser, 'reactivate-user', { userId, sendEmail: true }, shape)).toEqual({
      status: 200,
      body: { userId },
    });
  });

  it('reactivate-user on an ACTIVE user is InvalidUserState (Okta: E0000038)', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(reactivateUser, 'reactivate-user', { userId }, shape);
    expect(outcome).toMatchObject({ status: 409, type: 'InvalidUserState', body: { oktaErrorCode: 'E0000038' } });
    expect(outcome.body.message).toContain('whose status is ACTIVE');
  });

  it.each(Object.keys(handlers) as Name[])('%s on an unknown user is OktaNotFound', async (name) => {
    const outcome = await invoke(handlers[name], name, { userId: '00uNoSuchUser000000' }, shape);
    expect(outcome).toMatchObject({ status: 404, type: 'OktaNotFound', body: { oktaErrorCode: 'E0000007' } });
  });

  it.each(Object.keys(handlers) as Name[])('%s refuses a userId that would move the path', async (name) => {
    const outcome = await invoke(handlers[name], name, { userId: '../groups/00g1' }, shape);
    expect(outcome).toMatchObject({ status: 400, type: 'InvalidInput' });
    expect(outcome.body.message).toContain('userId');
  });
});
