/** `okta-request` on the real wire: the simulated org over HTTP, the connection secret in local Secrets Manager. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextWithRemaining, invoke, SHAPES, startHarness, type Harness } from './action-harness.js';
import { handler } from '../../../functions/actions/okta-request.js';
import { match } from '../../support/match.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Paths outside the org's API, or that could leave it: each must be InvalidInput naming `path`. */
const outsidePaths = [
  'https://evil.example.com/api/v1/users',
  '//evil.example.com/api/v1/users',
  'http://127.0.0.1/api/v1/users',
  '/api/v2/users',
  '/oauth2/default/v1/token',
  '/admin/api/v1/users',
  'api/v1/users',
  '/api/v1/../../admin',
  '/api/v1/users/../groups',
  '/api/v1/./users',
  '/api/v1/users/%2e%2e/groups',
  '/api/v1/users/%2E%2E%2Fgroups',
  '/api/v1/users%2f..%2fgroups',
  '/api/v1/users/%5c..',
  '/api/v1/users\\..\\groups',
  '/api/v1//users',
  '/api/v1/users?limit=1',
  '/api/v1/users#x',
  '/api/v1/users/ a',
  '/api/v1/users/%zz',
  '/api/v1/users/\u0000',
  '/api/v1/\u2025/users',
];

/** The requests the simulated org received while `run` ran, as `METHOD path`. */
async function requestsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const stop = h.sim.observe((req) => {
    seen.push(`${req.method} ${req.url.pathname}`);
  });
  try {
    await run();
  } finally {
    stop();
  }
  return seen;
}

describe.each(SHAPES)('okta-request through %s', (shape) => {
  it('reads a user and answers Okta status and body', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(handler, 'okta-request', { method: 'GET', path: `/api/v1/users/${userId}` }, shape);
    expect(outcome).toMatchObject({ status: 200, body: { status: 200, body: { id: userId, status: 'ACTIVE' } } });
  });

  it('sends a write with its query and body', async () => {
    const userId = await h.userIn('ACTIVE');
    const outcome = await invoke(
      handler,
      'okta-request',
      { method: 'POST', path: `/api/v1/users/${userId}`, body: { profile: { title: 'Raw' } } },
      shape,
    );
    expect(outcome.body).toMatchObject({ status: 200, body: { id: userId, profile: { title: 'Raw' } } });
    expect((h.sim.org.user(userId)?.profile as Record<string, unknown>).title).toBe('Raw');
    const suspended = await invoke(
      handler,
      'okta-request',
      { method: 'POST', path: `/api/v1/users/${userId}/lifecycle/suspend` },
      shape,
    );
    expect(suspended.body).toMatchObject({ status: 200 });
    expect(h.sim.org.user(userId)?.status).toBe('SUSPENDED');
  });

  it('pages with paginate and limit, and goes on from after', async () => {
    const first = await invoke(
      handler,
      'okta-request',
      { method: 'GET', path: '/api/v1/users', paginate: true, limit: 3, query: { filter: 'status eq "ACTIVE"' } },
      shape,
    );
    expect((first.body.items as unknown[]).length).toBe(3);
    expect(first.body.after).toEqual(match.any(String));
    const second = await invoke(
      handler,
      'okta-request',
      { method: 'GET', path: '/api/v1/users', paginate: true, limit: 3, after: first.body.after },
      shape,
    );
    const ids = (page: typeof first) => (page.body.items as { id: string }[]).map((u) => u.id);
    expect(ids(second).filter((id) => ids(first).includes(id))).toEqual([]);
  });

  it("maps Okta's errors to the contract types", async () => {
    const outcome = await invoke(
      handler,
      'okta-request',
      { method: 'GET', path: '/api/v1/users/00uNoSuchUser0' },
      shape,
    );
    expect(outcome).toMatchObject({ status: 404, type: 'OktaNotFound', body: { oktaErrorCode: 'E0000007' } });
  });

  it.each(outsidePaths)('refuses the path %j with InvalidInput before any request', async (path) => {
    let outcome;
    const seen = await requestsDuring(async () => {
      outcome = await invoke(handler, 'okta-request', { method: 'GET', path }, shape);
    });
    expect(outcome).toMatchObject({ status: 400, type: 'InvalidInput' });
    expect((outcome as unknown as { body: { message: string } }).body.message).toContain('path');
    expect(seen).toEqual([]);
  });

  it('refuses paginate with a write, and limit without paginate', async () => {
    for (const input of [
      { method: 'POST', path: '/api/v1/users', paginate: true },
      { method: 'GET', path: '/api/v1/users', limit: 5 },
      { method: 'GET', path: '/api/v1/users', query: { filter: { nested: true } } },
    ]) {
      expect(await invoke(handler, 'okta-request', input, shape)).toMatchObject({ status: 400, type: 'InvalidInput' });
    }
  });

  it('never sends a write again after Okta answered 5xx, but retries a read', async () => {
    const userId = await h.userIn('ACTIVE');
    h.sim.control.addFault({ type: 'server-error', status: 503, path: `^/api/v1/users/${userId}$`, count: 1 });
    const write = await requestsDuring(async () => {
      const outcome = await invoke(
        handler,
        'okta-request',
        { method: 'DELETE', path: `/api/v1/users/${userId}` },
        shape,
        contextWithRemaining(5_000),
      );
      expect(outcome).toMatchObject({ status: 502, type: 'OktaUnavailable' });
    });
    expect(write.filter((r) => r === `DELETE /api/v1/users/${userId}`)).toHaveLength(1);
    expect(h.sim.org.user(userId)?.status).toBe('ACTIVE');

    h.sim.control.addFault({ type: 'server-error', status: 503, path: `^/api/v1/users/${userId}$`, count: 1 });
    const read = await requestsDuring(async () => {
      const outcome = await invoke(
        handler,
        'okta-request',
        { method: 'GET', path: `/api/v1/users/${userId}` },
        shape,
        contextWithRemaining(5_000),
      );
      expect(outcome).toMatchObject({ status: 200 });
    });
    expect(read.filter((r) => r === `GET /api/v1/users/${userId}`)).toHaveLength(2);
  });
});
