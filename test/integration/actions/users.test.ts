import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, SHAPES, startHarness, type Harness } from './action-harness.js';
import { handler as createUser } from '../../../functions/actions/create-user.js';
import { handler as getUser } from '../../../functions/actions/get-user.js';
import { handler as searchUsers } from '../../../functions/actions/search-users.js';
import { handler as updateUser } from '../../../functions/actions/update-user.js';
import { match } from '../../support/match.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

let n = 0;
function newProfile(extra: Record<string, unknown> = {}) {
  n += 1;
  const login = `created.${n}.${Date.now()}@example.com`;
  return { login, email: login, firstName: 'Ada', lastName: `Lovelace${n}`, ...extra };
}

function profileOf(userId: string): Record<string, unknown> {
  return h.sim.org.user(userId)?.profile as Record<string, unknown>;
}

describe.each(SHAPES)('create-user through %s', (shape) => {
  it('creates an ACTIVE user with a password and returns it without _links', async () => {
    const profile = newProfile({ department: 'Research' });
    const outcome = await invoke(createUser, 'create-user', { profile, password: 'Analytical-Engine-1843' }, shape);
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({ status: 'ACTIVE', profile: { login: profile.login, department: 'Research' } });
    expect(outcome.body).not.toHaveProperty('_links');
    expect(h.sim.org.user(String(outcome.body.id))?.status).toBe('ACTIVE');
  });

  it('creates a STAGED user with activate false, in the groups given', async () => {
    const group = h.sim.org.groups().find((g) => g.type === 'OKTA_GROUP')!;
    const outcome = await invoke(
      createUser,
      'create-user',
      { profile: newProfile(), activate: false, groupIds: [group.id] },
      shape,
    );
    expect(outcome.body.status).toBe('STAGED');
    const groups = await h.okta<{ id: string }[]>('GET', `/api/v1/users/${String(outcome.body.id)}/groups`);
    expect(groups.body.map((g) => g.id)).toContain(group.id);
  });

  it('sets the recovery question', async () => {
    const outcome = await invoke(
      createUser,
      'create-user',
      {
        profile: newProfile(),
        password: 'Analytical-Engine-1843',
        recoveryQuestion: { question: 'First computer?', answer: 'difference engine' },
      },
      shape,
    );
    expect(outcome.body.credentials).toMatchObject({ recovery_question: { question: 'First computer?' } });
  });

  it("answers a duplicate login with OktaValidationFailed and Okta's cause", async () => {
    const profile = newProfile();
    await invoke(createUser, 'create-user', { profile }, shape);
    const outcome = await invoke(createUser, 'create-user', { profile }, shape);
    expect(outcome).toMatchObject({ status: 400, type: 'OktaValidationFailed', body: { oktaErrorCode: 'E0000001' } });
    expect(outcome.body.causes).toEqual([match.stringContaining('login: An object with this field already exists')]);
  });

  it("answers changePassword without a password with Okta's E0000124", async () => {
    const outcome = await invoke(
      createUser,
      'create-user',
      { profile: newProfile(), nextLogin: 'changePassword' },
      shape,
    );
    expect(outcome).toMatchObject({ status: 400, type: 'OktaValidationFailed', body: { oktaErrorCode: 'E0000124' } });
  });

  it('names each bad field of the input', async () => {
    const outcome = await invoke(
      createUser,
      'create-user',
      { profile: { login: 'x', firstName: 'Ada🚀', lastName: 'L' }, activate: 'yes' },
      shape,
    );
    expect(outcome).toMatchObject({ status: 400, type: 'InvalidInput' });
    expect(outcome.body.message).toBe(
      'profile.email: is required; profile.firstName: contains a character Okta does not support (4 bytes in UTF-8, e.g. an emoji); activate: must be true or false',
    );
  });
});

describe.each(SHAPES)('update-user through %s', (shape) => {
  it('changes only the attributes sent by default (partial update)', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(updateUser, 'update-user', { userId, profile: { title: 'Countess' } }, shape);
    expect(outcome.body).toMatchObject({ id: userId, profile: { title: 'Countess', firstName: 'Test' } });
    expect(outcome.body).not.toHaveProperty('_links');
    expect(profileOf(userId)).toMatchObject({ title: 'Countess', firstName: 'Test' });
  });

  it('replaces the whole profile with replace true: attributes not sent are gone', async () => {
    const userId = await h.userIn('ACTIVE');
    await invoke(updateUser, 'update-user', { userId, profile: { title: 'Before' } }, shape);
    const login = String(profileOf(userId).login);
    const outcome = await invoke(
      updateUser,
      'update-user',
      {
        userId,
        replace: true,
        profile: { login, email: login, firstName: 'New', lastName: 'Name' },
      },
      shape,
    );
    expect(outcome.status).toBe(200);
    expect(profileOf(userId).firstName).toBe('New');
    expect(profileOf(userId).title ?? undefined).toBeUndefined();
  });

  it('sets the password', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(updateUser, 'update-user', { userId, password: 'Brand-New-Secret-7' }, shape);
    expect(outcome.status).toBe(200);
    expect(h.sim.org.directory.users.get(userId)?.password).toBe('Brand-New-Secret-7');
  });

  it('needs profile with replace true', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(
      updateUser,
      'update-user',
      { userId, replace: true, password: 'Brand-New-Secret-7' },
      shape,
    );
    expect(outcome).toMatchObject({
      status: 400,
      type: 'InvalidInput',
      body: { message: 'profile: is required when replace is true (Okta replaces the whole profile)' },
    });
  });

  it('needs profile or password', async () => {
    const outcome = await invoke(updateUser, 'update-user', { userId: '00u1' }, shape);
    expect(outcome).toMatchObject({
      status: 400,
      type: 'InvalidInput',
      body: { message: 'at least one of profile, password is required' },
    });
  });

  it('answers a DEPROVISIONED user with InvalidUserState', async () => {
    const userId = await h.userIn('DEPROVISIONED');
    const outcome = await invoke(updateUser, 'update-user', { userId, profile: { title: 'Gone' } }, shape);
    expect(outcome).toMatchObject({ status: 409, type: 'InvalidUserState' });
    expect(outcome.body.message).toContain('whose status is DEPROVISIONED');
  });

  it('answers a bad attribute value with OktaValidationFailed', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(updateUser, 'update-user', { userId, profile: { email: 'not-an-email' } }, shape);
    expect(outcome).toMatchObject({ status: 400, type: 'OktaValidationFailed', body: { oktaErrorCode: 'E0000001' } });
  });

  it('answers an unknown user with OktaNotFound', async () => {
    const outcome = await invoke(
      updateUser,
      'update-user',
      { userId: '00uNoSuchUser000000', profile: { title: 'x' } },
      shape,
    );
    expect(outcome).toMatchObject({ status: 404, type: 'OktaNotFound' });
  });
});

describe.each(SHAPES)('get-user through %s', (shape) => {
  it('returns the user by id, without _links', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(getUser, 'get-user', { userId }, shape);
    const expected = { ...h.sim.org.user(userId) };
    delete expected._links;
    expect(outcome).toEqual({ status: 200, body: expected });
  });

  it('returns the user by login', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(getUser, 'get-user', { userId: String(profileOf(userId).login) }, shape);
    expect(outcome.body.id).toBe(userId);
  });

  it("answers an unknown user with OktaNotFound and Okta's code", async () => {
    const outcome = await invoke(getUser, 'get-user', { userId: 'nobody@example.com' }, shape);
    expect(outcome).toMatchObject({ status: 404, type: 'OktaNotFound', body: { oktaErrorCode: 'E0000007' } });
  });

  it.each(['../../groups', '00u1%2f', '..', ''])('refuses the id %j before calling Okta', async (userId) => {
    const outcome = await invoke(getUser, 'get-user', { userId }, shape);
    expect(outcome).toMatchObject({ status: 400, type: 'InvalidInput' });
  });
});

describe.each(SHAPES)('search-users through %s', (shape) => {
  it('finds users with an Okta search expression', async () => {
    const profile = newProfile({ lastName: `Searchable${shape}` });
    await invoke(createUser, 'create-user', { profile, password: 'Analytical-Engine-1843' }, shape);
    const outcome = await invoke(
      searchUsers,
      'search-users',
      { search: `profile.lastName eq "Searchable${shape}"` },
      shape,
    );
    expect(
      (outcome.body.users as Record<string, unknown>[]).map((u) => (u.profile as Record<string, unknown>).login),
    ).toEqual([profile.login]);
    expect(outcome.body.users as unknown[]).not.toContainEqual(match.objectContaining({ _links: match.anything() }));
  });

  it('finds users with a filter', async () => {
    const outcome = await invoke(searchUsers, 'search-users', { filter: 'status eq "SUSPENDED"' }, shape);
    const users = outcome.body.users as Record<string, unknown>[];
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((u) => u.status === 'SUSPENDED')).toBe(true);
  });

  it('finds users with a quick query (Okta q)', async () => {
    const profile = newProfile({ firstName: `Quick${shape}` });
    await invoke(createUser, 'create-user', { profile, password: 'Analytical-Engine-1843' }, shape);
    const outcome = await invoke(searchUsers, 'search-users', { query: `Quick${shape}` }, shape);
    expect((outcome.body.users as Record<string, unknown>[]).map((u) => u.id)).toHaveLength(1);
    expect(outcome.body).not.toHaveProperty('after');
  });

  it('pages with limit and after, without overlap', async () => {
    const first = await invoke(searchUsers, 'search-users', { search: 'status eq "ACTIVE"', limit: 3 }, shape);
    const firstIds = (first.body.users as Record<string, unknown>[]).map((u) => u.id);
    expect(firstIds).toHaveLength(3);
    expect(first.body.after).toEqual(match.any(String));
    const second = await invoke(
      searchUsers,
      'search-users',
      { search: 'status eq "ACTIVE"', limit: 3, after: first.body.after },
      shape,
    );
    const secondIds = (second.body.users as Record<string, unknown>[]).map((u) => u.id);
    expect(secondIds).toHaveLength(3);
    expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
  });

  it('answers a bad search expression with OktaValidationFailed', async () => {
    const outcome = await invoke(searchUsers, 'search-users', { search: 'profile.lastName eq' }, shape);
    expect(outcome).toMatchObject({ status: 400, type: 'OktaValidationFailed' });
  });

  it.each([
    [{}, 'exactly one of search, filter, query is required'],
    [
      { search: 'status eq "ACTIVE"', filter: 'status eq "ACTIVE"' },
      'only one of search, filter, query may be given (got search, filter)',
    ],
    [{ query: 'ada', after: 'abc' }, 'after: cannot be used with query (Okta does not page q results)'],
    [{ query: 'ada', limit: 201 }, 'limit: must be at most 200 with query'],
    [{ filter: 'status eq "ACTIVE"', sortBy: 'profile.lastName' }, 'sortBy: can be used only with search'],
    [{ search: 'status eq "ACTIVE"', limit: 1001 }, 'limit: must be at most 1000'],
  ])('refuses %j', async (input, message) => {
    const outcome = await invoke(searchUsers, 'search-users', input, shape);
    expect(outcome).toMatchObject({ status: 400, type: 'InvalidInput', body: { message } });
  });
});
