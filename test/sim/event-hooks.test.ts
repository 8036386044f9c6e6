import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEventHooks, type EventHooks } from '../../local/okta-sim/hooks/event-hooks.js';
import { createFakeOrg, serveRoutes, type FakeOrg, type RouteServer } from '../support/fake-org.js';
import { match } from '../support/match.js';

interface Received {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver answers: a status, a body, and how long it waits first. */
type Behaviour = (request: Received) => { status: number; body?: string; delayMs?: number };

const answerChallenge: Behaviour = (request) =>
  request.method === 'GET'
    ? { status: 200, body: JSON.stringify({ verification: request.headers['x-okta-verification-challenge'] }) }
    : { status: 200 };

let receiver: Server;
let receiverUrl: string;
let received: Received[];
let behaviour: Behaviour;

let org: FakeOrg;
let eventHooks: EventHooks;
let server: RouteServer;

async function api(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

function hookBody(items = ['user.lifecycle.create', 'group.user_membership.add']) {
  return {
    name: 'Connector',
    events: { type: 'EVENT_TYPE', items },
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: {
        uri: `${receiverUrl}/hook`,
        headers: [{ key: 'X-Other-Header', value: 'my-header-value' }],
        authScheme: { type: 'HEADER', key: 'Authorization', value: 'hook-secret' },
      },
    },
  };
}

async function verifiedHook(items?: string[]): Promise<string> {
  const created = await api('POST', '/api/v1/eventHooks', hookBody(items));
  const id = created.body.id as string;
  await api('POST', `/api/v1/eventHooks/${id}/lifecycle/verify`);
  received.length = 0;
  return id;
}

const posts = (): Received[] => received.filter((request) => request.method === 'POST');
const eventsIn = (request: Received): Array<{ uuid: string; eventType: string }> =>
  (JSON.parse(request.body) as { data: { events: Array<{ uuid: string; eventType: string }> } }).data.events;

async function startOrg(options: { timeoutMs?: number } = {}): Promise<void> {
  org = createFakeOrg();
  eventHooks = createEventHooks(org.services, { batchWindowMs: 50, ...options });
  server = await serveRoutes(eventHooks.routes);
  org.setBaseUrl(server.url);
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      const answer = behaviour(entry);
      setTimeout(() => {
        if (!response.destroyed)
          response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(async () => {
  received = [];
  behaviour = answerChallenge;
  await startOrg();
});

afterEach(async () => {
  await eventHooks.close();
  await server.close();
});

describe('the event hook API', () => {
  it('creates an ACTIVE, UNVERIFIED hook and never returns the authScheme value', async () => {
    const { status, body } = await api('POST', '/api/v1/eventHooks', hookBody());

    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ACTIVE',
      verificationStatus: 'UNVERIFIED',
      name: 'Connector',
      events: { type: 'EVENT_TYPE', items: ['user.lifecycle.create', 'group.user_membership.add'] },
      channel: {
        type: 'HTTP',
        version: '1.0.0',
        config: { method: 'POST', authScheme: { type: 'HEADER', key: 'Authorization' } },
      },
    });
    expect(JSON.stringify(body)).not.toContain('hook-secret');
  });

  it('refuses a hook without events with 400 E0000001', async () => {
    const { status, body } = await api('POST', '/api/v1/eventHooks', {
      ...hookBody(),
      events: { type: 'EVENT_TYPE', items: [] },
    });

    expect(status).toBe(400);
    expect(body.errorCode).toBe('E0000001');
  });

  it('answers 404 E0000007 for an unknown hook', async () => {
    const { status, body } = await api('GET', '/api/v1/eventHooks/whonothere');

    expect(status).toBe(404);
    expect(body.errorCode).toBe('E0000007');
  });

  it('lists, deactivates and then deletes a hook', async () => {
    const id = (await api('POST', '/api/v1/eventHooks', hookBody())).body.id as string;
    expect((await api('GET', '/api/v1/eventHooks')).body).toEqual([match.objectContaining({ id })]);
    expect((await api('DELETE', `/api/v1/eventHooks/${id}`)).status).toBe(400);

    const deactivated = await api('POST', `/api/v1/eventHooks/${id}/lifecycle/deactivate`);
    const deleted = await api('DELETE', `/api/v1/eventHooks/${id}`);

    expect(deactivated.body.status).toBe('INACTIVE');
    expect(deleted.status).toBe(204);
    expect((await api('GET', `/api/v1/eventHooks/${id}`)).status).toBe(404);
  });

  it('keeps the secret on a replace that omits it, and asks for verification again when the channel changes', async () => {
    const id = await verifiedHook();
    const replacement = hookBody();
    replacement.channel.config.uri = `${receiverUrl}/other`;
    delete (replacement.channel.config.authScheme as { value?: string }).value;

    const { body } = await api('PUT', `/api/v1/eventHooks/${id}`, replacement);
    await api('POST', `/api/v1/eventHooks/${id}/lifecycle/verify`);

    expect(body.verificationStatus).toBe('UNVERIFIED');
    expect(received[0]?.headers.authorization).toBe('hook-secret');
  });
});

describe('verification', () => {
  it('sends the one-time GET with the challenge and marks the hook VERIFIED', async () => {
    const id = (await api('POST', '/api/v1/eventHooks', hookBody())).body.id as string;

    const { status, body } = await api('POST', `/api/v1/eventHooks/${id}/lifecycle/verify`);

    expect(status).toBe(200);
    expect(body.verificationStatus).toBe('VERIFIED');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'GET', headers: { authorization: 'hook-secret' } });
    expect(received[0]?.headers['x-okta-verification-challenge']).toEqual(match.any(String));
  });

  it('answers 400 E0000001 after one retry when the endpoint returns the wrong value', async () => {
    behaviour = () => ({ status: 200, body: JSON.stringify({ verification: 'wrong' }) });
    const id = (await api('POST', '/api/v1/eventHooks', hookBody())).body.id as string;

    const { status, body } = await api('POST', `/api/v1/eventHooks/${id}/lifecycle/verify`);

    expect(status).toBe(400);
    expect(body.errorCode).toBe('E0000001');
    expect(received.filter((request) => request.method === 'GET')).toHaveLength(2);
    expect((await api('GET', `/api/v1/eventHooks/${id}`)).body.verificationStatus).toBe('UNVERIFIED');
  });

  it('fails when the endpoint does not answer within the timeout', async () => {
    await eventHooks.close();
    await server.close();
    await startOrg({ timeoutMs: 200 });
    behaviour = () => ({ status: 200, delayMs: 500 });
    const id = (await api('POST', '/api/v1/eventHooks', hookBody())).body.id as string;

    const { status } = await api('POST', `/api/v1/eventHooks/${id}/lifecycle/verify`);

    expect(status).toBe(400);
    expect(eventHooks.deliveries().map((attempt) => attempt.error)).toEqual(['timeout', 'timeout']);
  });
});

describe('delivery', () => {
  it("batches events that happen close together into one POST with Okta's envelope and headers", async () => {
    const id = await verifiedHook();
    const first = org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });
    const second = org.services.appendLogEvent({ eventType: 'group.user_membership.add' });

    await eventHooks.flush();

    expect(posts()).toHaveLength(1);
    const envelope = JSON.parse(posts()[0]?.body ?? '{}') as Record<string, unknown>;
    expect(envelope).toMatchObject({
      eventType: 'com.okta.event_hook',
      eventTypeVersion: '1.0',
      cloudEventsVersion: '0.1',
      source: `${server.url}/api/v1/eventHooks/${id}`,
      contentType: 'application/json',
      data: { events: [first, second] },
    });
    expect(envelope.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts()[0]?.headers).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json',
      authorization: 'hook-secret',
      'x-other-header': 'my-header-value',
    });
  });

  it('sends events apart from each other in separate POSTs once the window has passed', async () => {
    await verifiedHook();
    org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });

    await eventHooks.flush();

    expect(posts().map((post) => eventsIn(post).length)).toEqual([1, 1]);
  });

  it('sends only the subscribed event types', async () => {
    await verifiedHook(['user.lifecycle.create']);
    org.services.appendLogEvent({ eventType: 'user.session.start' });
    const wanted = org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });

    await eventHooks.flush();

    expect(
      posts()
        .flatMap(eventsIn)
        .map((event) => event.uuid),
    ).toEqual([wanted.uuid]);
  });

  it('sends nothing to an unverified hook', async () => {
    await api('POST', '/api/v1/eventHooks', hookBody());
    org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });

    await eventHooks.flush();

    expect(received).toEqual([]);
  });

  it('sends nothing to an inactive hook', async () => {
    const id = await verifiedHook();
    await api('POST', `/api/v1/eventHooks/${id}/lifecycle/deactivate`);
    org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });

    await eventHooks.flush();

    expect(received).toEqual([]);
  });

  it('retries a 5xx once with the same envelope', async () => {
    await verifiedHook();
    behaviour = () => ({ status: 503 });
    org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });

    await eventHooks.flush();

    expect(posts()).toHaveLength(2);
    expect(posts()[1]?.body).toBe(posts()[0]?.body);
    expect(
      eventHooks
        .deliveries()
        .filter((d) => d.kind === 'deliver')
        .map((d) => [d.attempt, d.status]),
    ).toEqual([
      [1, 503],
      [2, 503],
    ]);
  });

  it('does not retry a 4xx', async () => {
    await verifiedHook();
    behaviour = () => ({ status: 401 });
    org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });

    await eventHooks.flush();

    expect(posts()).toHaveLength(1);
  });

  it('gives up after 3 seconds and retries once', async () => {
    await verifiedHook();
    behaviour = (request) => ({ status: 200, delayMs: request.method === 'POST' ? 3500 : 0 });
    org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });
    const started = Date.now();

    await eventHooks.flush();

    const attempts = eventHooks.deliveries().filter((d) => d.kind === 'deliver');
    expect(attempts.map((d) => [d.attempt, d.error])).toEqual([
      [1, 'timeout'],
      [2, 'timeout'],
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(6000);
    expect(Date.now() - started).toBeLessThan(7000);
  }, 15_000);

  it('logs an event_hook.delivery failure in the System Log when both attempts fail', async () => {
    const id = await verifiedHook();
    behaviour = () => ({ status: 500 });
    org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });

    await eventHooks.flush();

    expect(org.events.find((event) => event.eventType === 'event_hook.delivery')).toMatchObject({
      outcome: { result: 'FAILURE' },
      target: [match.objectContaining({ id, type: 'EventHook' })],
    });
  });
});

describe('control routes', () => {
  it('redelivers an envelope with the same eventId when a test asks', async () => {
    const id = await verifiedHook();
    org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });
    await eventHooks.flush();
    const eventId = (JSON.parse(posts()[0]?.body ?? '{}') as { eventId: string }).eventId;

    const { status } = await api('POST', `/__sim/event-hooks/${id}/redeliver`, { eventId });

    expect(status).toBe(200);
    expect(posts().map((post) => (JSON.parse(post.body) as { eventId: string }).eventId)).toEqual([eventId, eventId]);
  });

  it('lists every attempt at /__sim/hook-deliveries', async () => {
    const id = await verifiedHook();
    org.services.appendLogEvent({ eventType: 'user.lifecycle.create' });
    await eventHooks.flush();

    const { body } = await api('GET', `/__sim/hook-deliveries?hookId=${id}`);

    expect(body).toEqual([
      match.objectContaining({ hookId: id, kind: 'verify', attempt: 1, status: 200 }),
      match.objectContaining({ hookId: id, kind: 'deliver', attempt: 1, status: 200, uri: `${receiverUrl}/hook` }),
    ]);
  });
});
