import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockPublishPath } from '../../support/mock-publish-path.js';
import { describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../../functions/lib/config.js';
import type { HookSecrets } from '../../../functions/lib/hook-secrets.js';
import { InternalError, UnknownConnection } from '../../../functions/lib/errors.js';
import { logger } from '../../../functions/lib/observability.js';
import { handler, isAuthorized, MAX_BODY_BYTES, type HookHttpEvent } from '../../../functions/triggers/event-hook.js';
import { match } from '../../support/match.js';

const { dynamo, eventBridge } = mockPublishPath();
const hookSecrets: HookSecrets = { eventHookSecret: 'secret-1', domain: 'acme.okta.com' };
const deps = { loadHookSecrets: () => Promise.resolve(hookSecrets) };
const DELIVERY = JSON.stringify({
  eventType: 'com.okta.event_hook',
  source: 'https://acme.okta.com/api/v1/eventHooks/who7hphp39JoHLni81d7',
  data: {
    events: [
      {
        uuid: 'faf7398a-4f77-11ea-97fb-5925e98228bd',
        published: new Date().toISOString(),
        eventType: 'user.lifecycle.create',
      },
    ],
  },
});

function post(overrides: Partial<HookHttpEvent> & { headers?: Record<string, string> } = {}): HookHttpEvent {
  return {
    version: '2.0',
    requestContext: { http: { method: 'POST' } },
    queryStringParameters: { connection: 'acme' },
    body: DELIVERY,
    isBase64Encoded: false,
    ...overrides,
    headers: { 'content-type': 'application/json', authorization: 'secret-1', ...overrides.headers },
  };
}

describe('event-hook handler', () => {
  const challenge = '4f0b2c63-6a1e-4c0e-9d0b-2f4c3c1a9e7d';
  const verificationGet = (value: string, connection = 'acme'): HookHttpEvent => ({
    requestContext: { http: { method: 'GET' } },
    headers: { 'x-okta-verification-challenge': value },
    queryStringParameters: { connection },
  });

  it('answers the verification GET with the challenge for a connection that has a hook secret', async () => {
    const answer = await handler(verificationGet(challenge), undefined, deps);
    expect(answer).toMatchObject({ statusCode: 200, body: JSON.stringify({ verification: challenge }) });
  });

  it.each([
    ['too short', 'abc1234'],
    ['too long', 'a'.repeat(257)],
    ['markup', '<script>alert(1)</script>'],
    ['a space', 'abcd efgh'],
    ['a quote', 'abcdefgh"'],
  ])('refuses a verification challenge that is %s with 400, echoing nothing', async (_case, value) => {
    const answer = await handler(verificationGet(value), undefined, deps);
    expect(answer.statusCode).toBe(400);
    expect(answer.body).not.toContain(value);
  });

  it('refuses the verification GET for a connection without a hook secret: no foreign org can verify the URL', async () => {
    const answer = await handler(verificationGet(challenge), undefined, {
      loadHookSecrets: () => Promise.reject(new UnknownConnection('none')),
    });
    expect(answer).toMatchObject({ statusCode: 401, body: JSON.stringify({ error: 'Not authorized' }) });
  });

  it('refuses the verification GET for a connection the deployment does not configure, loading nothing', async () => {
    process.env.CONNECTIONS = 'acme';
    resetConfig();
    let loads = 0;
    const answer = await handler(verificationGet(challenge, 'someone-elses'), undefined, {
      loadHookSecrets: () => {
        loads += 1;
        return Promise.resolve(hookSecrets);
      },
    });
    delete process.env.CONNECTIONS;
    resetConfig();
    expect(answer.statusCode).toBe(401);
    expect(loads).toBe(0);
  });

  it('answers the verification GET only while its window is open, reading past the cache once when it is closed', async () => {
    const now = Date.parse('2026-12-04T21:00:00Z');
    const reads: Array<{ refresh?: boolean } | undefined> = [];
    const withWindow = (until: number, fresh = until) => ({
      now: () => now,
      loadHookSecrets: (_c: string, _d?: unknown, options?: { refresh?: boolean }) => {
        reads.push(options);
        return Promise.resolve({ ...hookSecrets, verificationOpenUntil: options?.refresh ? fresh : until });
      },
    });

    const open = await handler(verificationGet(challenge), undefined, withWindow(now + 60_000));
    expect(open).toMatchObject({ statusCode: 200, body: JSON.stringify({ verification: challenge }) });
    expect(reads).toHaveLength(1);

    reads.length = 0;
    const closed = await handler(verificationGet(challenge), undefined, withWindow(now - 1));
    expect(closed).toMatchObject({ statusCode: 401, body: JSON.stringify({ error: 'Not authorized' }) });
    expect(reads).toEqual([undefined, { refresh: true }]);

    // hooks register opened it since this container cached the secret: the fresh read sees it.
    const reopened = await handler(verificationGet(challenge), undefined, withWindow(now - 1, now + 60_000));
    expect(reopened.statusCode).toBe(200);
  });

  it('answers 400 to a GET without a challenge', async () => {
    const answer = await handler({ requestContext: { http: { method: 'GET' } }, headers: {} }, undefined, deps);
    expect(answer.statusCode).toBe(400);
  });

  it('publishes a valid delivery and answers 200 with an empty body', async () => {
    const answer = await handler(post(), undefined, deps);
    expect(answer).toEqual({ statusCode: 200 });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('reads a base64-encoded body', async () => {
    const answer = await handler(
      post({ body: Buffer.from(DELIVERY).toString('base64'), isBase64Encoded: true }),
      undefined,
      deps,
    );
    expect(answer.statusCode).toBe(200);
  });

  it('takes an API Gateway REST (v1) event with mixed-case headers', async () => {
    const answer = await handler(
      {
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'secret-1' },
        body: DELIVERY,
      },
      undefined,
      deps,
    );
    expect(answer.statusCode).toBe(200);
  });

  it.each([
    ['405 for a PUT', post({ requestContext: { http: { method: 'PUT' } } }), 405],
    ['415 for a non-JSON content type', post({ headers: { 'content-type': 'text/plain' } }), 415],
    ['401 when the secret is wrong', post({ headers: { authorization: 'secret-2' } }), 401],
    ['401 when the secret is missing', post({ headers: { authorization: '' } }), 401],
    ['413 for a body over the limit', post({ body: 'x'.repeat(MAX_BODY_BYTES + 1) }), 413],
    ['400 for a body that is not JSON', post({ body: '{not json' }), 400],
    [
      '400 for events without a uuid',
      post({ body: JSON.stringify({ data: { events: [{ eventType: 'a', published: 'b' }] } }) }),
      400,
    ],
  ])('answers %s and publishes nothing', async (_name, event, status) => {
    const answer = await handler(event, undefined, deps);
    expect(answer.statusCode).toBe(status);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('publishes the valid events of a delivery, leaves out a forged one and logs it by index and uuid', async () => {
    const forged = {
      uuid: '3aeede38-4f67-11ea-abd3-1f5d113f2546',
      published: '2099-01-01T00:00:00.000Z',
      eventType: 'x.y',
    };
    const body = JSON.parse(DELIVERY) as { data: { events: unknown[] } };
    body.data.events.push(forged);
    const warn = vi.spyOn(logger, 'warn');
    const answer = await handler(post({ body: JSON.stringify(body) }), undefined, deps);
    expect(answer).toEqual({ statusCode: 200 });
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries.map((entry) => entry.DetailType)).toEqual(['user.lifecycle.create']);
    expect(warn).toHaveBeenCalledWith(
      match.stringContaining('refused'),
      match.objectContaining({
        rejectedCount: 1,
        rejected: [{ index: 1, uuid: forged.uuid, reason: 'published is in the future' }],
      }),
    );
    warn.mockRestore();
  });

  it("answers 400 to a delivery whose source is not the connection's org, and publishes nothing", async () => {
    const body = { ...(JSON.parse(DELIVERY) as object), source: 'https://evil.okta.com/api/v1/eventHooks/who1' };
    const answer = await handler(post({ body: JSON.stringify(body) }), undefined, deps);
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toMatch(/org/);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('checks the source only for its shape when the hook secret names no org (a secret from before domain was kept)', async () => {
    const body = { ...(JSON.parse(DELIVERY) as object), source: 'https://other.okta.com/api/v1/eventHooks/who1' };
    const withoutDomain = { loadHookSecrets: () => Promise.resolve({ eventHookSecret: 'secret-1' }) };
    const answer = await handler(post({ body: JSON.stringify(body) }), undefined, withoutDomain);
    expect(answer.statusCode).toBe(200);
    const notHook = { ...(JSON.parse(DELIVERY) as object), source: 'https://other.okta.com/api/v1/users/00u1' };
    const refused = await handler(post({ body: JSON.stringify(notHook) }), undefined, withoutDomain);
    expect(refused.statusCode).toBe(400);
  });

  it('checks the method before the secret', async () => {
    const answer = await handler(
      post({ requestContext: { http: { method: 'DELETE' } }, headers: { authorization: 'wrong' } }),
      undefined,
      deps,
    );
    expect(answer.statusCode).toBe(405);
  });

  it('checks the secret before the body', async () => {
    const answer = await handler(post({ body: '{not json', headers: { authorization: 'wrong' } }), undefined, deps);
    expect(answer.statusCode).toBe(401);
  });

  it('answers 401 for a connection without a hook secret, not revealing which exist', async () => {
    const answer = await handler(post(), undefined, {
      loadHookSecrets: () => Promise.reject(new UnknownConnection('no such connection')),
    });
    expect(answer.statusCode).toBe(401);
  });

  it('refuses a connection the deployment does not configure with 401, before loading any secret', async () => {
    process.env.CONNECTIONS = 'acme,globex';
    resetConfig();
    let loads = 0;
    const answer = await handler(post({ queryStringParameters: { connection: 'nobody' } }), undefined, {
      loadHookSecrets: () => {
        loads += 1;
        return Promise.resolve(hookSecrets);
      },
    });
    delete process.env.CONNECTIONS;
    resetConfig();
    expect(answer).toMatchObject({ statusCode: 401, body: JSON.stringify({ error: 'Not authorized' }) });
    expect(loads).toBe(0);
  });

  it('answers 401, never 500 with detail, when the hook secret cannot be loaded (AccessDenied)', async () => {
    const answer = await handler(post(), undefined, {
      loadHookSecrets: () =>
        Promise.reject(new InternalError('Connection "acme": could not read its event hook secret')),
    });
    expect(answer).toMatchObject({ statusCode: 401, body: JSON.stringify({ error: 'Not authorized' }) });
  });

  it('reads the hook secret again when the given one does not match: a rotation since the cached load', async () => {
    const reads: Array<{ refresh?: boolean }> = [];
    const answer = await handler(post({ headers: { authorization: 'secret-2' } }), undefined, {
      loadHookSecrets: (_name, _deps, options = {}) => {
        reads.push(options);
        return Promise.resolve(
          options.refresh ? { eventHookSecret: 'secret-2', previousEventHookSecret: 'secret-1' } : hookSecrets,
        );
      },
    });
    expect(answer.statusCode).toBe(200);
    expect(reads).toEqual([{}, { refresh: true }]);
  });

  it('answers 500 when EventBridge refuses the events, so Okta retries', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' }] });
    const answer = await handler(post(), undefined, deps);
    expect(answer.statusCode).toBe(500);
  });

  it('answers 500 when the dedupe table cannot be reached', async () => {
    dynamo.on(PutItemCommand).rejects(new Error('network down'));
    const answer = await handler(post(), undefined, deps);
    expect(answer.statusCode).toBe(500);
  });
});

describe('isAuthorized', () => {
  it('accepts the current secret', () => {
    expect(isAuthorized('secret-1', { eventHookSecret: 'secret-1' })).toBe(true);
  });

  it('accepts the previous secret during a rotation', () => {
    expect(isAuthorized('old', { eventHookSecret: 'new', previousEventHookSecret: 'old' })).toBe(true);
  });

  it('refuses a secret of another length', () => {
    expect(isAuthorized('secret-10', { eventHookSecret: 'secret-1' })).toBe(false);
  });

  it('refuses a missing Authorization header', () => {
    expect(isAuthorized(undefined, { eventHookSecret: 'secret-1' })).toBe(false);
    expect(isAuthorized('', { eventHookSecret: 'secret-1' })).toBe(false);
  });
});
