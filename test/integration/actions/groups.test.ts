import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, SHAPES, startHarness, type Harness } from './action-harness.js';
import { handler as addUserToGroup } from '../../../functions/actions/add-user-to-group.js';
import { handler as getGroupMembers } from '../../../functions/actions/get-group-members.js';
import { handler as getGroupsByName } from '../../../functions/actions/get-groups-by-name.js';
import { handler as getUserGroups } from '../../../functions/actions/get-user-groups.js';
import { handler as listUserApps } from '../../../functions/actions/list-user-apps.js';
import { handler as removeUserFromGroup } from '../../../functions/actions/remove-user-from-group.js';
import { match } from '../../support/match.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

let n = 0;
async function newGroup(name = `Group ${++n} ${Date.now()}`): Promise<string> {
  const created = await h.okta<{ id: string }>('POST', '/api/v1/groups', { profile: { name, description: 'test' } });
  if (created.status !== 200) throw new Error(`could not create group ${name}: ${JSON.stringify(created.body)}`);
  return created.body.id;
}

async function memberIds(groupId: string): Promise<string[]> {
  return (await h.okta<{ id: string }[]>('GET', `/api/v1/groups/${groupId}/users`)).body.map((u) => u.id);
}

const appGroupId = () => h.sim.org.groups().find((g) => g.type === 'APP_GROUP')!.id as string;
const ids = (list: unknown) => (list as Record<string, unknown>[]).map((item) => item.id);

describe.each(SHAPES)('group membership through %s', (shape) => {
  it('add-user-to-group adds the user to an OKTA_GROUP', async () => {
    const [userId, groupId] = [await h.userIn('ACTIVE'), await newGroup()];
    const outcome = await invoke(addUserToGroup, 'add-user-to-group', { userId, groupId }, shape);
    expect(outcome).toEqual({ status: 200, body: { userId, groupId } });
    expect(await memberIds(groupId)).toContain(userId);
  });

  it('remove-user-from-group removes the user', async () => {
    const [userId, groupId] = [await h.userIn('ACTIVE'), await newGroup()];
    await h.okta('PUT', `/api/v1/groups/${groupId}/users/${userId}`);
    const outcome = await invoke(removeUserFromGroup, 'remove-user-from-group', { userId, groupId }, shape);
    expect(outcome).toEqual({ status: 200, body: { userId, groupId } });
    expect(await memberIds(groupId)).not.toContain(userId);
  });

  it.each([
    ['add-user-to-group', addUserToGroup],
    ['remove-user-from-group', removeUserFromGroup],
  ] as const)('%s on an APP_GROUP is OktaForbidden', async (name, handler) => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(handler, name, { userId, groupId: appGroupId() }, shape);
    expect(outcome).toMatchObject({ status: 403, type: 'OktaForbidden', body: { oktaErrorCode: 'E0000006' } });
  });

  it.each([
    ['add-user-to-group', addUserToGroup],
    ['remove-user-from-group', removeUserFromGroup],
  ] as const)('%s with an unknown group or user is OktaNotFound', async (name, handler) => {
    const userId = await h.userIn('ACTIVE');
    expect(await invoke(handler, name, { userId, groupId: '00gNoSuchGroup00000' }, shape)).toMatchObject({
      status: 404,
      type: 'OktaNotFound',
    });
    const groupId = await newGroup();
    expect(await invoke(handler, name, { userId: '00uNoSuchUser000000', groupId }, shape)).toMatchObject({
      status: 404,
      type: 'OktaNotFound',
    });
  });

  it.each([
    ['add-user-to-group', addUserToGroup],
    ['remove-user-from-group', removeUserFromGroup],
  ] as const)('%s names each bad field', async (name, handler) => {
    const outcome = await invoke(handler, name, { userId: '00u1', groupId: '00g1/../users' }, shape);
    expect(outcome).toMatchObject({ status: 400, type: 'InvalidInput' });
    expect(outcome.body.message).toMatch(/^groupId: must be an id or login/);
    const missing = await invoke(handler, name, { groupId: '00g1' }, shape);
    expect(missing.body.message).toBe('userId: is required');
  });
});

describe.each(SHAPES)('get-group-members through %s', (shape) => {
  it('returns up to limit users and after, then the rest from after', async () => {
    const groupId = await newGroup();
    const members = [await h.userIn('ACTIVE'), await h.userIn('ACTIVE'), await h.userIn('SUSPENDED')];
    for (const userId of members) await h.okta('PUT', `/api/v1/groups/${groupId}/users/${userId}`);
    const first = await invoke(getGroupMembers, 'get-group-members', { groupId, limit: 2 }, shape);
    expect(ids(first.body.users)).toHaveLength(2);
    expect(first.body.after).toEqual(match.any(String));
    const rest = await invoke(getGroupMembers, 'get-group-members', { groupId, after: first.body.after }, shape);
    expect([...ids(first.body.users), ...ids(rest.body.users)].sort()).toEqual([...members].sort());
    expect(rest.body).not.toHaveProperty('after');
    expect(rest.body.users as unknown[]).not.toContainEqual(match.objectContaining({ _links: match.anything() }));
  });

  it('answers an unknown group with OktaNotFound', async () => {
    const outcome = await invoke(getGroupMembers, 'get-group-members', { groupId: '00gNoSuchGroup00000' }, shape);
    expect(outcome).toMatchObject({ status: 404, type: 'OktaNotFound' });
  });

  it('refuses a limit outside 1..1000', async () => {
    const outcome = await invoke(getGroupMembers, 'get-group-members', { groupId: '00g1', limit: 0 }, shape);
    expect(outcome).toMatchObject({
      status: 400,
      type: 'InvalidInput',
      body: { message: 'limit: must be at least 1' },
    });
  });
});

describe.each(SHAPES)('get-groups-by-name through %s', (shape) => {
  it('finds the group with exactly that name, not the ones it prefixes', async () => {
    const name = `Ops ${shape} ${Date.now()}`;
    const groupId = await newGroup(name);
    await newGroup(`${name} Team`);
    const outcome = await invoke(getGroupsByName, 'get-groups-by-name', { name }, shape);
    expect(ids(outcome.body.groups)).toEqual([groupId]);
    expect(outcome.body.groups as unknown[]).not.toContainEqual(match.objectContaining({ _links: match.anything() }));
  });

  it('escapes double quotes and backslashes in an exact name', async () => {
    const name = `R&D "Core" \\ Team ${shape}`;
    const groupId = await newGroup(name);
    const outcome = await invoke(getGroupsByName, 'get-groups-by-name', { name, match: 'exact' }, shape);
    expect(ids(outcome.body.groups)).toEqual([groupId]);
  });

  it('finds every group whose name starts with the prefix with startsWith', async () => {
    const prefix = `Prefix${shape}${Date.now()}`;
    const made = [await newGroup(`${prefix} A`), await newGroup(`${prefix} B`)];
    const outcome = await invoke(getGroupsByName, 'get-groups-by-name', { name: prefix, match: 'startsWith' }, shape);
    expect(ids(outcome.body.groups).sort()).toEqual(made.sort());
  });

  it('returns no groups for a name nobody has', async () => {
    const outcome = await invoke(getGroupsByName, 'get-groups-by-name', { name: 'No such group anywhere' }, shape);
    expect(outcome).toEqual({ status: 200, body: { groups: [] } });
  });

  it.each([
    [{ name: '' }, 'name: must not be empty'],
    [{ name: 'Sales', match: 'contains' }, 'match: must be one of "exact", "startsWith"'],
  ])('refuses %j', async (input, message) => {
    const outcome = await invoke(getGroupsByName, 'get-groups-by-name', input, shape);
    expect(outcome).toMatchObject({ status: 400, type: 'InvalidInput', body: { message } });
  });
});

describe.each(SHAPES)('get-user-groups and list-user-apps through %s', (shape) => {
  it('get-user-groups returns every group of the user without _links', async () => {
    const [userId, a, b] = [await h.userIn('ACTIVE'), await newGroup(), await newGroup()];
    for (const groupId of [a, b]) await h.okta('PUT', `/api/v1/groups/${groupId}/users/${userId}`);
    const outcome = await invoke(getUserGroups, 'get-user-groups', { userId }, shape);
    expect(ids(outcome.body.groups)).toEqual(match.arrayContaining([a, b]));
    expect(outcome.body.groups as unknown[]).not.toContainEqual(match.objectContaining({ _links: match.anything() }));
  });

  it('list-user-apps includes the apps assigned through a group', async () => {
    const app = [...h.sim.org.directory.apps.values()].find((candidate) => candidate.groups.size > 0)!;
    const groupId = [...app.groups.keys()][0]!;
    const userId = await h.userIn('ACTIVE');
    await h.okta('PUT', `/api/v1/groups/${groupId}/users/${userId}`);
    const outcome = await invoke(listUserApps, 'list-user-apps', { userId }, shape);
    expect((outcome.body.apps as Record<string, unknown>[]).map((link) => link.appInstanceId)).toContain(app.id);
  });

  it('list-user-apps is empty for a user with no app', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(listUserApps, 'list-user-apps', { userId }, shape);
    expect(outcome).toEqual({ status: 200, body: { apps: [] } });
  });

  it.each([
    ['get-user-groups', getUserGroups],
    ['list-user-apps', listUserApps],
  ] as const)('%s answers an unknown user with OktaNotFound', async (name, handler) => {
    const outcome = await invoke(handler, name, { userId: '00uNoSuchUser000000' }, shape);
    expect(outcome).toMatchObject({ status: 404, type: 'OktaNotFound' });
  });

  it.each([
    ['get-user-groups', getUserGroups],
    ['list-user-apps', listUserApps],
  ] as const)('%s refuses an unknown field', async (name, handler) => {
    const outcome = await invoke(handler, name, { userId: '00u1', limit: 5 }, shape);
    expect(outcome).toMatchObject({
      status: 400,
      type: 'InvalidInput',
      body: { message: 'limit: is not a known field' },
    });
  });
});
