// User and group queries (q, sortBy, eventual consistency), the control surface, seeding and observation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';

let sim: OktaSim;

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `SSWS ${sim.apiToken}`, 'content-type': 'application/json', accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

const q = encodeURIComponent;
const newProfile = (name: string) => ({
  firstName: name,
  lastName: 'Tester',
  email: `${name.toLowerCase()}@example.com`,
  login: `${name.toLowerCase()}@example.com`,
});

beforeAll(async () => {
  sim = await startOktaSim({ seed: 'realistic' });
});

afterAll(async () => {
  await sim.close();
});

describe('user queries', () => {
  it('q matches name prefixes, leaves out DEPROVISIONED users and has no next link', async () => {
    const deprovisioned = sim.org.users().find((user) => user.status === 'DEPROVISIONED') as {
      profile: { firstName: string };
    };
    const response = await call('GET', `/api/v1/users?q=${q(deprovisioned.profile.firstName)}&limit=200`);
    const statuses = (response.body as Array<{ status: string }>).map((user) => user.status);
    expect(statuses).not.toContain('DEPROVISIONED');
    expect(response.headers.get('link')).not.toContain('rel="next"');
  });

  it('q returns 10 users by default', async () => {
    const response = await call('GET', '/api/v1/users?q=a');
    expect((response.body as unknown[]).length).toBeLessThanOrEqual(10);
  });

  it('search includes DEPROVISIONED users', async () => {
    const response = await call('GET', `/api/v1/users?search=${q('status eq "DEPROVISIONED"')}`);
    expect((response.body as unknown[]).length).toBe(
      sim.org.users().filter((user) => user.status === 'DEPROVISIONED').length,
    );
  });

  it('search sorts by sortBy and sortOrder', async () => {
    const response = await call(
      'GET',
      `/api/v1/users?search=${q('status eq "ACTIVE"')}&sortBy=profile.lastName&sortOrder=desc`,
    );
    const names = (response.body as Array<{ profile: { lastName: string } }>).map((user) =>
      user.profile.lastName.toLowerCase(),
    );
    expect(names).toEqual([...names].sort().reverse());
  });

  it('returns a user by login with the okta-response option leaving out credentials', async () => {
    const response = await call('GET', `/api/v1/users/${q('admin@okta-sim.example.com')}`);
    const omitted = await fetch(`${sim.url}/api/v1/users/${sim.org.adminUserId}`, {
      headers: {
        authorization: `SSWS ${sim.apiToken}`,
        'content-type':
          'application/json; okta-response="omitCredentials,omitCredentialsLinks,omitTransitioningToStatus"',
      },
    });
    expect((response.body as { credentials?: unknown }).credentials).toBeDefined();
    expect(((await omitted.json()) as { credentials?: unknown }).credentials).toBeUndefined();
  });
});

describe('eventually consistent search', () => {
  it('finds a new group by search only once the search lag has passed', async () => {
    sim.control.setSearchLag(5_000);
    await call('POST', '/api/v1/groups', { profile: { name: 'Lagging', description: null } });
    const before = await call('GET', `/api/v1/groups?search=${q('profile.name eq "Lagging"')}`);
    sim.clock.advance(5_000);
    const after = await call('GET', `/api/v1/groups?search=${q('profile.name eq "Lagging"')}`);
    sim.control.setSearchLag(0);
    expect([(before.body as unknown[]).length, (after.body as unknown[]).length]).toEqual([0, 1]);
  });

  it('shows a user by its old profile in search while the id lookup is already current', async () => {
    const created = await call('POST', '/api/v1/users', { profile: newProfile('Lagged') });
    const id = (created.body as { id: string }).id;
    sim.clock.advance(10_000);
    sim.control.setSearchLag(5_000);
    await call('POST', `/api/v1/users/${id}`, { profile: { title: 'Renamed' } });
    const search = await call('GET', `/api/v1/users?search=${q('profile.title eq "Renamed"')}`);
    const byId = await call('GET', `/api/v1/users/${id}`);
    sim.control.setSearchLag(0);
    expect([(search.body as unknown[]).length, (byId.body as { profile: { title: string } }).profile.title]).toEqual([
      0,
      'Renamed',
    ]);
  });
});

describe('System Log events of changes', () => {
  it('writes user.account.update_profile with the user as target and the admin as actor', async () => {
    const created = await call('POST', '/api/v1/users', { profile: newProfile('Evented') });
    const id = (created.body as { id: string }).id;
    await call('POST', `/api/v1/users/${id}`, { profile: { title: 'Logged' } });
    const event = sim.org.logEvents().at(-1) as unknown as {
      eventType: string;
      target: Array<{ id: string }>;
      actor: { id: string };
    };
    expect([event.eventType, event.target[0]?.id, event.actor.id]).toEqual([
      'user.account.update_profile',
      id,
      sim.org.adminUserId,
    ]);
  });
});

describe('control', () => {
  it('adds System Log events over HTTP', async () => {
    const response = await fetch(`${sim.url}/__sim/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ eventType: 'user.session.start' }]),
    });
    const [event] = (await response.json()) as Array<{ uuid: string; version: string }>;
    expect(sim.org.logEvents().at(-1)?.uuid).toBe(event?.uuid);
  });

  it('advances the clock over HTTP', async () => {
    const before = sim.clock.now();
    await fetch(`${sim.url}/__sim/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: 3_600_000 }),
    });
    expect(sim.clock.now() - before).toBeGreaterThanOrEqual(3_600_000);
  });

  it('seeds more users on demand', () => {
    const before = sim.org.users().length;
    const ids = sim.control.seed({ users: 25 });
    expect([ids.length, sim.org.users().length - before]).toEqual([25, 25]);
  });

  it('tells observers about every API exchange', async () => {
    const seen: Array<[string, number]> = [];
    const stop = sim.observe((req, res) => seen.push([req.path, res.status]));
    await call('GET', '/api/v1/users/no-such-user');
    stop();
    expect(seen).toEqual([['/api/v1/users/no-such-user', 404]]);
  });
});

describe('seeding', () => {
  it('is deterministic: the same options give the same org', async () => {
    const [first, second] = await Promise.all([
      startOktaSim({ seed: 'realistic', clock: 0 }),
      startOktaSim({ seed: 'realistic', clock: 0 }),
    ]);
    const logins = (sim: OktaSim) => sim.org.users().map((user) => (user.profile as { login: string }).login);
    const same = JSON.stringify(logins(first)) === JSON.stringify(logins(second));
    await Promise.all([first.close(), second.close()]);
    expect(same).toBe(true);
  });

  it('seeds 20,000 users in under two seconds of CPU', async () => {
    const started = process.cpuUsage();
    const big = await startOktaSim({ seed: { users: 20_000 } });
    const used = process.cpuUsage(started);
    await big.close();
    expect((used.user + used.system) / 1000).toBeLessThan(2_000);
  });
});
