// Okta's own Node SDK drives the simulated org: users and their lifecycle behave as the SDK expects of Okta.
import { Client } from '@okta/okta-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';

let sim: OktaSim;
let client: Client;
let counter = 0;

/** A fresh, unique user profile. */
function profile(): { firstName: string; lastName: string; email: string; login: string } {
  counter++;
  return {
    firstName: 'Ada',
    lastName: `Lovelace${counter}`,
    email: `ada${counter}@example.com`,
    login: `ada${counter}@example.com`,
  };
}

async function createActiveUser(): Promise<string> {
  const user = await client.userApi.createUser({
    body: { profile: profile(), credentials: { password: { value: 'Sup3r-Secret!' } } },
  });
  return user.id as string;
}

const errorOf = async (promise: Promise<unknown>): Promise<{ status: number; errorCode: string }> => {
  try {
    await promise;
  } catch (error) {
    return error as { status: number; errorCode: string };
  }
  throw new Error('expected the call to fail');
};

beforeAll(async () => {
  sim = await startOktaSim({ seed: 'realistic' });
  client = new Client({ orgUrl: sim.url, token: sim.apiToken, cacheMiddleware: null });
});

afterAll(async () => {
  await sim.close();
});

describe('users through okta-sdk-nodejs', () => {
  it('creates a user with a password as ACTIVE with an Okta-shaped id', async () => {
    const user = await client.userApi.createUser({
      body: { profile: profile(), credentials: { password: { value: 'Sup3r-Secret!' } } },
    });
    expect(user.status).toBe('ACTIVE');
    expect(user.id).toMatch(/^00u[0-9A-Za-z]{17}$/);
    expect(user.credentials?.provider?.type).toBe('OKTA');
  });

  it('creates a STAGED user when activate is false', async () => {
    const user = await client.userApi.createUser({ body: { profile: profile() }, activate: false });
    expect(user.status).toBe('STAGED');
  });

  it('creates a PASSWORD_EXPIRED user with nextLogin=changePassword', async () => {
    const user = await client.userApi.createUser({
      body: { profile: profile(), credentials: { password: { value: 'Sup3r-Secret!' } } },
      nextLogin: 'changePassword',
    });
    expect(user.status).toBe('PASSWORD_EXPIRED');
  });

  it('gets a user by id, by login and by short name', async () => {
    const body = profile();
    const created = await client.userApi.createUser({ body: { profile: body } });
    const byId = await client.userApi.getUser({ userId: created.id as string });
    const byLogin = await client.userApi.getUser({ userId: body.login });
    const byShortName = await client.userApi.getUser({ userId: body.login.split('@')[0] as string });
    expect([byId.id, byLogin.id, byShortName.id]).toEqual([created.id, created.id, created.id]);
  });

  it('changes only the attributes sent in a partial update', async () => {
    const userId = await createActiveUser();
    const updated = await client.userApi.updateUser({ userId, user: { profile: { title: 'Countess' } } });
    expect(updated.profile?.title).toBe('Countess');
    expect(updated.profile?.firstName).toBe('Ada');
  });

  it('drops attributes left out of a replace', async () => {
    const body = profile();
    const created = await client.userApi.createUser({ body: { profile: { ...body, title: 'Countess' } } });
    const replaced = await client.userApi.replaceUser({ userId: created.id as string, user: { profile: body } });
    expect(replaced.profile?.title).toBeUndefined();
  });

  it('lists every non-deprovisioned user through auto-paging', async () => {
    const seen: string[] = [];
    for await (const user of await client.userApi.listUsers({ limit: 7 })) seen.push(user?.id as string);
    const expected = sim.org
      .users()
      .filter((user) => user.status !== 'DEPROVISIONED')
      .map((user) => user.id);
    expect(seen.sort()).toEqual(expected.sort());
  });

  it('finds users with a search expression', async () => {
    const body = profile();
    await client.userApi.createUser({ body: { profile: body } });
    const found: string[] = [];
    for await (const user of await client.userApi.listUsers({ search: `profile.lastName eq "${body.lastName}"` }))
      found.push(user?.profile?.login as string);
    expect(found).toEqual([body.login]);
  });
});

describe('user lifecycle through okta-sdk-nodejs', () => {
  it('suspends and unsuspends an active user', async () => {
    const userId = await createActiveUser();
    await client.userApi.suspendUser({ userId });
    expect((await client.userApi.getUser({ userId })).status).toBe('SUSPENDED');
    await client.userApi.unsuspendUser({ userId });
    expect((await client.userApi.getUser({ userId })).status).toBe('ACTIVE');
  });

  it('activates a staged user and returns the activation token when sendEmail is false', async () => {
    const staged = await client.userApi.createUser({ body: { profile: profile() }, activate: false });
    const token = await client.userApi.activateUser({ userId: staged.id as string, sendEmail: false });
    expect(token.activationToken).toMatch(/^[0-9A-Za-z]{20}$/);
    expect(token.activationUrl).toContain(token.activationToken);
    expect((await client.userApi.getUser({ userId: staged.id as string })).status).toBe('PROVISIONED');
  });

  // Real Okta answers reactivate with the token alone (shared/real-okta oktakit.json[8], reactivate_user.yml i=0).
  it('reactivates a provisioned user and returns the activation token', async () => {
    const created = await client.userApi.createUser({ body: { profile: profile() } });
    const token = await client.userApi.reactivateUser({ userId: created.id as string, sendEmail: false });
    expect(token.activationToken).toMatch(/^[0-9A-Za-z]{20}$/);
  });

  it('deactivates a user', async () => {
    const userId = await createActiveUser();
    await client.userApi.deactivateUser({ userId });
    expect((await client.userApi.getUser({ userId })).status).toBe('DEPROVISIONED');
  });

  it('unlocks a locked-out user', async () => {
    const userId = await createActiveUser();
    sim.control.setUserStatus(userId, 'LOCKED_OUT');
    await client.userApi.unlockUser({ userId });
    expect((await client.userApi.getUser({ userId })).status).toBe('ACTIVE');
  });

  it('expires a password and returns the user', async () => {
    const userId = await createActiveUser();
    const user = await client.userApi.expirePassword({ userId });
    expect(user.status).toBe('PASSWORD_EXPIRED');
  });

  it('expires a password with a temporary password', async () => {
    const userId = await createActiveUser();
    await client.userApi.expirePasswordAndGetTemporaryPassword({ userId });
    expect((await client.userApi.getUser({ userId })).status).toBe('PASSWORD_EXPIRED');
  });

  it('resets a password into RECOVERY with a reset URL when sendEmail is false', async () => {
    const userId = await createActiveUser();
    const token = await client.userApi.generateResetPasswordToken({ userId, sendEmail: false });
    expect(token.resetPasswordUrl).toMatch(/\/reset_password\/[0-9A-Za-z]+$/);
    expect((await client.userApi.getUser({ userId })).status).toBe('RECOVERY');
  });

  it('starts a forgot-password flow for a user with a recovery question', async () => {
    const created = await client.userApi.createUser({
      body: {
        profile: profile(),
        credentials: {
          password: { value: 'Sup3r-Secret!' },
          recovery_question: { question: 'Favourite engine?', answer: 'analytical' },
        },
      },
    });
    const answer = await client.userApi.forgotPassword({ userId: created.id as string, sendEmail: false });
    expect(answer.resetPasswordUrl).toContain('/signin/reset-password/');
  });

  it('deletes in two steps: deactivate first, then delete, then 404', async () => {
    const userId = await createActiveUser();
    await client.userApi.deleteUser({ userId });
    expect((await client.userApi.getUser({ userId })).status).toBe('DEPROVISIONED');
    await client.userApi.deleteUser({ userId });
    expect((await errorOf(client.userApi.getUser({ userId }))).status).toBe(404);
  });

  it('surfaces an Okta error the SDK parses (already active: 403 E0000016)', async () => {
    const userId = await createActiveUser();
    const error = await errorOf(client.userApi.activateUser({ userId, sendEmail: false }));
    expect([error.status, error.errorCode]).toEqual([403, 'E0000016']);
  });
});
