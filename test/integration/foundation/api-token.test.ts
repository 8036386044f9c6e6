import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnection } from '../../../functions/lib/connections.js';
import { oktaClient } from '../../../functions/lib/okta/client-cache.js';
import { USER_AGENT } from '../../../functions/lib/okta/client.js';
import { rateLimitBucket } from '../../../functions/lib/okta/rate-limits.js';
import { bucketOf } from '../../../local/okta-sim/control/rate-limits.js';
import { startSandbox, type Sandbox } from './sandbox.js';
import { timesFired } from '../../support/fault-counters.js';
import { match } from '../../support/match.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
  sandbox.aws.secrets.put('okta-connector/sim', {
    domain: sandbox.sim.url,
    auth: { type: 'api-token', token: sandbox.sim.apiToken },
  });
  sandbox.aws.secrets.put('okta-connector/bad-token', {
    domain: sandbox.sim.url,
    auth: { type: 'api-token', token: 'not-the-token' },
  });
});
afterAll(async () => {
  await sandbox.close();
});

describe('api-token connection on the wire', () => {
  it('loads the connection from Secrets Manager and calls the org with SSWS', async () => {
    const connection = await loadConnection('sim');
    expect(connection.baseUrl).toBe(sandbox.sim.url);
    const okta = await oktaClient('sim');
    const response = await okta.request<{ id: string }>({ method: 'GET', path: '/api/v1/users/me' });
    expect(response.body.id).toBe(sandbox.sim.org.adminUserId);
    expect(response.requestId).toMatch(/\S+/);
    expect(okta.rateLimit('/api/v1/users/me')).toMatchObject({ bucket: 'GET /api/v1/users/{id}', limit: 2000 });
  });

  it('pages through every user by Link headers', async () => {
    const okta = await oktaClient('sim');
    const seen: string[] = [];
    let pages = 0;
    for await (const page of okta.pages<{ id: string }>({
      method: 'GET',
      path: '/api/v1/users',
      query: { limit: 3 },
    })) {
      pages += 1;
      seen.push(...page.items.map((u) => u.id));
    }
    const expected = sandbox.sim.org
      .users()
      .filter((u) => u.status !== 'DEPROVISIONED')
      .map((u) => u.id);
    expect(pages).toBeGreaterThan(3);
    expect(new Set(seen)).toEqual(new Set(expected));
    expect(seen).toHaveLength(expected.length);
  });

  it('stops at a limit and goes on from the cursor it returned', async () => {
    const okta = await oktaClient('sim');
    const first = await okta.list<{ id: string }>({ method: 'GET', path: '/api/v1/users' }, { limit: 5, pageSize: 2 });
    expect(first.items).toHaveLength(5);
    expect(first.after).toBeDefined();
    const rest = await okta.list<{ id: string }>(
      { method: 'GET', path: '/api/v1/users', query: { after: first.after } },
      { pageSize: 4 },
    );
    const all = await okta.list<{ id: string }>({ method: 'GET', path: '/api/v1/users' });
    expect([...first.items, ...rest.items].map((u) => u.id)).toEqual(all.items.map((u) => u.id));
  });

  it('sends Content-Length: 0 on a lifecycle POST, which Okta refuses without it', async () => {
    const okta = await oktaClient('sim');
    const active = sandbox.sim.org
      .users()
      .find((u) => u.status === 'ACTIVE' && u.id !== sandbox.sim.org.adminUserId) as { id: string };
    const response = await okta.request({ method: 'POST', path: `/api/v1/users/${active.id}/lifecycle/suspend` });
    expect(response.status).toBe(200);
    expect(sandbox.sim.org.user(active.id)?.status).toBe('SUSPENDED');
  });

  it('turns Okta errors into CONTRACT errors with the request id', async () => {
    const okta = await oktaClient('sim');
    await expect(okta.request({ method: 'GET', path: '/api/v1/users/00unobody' })).rejects.toMatchObject({
      name: 'OktaNotFound',
      oktaErrorCode: 'E0000007',
      oktaRequestId: match.any(String),
      oktaStatus: 404,
    });
    const staged = sandbox.sim.org.users().find((u) => u.status === 'STAGED') as { id: string };
    await expect(
      okta.request({ method: 'POST', path: `/api/v1/users/${staged.id}/lifecycle/suspend` }),
    ).rejects.toMatchObject({ name: 'OktaValidationFailed', oktaErrorCode: 'E0000001' });
    await expect(
      (await oktaClient('bad-token')).request({ method: 'GET', path: '/api/v1/users/me' }),
    ).rejects.toMatchObject({ name: 'OktaAuthFailed', oktaErrorCode: 'E0000011' });
  });

  it('waits out an injected 429 and retries', async () => {
    const fault = sandbox.sim.control.addFault({
      type: 'rate-limit',
      method: 'GET',
      path: '^/api/v1/groups$',
      count: 1,
    });
    const okta = await oktaClient('sim');
    const response = await okta.request({ method: 'GET', path: '/api/v1/groups' });
    expect(response.retries).toBe(1);
    expect(timesFired(sandbox.sim, fault)).toBe(1);
  });

  it('retries a GET after a dropped connection', async () => {
    const fault = sandbox.sim.control.addFault({ type: 'drop', method: 'GET', path: '^/api/v1/apps$', count: 1 });
    const okta = await oktaClient('sim');
    expect((await okta.request({ method: 'GET', path: '/api/v1/apps' })).retries).toBe(1);
    expect(timesFired(sandbox.sim, fault)).toBe(1);
  });

  it('gives OktaUnavailable when a POST is dropped, without sending it again', async () => {
    const fault = sandbox.sim.control.addFault({ type: 'drop', method: 'POST', path: '^/api/v1/groups$', count: 5 });
    const okta = await oktaClient('sim');
    await expect(
      okta.request({ method: 'POST', path: '/api/v1/groups', body: { profile: { name: 'Never twice' } } }),
    ).rejects.toMatchObject({ name: 'OktaUnavailable' });
    expect(sandbox.sim.control.faults().find((f) => f.id === fault.id)?.fired).toBe(1);
    sandbox.sim.control.removeFault(fault.id);
  });

  it('names itself in the User-Agent Okta logs', async () => {
    const agents: string[] = [];
    const stop = sandbox.sim.observe((req) => {
      agents.push(req.headers['user-agent'] ?? '');
    });
    await (await oktaClient('sim')).request({ method: 'GET', path: '/api/v1/users/me' });
    stop();
    expect(agents).toEqual([USER_AGENT]);
  });

  it('puts requests in the same rate-limit buckets as the simulated org', () => {
    const requests: [string, string][] = [
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users'],
      ['GET', '/api/v1/users/00u1'],
      ['GET', '/api/v1/users/00u1/groups'],
      ['POST', '/api/v1/users/00u1'],
      ['DELETE', '/api/v1/users/00u1'],
      ['POST', '/api/v1/users/00u1/lifecycle/activate'],
      ['GET', '/api/v1/groups'],
      ['GET', '/api/v1/groups/00g1'],
      ['PUT', '/api/v1/groups/00g1/users/00u1'],
      ['GET', '/api/v1/apps'],
      ['GET', '/api/v1/apps/0oa1'],
      ['GET', '/api/v1/apps/0oa1/users'],
      ['GET', '/api/v1/logs'],
      ['GET', '/api/v1/eventHooks'],
    ];
    // Bucket names differ; the partition of requests into buckets must be the same.
    const ours = requests.map(([m, p]) => rateLimitBucket(m, p));
    const sims = requests.map(([m, p]) => bucketOf(m, p));
    for (let i = 0; i < requests.length; i += 1) {
      for (let j = 0; j < requests.length; j += 1) {
        expect(ours[i] === ours[j], `${requests[i]?.join(' ')} vs ${requests[j]?.join(' ')}`).toBe(sims[i] === sims[j]);
      }
    }
  });
});
