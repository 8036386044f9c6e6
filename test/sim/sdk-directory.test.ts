// Okta's own Node SDK drives the simulated org: groups, memberships, a user's groups and apps, the System Log.
import { Client } from '@okta/okta-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';

let sim: OktaSim;
let client: Client;
let counter = 0;

async function createUser(): Promise<string> {
  counter++;
  const login = `grace${counter}@example.com`;
  const user = await client.userApi.createUser({
    body: {
      profile: { firstName: 'Grace', lastName: `Hopper${counter}`, email: login, login },
      credentials: { password: { value: 'C0bol-Rules!' } },
    },
  });
  return user.id as string;
}

async function createGroup(name: string): Promise<string> {
  const group = await client.groupApi.createGroup({ group: { profile: { name, description: 'test group' } } });
  return group.id as string;
}

async function collect<T>(collection: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) items.push(item);
  return items;
}

beforeAll(async () => {
  sim = await startOktaSim({ seed: 'realistic' });
  client = new Client({ orgUrl: sim.url, token: sim.apiToken, cacheMiddleware: null });
});

afterAll(async () => {
  await sim.close();
});

describe('groups through okta-sdk-nodejs', () => {
  it('creates an OKTA_GROUP', async () => {
    const group = await client.groupApi.createGroup({ group: { profile: { name: 'Compilers', description: 'test' } } });
    expect([group.type, group.profile?.name]).toEqual(['OKTA_GROUP', 'Compilers']);
  });

  it('adds and removes a member, seen in the group members and the user groups', async () => {
    const userId = await createUser();
    const groupId = await createGroup('Navy');
    await client.groupApi.assignUserToGroup({ groupId, userId });
    const members = await collect(await client.groupApi.listGroupUsers({ groupId }));
    const groups = await collect(await client.userApi.listUserGroups({ userId }));
    expect(members.map((user) => user?.id)).toEqual([userId]);
    expect(groups.map((group) => group?.profile?.name).sort()).toEqual(['Everyone', 'Navy']);
    await client.groupApi.unassignUserFromGroup({ groupId, userId });
    expect(await collect(await client.groupApi.listGroupUsers({ groupId }))).toEqual([]);
  });

  it('pages through group members with the limit the caller asks for', async () => {
    const everyone = sim.org.groups().find((group) => group.type === 'BUILT_IN') as { id: string };
    const members = await collect(await client.groupApi.listGroupUsers({ groupId: everyone.id, limit: 5 }));
    expect(members.length).toBe(sim.org.users().length);
  });

  it('finds groups by name prefix with q', async () => {
    await createGroup('Harvard Mark I');
    const found = await collect(await client.groupApi.listGroups({ q: 'Harvard' }));
    expect(found.map((group) => group?.profile?.name)).toEqual(['Harvard Mark I']);
  });

  it('finds a group by exact name with search', async () => {
    await createGroup('UNIVAC');
    const found = await collect(await client.groupApi.listGroups({ search: 'profile.name eq "UNIVAC"' }));
    expect(found.map((group) => group?.profile?.name)).toEqual(['UNIVAC']);
  });

  it('refuses membership changes of the built-in Everyone group with 403 E0000006', async () => {
    const userId = await createUser();
    const everyone = sim.org.groups().find((group) => group.type === 'BUILT_IN') as { id: string };
    const error = await client.groupApi
      .unassignUserFromGroup({ groupId: everyone.id, userId })
      .catch((e: unknown) => e as { status: number; errorCode: string });
    expect([error?.status, error?.errorCode]).toEqual([403, 'E0000006']);
  });
});

describe('apps through okta-sdk-nodejs', () => {
  it("lists a user's app links from direct and group assignments", async () => {
    const userId = await createUser();
    const groupId = await createGroup('Apps by group');
    const [direct, viaGroup] = sim.org.apps() as Array<{ id: string; label: string }>;
    await client.applicationApi.assignUserToApplication({ appId: direct?.id as string, appUser: { id: userId } });
    await client.applicationApi.assignGroupToApplication({ appId: viaGroup?.id as string, groupId });
    await client.groupApi.assignUserToGroup({ groupId, userId });
    const links = await collect(await client.userApi.listAppLinks({ userId }));
    expect(links.map((link) => link?.label).sort()).toEqual([direct?.label, viaGroup?.label].sort());
  });

  it('lists the apps of a user with filter user.id eq', async () => {
    const userId = await createUser();
    const [app] = sim.org.apps() as Array<{ id: string; label: string }>;
    await client.applicationApi.assignUserToApplication({ appId: app?.id as string, appUser: { id: userId } });
    const apps = await collect(await client.applicationApi.listApplications({ filter: `user.id eq "${userId}"` }));
    expect(apps.map((found) => found?.label)).toEqual([app?.label]);
  });
});

describe('the System Log through okta-sdk-nodejs', () => {
  it('lists the events of a change in a bounded query', async () => {
    const since = new Date(sim.clock.now() - 1000).toISOString();
    const userId = await createUser();
    const until = new Date(sim.clock.now() + 1000).toISOString();
    const events = await collect(
      await client.systemLogApi.listLogEvents({ since, until, filter: `target.id eq "${userId}"` }),
    );
    expect(events.map((event) => event?.eventType)).toEqual(['user.lifecycle.create', 'user.lifecycle.activate']);
  });

  it('pages a bounded query of seeded sign-ins, newest first', async () => {
    const now = sim.clock.now();
    const events = await collect(
      await client.systemLogApi.listLogEvents({
        since: new Date(now - 3 * 86_400_000).toISOString(),
        until: new Date(now).toISOString(),
        filter: 'eventType eq "user.session.start"',
        sortOrder: 'DESCENDING',
        limit: 50,
      }),
    );
    const published = events.map((event) => new Date(event?.published as unknown as string).getTime());
    expect(events.length).toBeGreaterThan(50);
    expect(published).toEqual([...published].sort((a, b) => b - a));
  });
});
