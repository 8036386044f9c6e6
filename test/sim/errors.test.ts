// Each refused request gets Okta's HTTP status and error code from the catalogue, in Okta's error body shape.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';
import { rawClient } from './real-okta-client.js';
import { match } from '../support/match.js';

let sim: OktaSim;
const ids: Record<string, string> = {};

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  rawClient(sim)(method, path, body, headers);

function userWithStatus(status: string): string {
  const user = sim.org.directory.usersInOrder.find((candidate) => candidate.status === status && !candidate.deleted);
  if (!user) throw new Error(`no seeded ${status} user`);
  return user.id;
}

beforeAll(async () => {
  sim = await startOktaSim({ seed: 'realistic' });
  ids.active = userWithStatus('ACTIVE');
  ids.staged = userWithStatus('STAGED');
  ids.appGroup = (sim.org.groups().find((group) => group.type === 'APP_GROUP') as { id: string }).id;
  ids.login = String(
    sim.org.user(ids.active)?.profile && (sim.org.user(ids.active)?.profile as { login: string }).login,
  );
});

afterAll(async () => {
  await sim.close();
});

const q = encodeURIComponent;

describe('Okta error answers', () => {
  const cases: Array<[string, () => [string, string, unknown?], number, string]> = [
    [
      'suspend of a user who is not active',
      () => ['POST', `/api/v1/users/${ids.staged}/lifecycle/suspend`],
      400,
      'E0000001',
    ],
    [
      'unsuspend of a user who is not suspended',
      () => ['POST', `/api/v1/users/${ids.active}/lifecycle/unsuspend`],
      400,
      'E0000001',
    ],
    [
      'activate of an active user',
      () => ['POST', `/api/v1/users/${ids.active}/lifecycle/activate?sendEmail=false`],
      403,
      'E0000016',
    ],
    [
      'reactivate of an active user',
      () => ['POST', `/api/v1/users/${ids.active}/lifecycle/reactivate`],
      403,
      'E0000038',
    ],
    ['an unknown user id', () => ['GET', '/api/v1/users/00uNOSUCHUSER0000000'], 404, 'E0000007'],
    [
      'a lifecycle call on an unknown user',
      () => ['POST', '/api/v1/users/missing@example.com/lifecycle/suspend'],
      404,
      'E0000007',
    ],
    ['an unknown group', () => ['GET', '/api/v1/groups/00gNOSUCHGROUP000000/users'], 404, 'E0000007'],
    ['search with ne', () => ['GET', `/api/v1/users?search=${q('status ne "ACTIVE"')}`], 400, 'E0000031'],
    [
      'search with co outside the name and login fields',
      () => ['GET', `/api/v1/users?search=${q('profile.city co "Lon"')}`],
      400,
      'E0000031',
    ],
    ['a malformed search', () => ['GET', `/api/v1/users?search=${q('profile.login eq')}`], 400, 'E0000031'],
    [
      'filter with an operator other than eq',
      () => ['GET', `/api/v1/users?filter=${q('profile.login sw "a"')}`],
      400,
      'E0000031',
    ],
    ['a group filter on name', () => ['GET', `/api/v1/groups?filter=${q('profile.name eq "Sales"')}`], 400, 'E0000031'],
    ['a users limit over 200', () => ['GET', '/api/v1/users?limit=201'], 400, 'E0000001'],
    ['an apps limit over 200', () => ['GET', '/api/v1/apps?limit=500'], 400, 'E0000001'],
    ['a logs limit over 1000', () => ['GET', '/api/v1/logs?limit=1001'], 400, 'E0000001'],
    ['a malformed logs filter', () => ['GET', `/api/v1/logs?filter=${q('eventType eq')}`], 400, 'E0000053'],
    [
      'a logs filter on published',
      () => ['GET', `/api/v1/logs?filter=${q('published gt "2024-01-01T00:00:00Z"')}`],
      400,
      'E0000031',
    ],
    ['since and after together', () => ['GET', '/api/v1/logs?since=2024-01-01T00:00:00Z&after=1_1'], 400, 'E0000001'],
    ['a since that is not a date', () => ['GET', '/api/v1/logs?since=yesterday'], 400, 'E0000001'],
    ['a q keyword over 40 characters', () => ['GET', `/api/v1/logs?q=${'x'.repeat(41)}`], 400, 'E0000001'],
    [
      'more than 20 groupIds',
      () => [
        'POST',
        '/api/v1/users',
        {
          profile: { firstName: 'A', lastName: 'B', email: 'ab@example.com', login: 'ab@example.com' },
          groupIds: Array.from({ length: 21 }, (_, i) => `00g${String(i).padStart(17, '0')}`),
        },
      ],
      400,
      'E0000093',
    ],
    [
      'a duplicate login',
      () => [
        'POST',
        '/api/v1/users',
        { profile: { firstName: 'A', lastName: 'B', email: ids.login, login: ids.login } },
      ],
      400,
      'E0000001',
    ],
    [
      'expired password without a password',
      () => [
        'POST',
        '/api/v1/users?nextLogin=changePassword',
        { profile: { firstName: 'A', lastName: 'B', email: 'c@example.com', login: 'c@example.com' } },
      ],
      400,
      'E0000124',
    ],
    ['a body that is not JSON', () => ['POST', '/api/v1/users', '{not json'], 400, 'E0000003'],
    [
      'membership change of an APP_GROUP',
      () => ['PUT', `/api/v1/groups/${ids.appGroup}/users/${ids.active}`],
      403,
      'E0000006',
    ],
    ['a method the path does not support', () => ['DELETE', '/api/v1/logs'], 405, 'E0000022'],
  ];

  it.each(cases)('answers %s with %i %s', async (_name, build, status, errorCode) => {
    const [method, path, body] = build();
    const response = await call(method, path, body);
    expect([response.status, response.body.errorCode]).toEqual([status, errorCode]);
  });

  it('shapes every error as Okta does: summary, link, a fresh id and causes', async () => {
    const first = await call('POST', `/api/v1/users/${ids.staged}/lifecycle/suspend`);
    const second = await call('POST', `/api/v1/users/${ids.staged}/lifecycle/suspend`);
    expect(first.body).toEqual({
      errorCode: 'E0000001',
      errorSummary: 'Api validation failed: suspendUser',
      errorLink: 'E0000001',
      errorId: match.stringMatching(/^oae[0-9A-Za-z]{22}$/),
      errorCauses: [{ errorSummary: 'Cannot suspend a user that is not active' }],
    });
    expect(second.body.errorId).not.toBe(first.body.errorId);
  });

  it('names the duplicate login in the cause', async () => {
    const response = await call('POST', '/api/v1/users', {
      profile: { firstName: 'A', lastName: 'B', email: ids.login, login: ids.login },
    });
    expect(response.body.errorCauses).toEqual([
      { errorSummary: 'login: An object with this field already exists in the current organization' },
    ]);
  });

  it('answers 401 E0000011 without an Authorization header', async () => {
    const response = await fetch(`${sim.url}/api/v1/users`);
    expect([response.status, ((await response.json()) as { errorCode: string }).errorCode]).toEqual([401, 'E0000011']);
  });

  it('answers 401 E0000011 to a wrong API token', async () => {
    const response = await call('GET', '/api/v1/users', undefined, { authorization: 'SSWS not-the-token' });
    expect([response.status, response.body.errorCode]).toEqual([401, 'E0000011']);
  });

  it('answers 411 to a POST with neither a body nor Content-Length', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`/api/v1/users/${ids.active}/lifecycle/suspend`, sim.url);
      const outgoing = request(
        url,
        { method: 'POST', headers: { authorization: `SSWS ${sim.apiToken}`, 'transfer-encoding': 'chunked' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(status).toBe(411);
  });
});

describe('rate limit answers', () => {
  let limited: OktaSim;
  beforeAll(async () => {
    limited = await startOktaSim({ seed: 'empty', rateLimits: { logs: 2 } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('answers 429 E0000047 with the sample body once a bucket is used up', async () => {
    const get = () => fetch(`${limited.url}/api/v1/logs`, { headers: { authorization: `SSWS ${limited.apiToken}` } });
    await get();
    await get();
    const response = await get();
    const body = (await response.json()) as Record<string, unknown>;
    expect([response.status, body.errorCode, body.errorSummary, body.errorCauses]).toEqual([
      429,
      'E0000047',
      'API call exceeded rate limit due to too many requests.',
      [],
    ]);
  });
});
