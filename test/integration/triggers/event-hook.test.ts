import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../../functions/lib/config.js';
import { handler as poll } from '../../../functions/triggers/poll-system-log.js';
import { HOOK_SECRET, longContext, startWorld, uuidCounts, waitFor, type TriggerWorld } from './harness.js';
import { failEntriesCounted } from '../../support/fault-counters.js';
import { match } from '../../support/match.js';
import { simAdmin } from '../../support/sim-admin.js';

/**
 * Okta's sample delivery, as this sim's org would send it today: the sample's `source` host is a placeholder
 * (`{yourOktaDomain}`) and its events are from 2023, older than the dedupe window the hook accepts.
 */
function sampleDelivery(): string {
  const sample = JSON.parse(
    readFileSync(
      'local/okta-sim/reference/samples/from-okta-developer-docs/event-hook-delivery-user.session.start.json',
      'utf8',
    ),
  ) as { source: string; data: { events: Array<{ published: string }> } };
  sample.source = sample.source.replace('https://{yourOktaDomain}', world.sim.url);
  sample.data.events = recent(sample.data.events);
  return JSON.stringify(sample);
}

/** The events with `published` moved to the last minute, everything else kept. */
function recent<T extends { published: string }>(events: T[]): T[] {
  return events.map((event, i) => ({ ...event, published: new Date(Date.now() - 60_000 + i).toISOString() }));
}

/** A delivery envelope from the sim's org (OKTA-API-FACTS §6), carrying `events`. */
function envelope(events: unknown[]): string {
  return JSON.stringify({
    eventType: 'com.okta.event_hook',
    source: `${world.sim.url}/api/v1/eventHooks/whoIntegration1`,
    eventId: crypto.randomUUID(),
    data: { events },
  });
}

let world: TriggerWorld;
let hookId: string;

interface Delivery {
  hookId: string;
  kind: 'verify' | 'deliver';
  status?: number;
  attempt: number;
  body?: { eventId?: string; data?: { events?: Array<{ uuid: string }> } };
}

type OktaBody = Record<string, unknown>;
const admin = () => simAdmin(world.sim);

function deliveries(): Delivery[] {
  return world.sim.control.hookDeliveries() as Delivery[];
}

/** POSTs to the hook receiver as Okta would, with the given secret and body. */
function postToHook(body: string, authorization = HOOK_SECRET, contentType = 'application/json'): Promise<Response> {
  return fetch(`${world.hookUrl}?connection=default`, {
    method: 'POST',
    headers: { authorization, 'content-type': contentType },
    body,
  });
}

beforeAll(async () => {
  world = await startWorld();
  // Polled once so the poller's cursor exists and starts after the setup.
  await poll({}, longContext);
  const created = await admin().okta<OktaBody>('POST', '/api/v1/eventHooks', {
    name: 'okta-connector',
    events: { type: 'EVENT_TYPE', items: ['user.lifecycle.create', 'user.session.start'] },
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: {
        uri: `${world.hookUrl}?connection=default`,
        headers: [],
        authScheme: { type: 'HEADER', key: 'Authorization', value: HOOK_SECRET },
      },
    },
  });
  hookId = created.body.id as string;
});

afterAll(async () => {
  await world.close();
});

beforeEach(() => {
  world.aws.eventBridge.clear();
});

describe('event-hook', () => {
  it("passes Okta's verification through the simulator's own /lifecycle/verify", async () => {
    const verified = await admin().okta<OktaBody>('POST', `/api/v1/eventHooks/${hookId}/lifecycle/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body.verificationStatus).toBe('VERIFIED');
    expect(
      deliveries()
        .filter((d) => d.kind === 'verify')
        .at(-1)?.status,
    ).toBe(200);
  });

  it("fails Okta's verification of a hook aimed at a connection without a hook secret (anyone's org could)", async () => {
    const foreign = await admin().okta<OktaBody>('POST', '/api/v1/eventHooks', {
      name: 'someone else',
      events: { type: 'EVENT_TYPE', items: ['user.lifecycle.create'] },
      channel: {
        type: 'HTTP',
        version: '1.0.0',
        config: { uri: `${world.hookUrl}?connection=not-ours`, headers: [] },
      },
    });
    const verified = await admin().okta<OktaBody>(
      'POST',
      `/api/v1/eventHooks/${String(foreign.body.id)}/lifecycle/verify`,
    );
    expect(verified.status).toBe(400);
    const attempts = deliveries().filter((d) => d.hookId === foreign.body.id && d.kind === 'verify');
    expect(attempts.map((d) => d.status)).toEqual([401, 401]);
  });

  it('publishes a delivery once, in the CONTRACT format, and answers 200', async () => {
    const [event] = world.sim.control.addLogEvents([{ eventType: 'user.lifecycle.create' }]);
    await waitFor(() => world.aws.eventBridge.entries().length === 1);
    const entry = world.aws.eventBridge.entries()[0];
    expect(entry).toMatchObject({
      Source: 'okta-connector',
      DetailType: 'user.lifecycle.create',
      EventBusName: 'okta-bus',
      Time: event?.published,
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({
      ...event,
      'okta-connector': { connection: 'default', trigger: 'event-hook', receivedAt: match.any(String) },
    });
    await waitFor(() => deliveries().some((d) => d.body?.data?.events?.[0]?.uuid === event?.uuid && d.status === 200));
  });

  it('does not publish twice when Okta delivers the same events again', async () => {
    const [event] = world.sim.control.addLogEvents([{ eventType: 'user.lifecycle.create' }]);
    await waitFor(() => deliveries().some((d) => d.body?.data?.events?.[0]?.uuid === event?.uuid && d.status === 200));
    const delivery = deliveries().find((d) => d.body?.data?.events?.[0]?.uuid === event?.uuid);
    const again = await admin().control<OktaBody>('POST', `/__sim/event-hooks/${hookId}/redeliver`, {
      eventId: delivery?.body?.eventId,
    });
    expect(again.body.delivered).toBe(true);
    expect(uuidCounts(world.published()).get(event?.uuid ?? '')).toBe(1);
    expect(world.aws.eventBridge.entries()).toHaveLength(1);
  });

  it('publishes once an event seen by both the hook and the poller', async () => {
    const [event] = world.sim.control.addLogEvents([{ eventType: 'user.session.start' }]);
    await waitFor(() => world.aws.eventBridge.entries().length === 1);
    const summary = await poll({}, longContext);
    expect(summary.duplicates).toBeGreaterThanOrEqual(1);
    expect(uuidCounts(world.published()).get(event?.uuid ?? '')).toBe(1);
  });

  it('answers 500 when EventBridge refuses the events, so Okta retries, and the retry publishes them once', async () => {
    // Every attempt of the first delivery fails (5 attempts); Okta's retry then goes through.
    const failedEntries = failEntriesCounted(world.aws.eventBridge, { count: 5, errorCode: 'InternalFailure' });
    const [event] = world.sim.control.addLogEvents([{ eventType: 'user.lifecycle.create' }]);
    await waitFor(() =>
      deliveries().some((d) => d.body?.data?.events?.[0]?.uuid === event?.uuid && d.attempt === 2 && d.status === 200),
    );
    const attempts = deliveries().filter((d) => d.body?.data?.events?.[0]?.uuid === event?.uuid);
    expect(attempts.map((d) => d.status)).toEqual([500, 200]);
    expect(failedEntries()).toBe(5);
    expect(uuidCounts(world.published()).get(event?.uuid ?? '')).toBe(1);
  });

  it('passes the real sample delivery through unchanged', async () => {
    const delivery = sampleDelivery();
    const response = await postToHook(delivery);
    expect(response.status).toBe(200);
    const sent = (JSON.parse(delivery) as { data: { events: unknown[] } }).data.events[0];
    const detail = world.published()[0];
    const { 'okta-connector': added, ...rest } = detail ?? {};
    expect(rest).toEqual(sent);
    expect(added).toMatchObject({ connection: 'default', trigger: 'event-hook' });
  });

  it('passes every real sample LogEvent through unchanged, a uuid repeated in the samples once', async () => {
    const folder = 'local/okta-sim/reference/samples';
    const files = [
      'from-openapi-spec/systemlog-ListLogs.json',
      'from-openapi-spec/systemlog-ListLogsWithAdditionalSecurityContext.json',
      'from-okta-developer-docs/systemlog-core.concurrency.org.limit.violation.json',
      'from-okta-developer-docs/systemlog-ratelimit-example-0-system.operation.rate_limit.violation.json',
      'from-panther-analysis/brute_force_logins.json',
      'from-panther-analysis/legit_login.json',
    ];
    const samples = recent(
      files.flatMap(
        (file) =>
          [JSON.parse(readFileSync(`${folder}/${file}`, 'utf8'))].flat() as Array<{ uuid: string; published: string }>,
      ),
    );
    const response = await postToHook(envelope(samples));
    expect(response.status).toBe(200);
    // The first event of each uuid is the one published; the samples repeat some uuids.
    const expected = new Map<string, unknown>();
    for (const event of samples) if (!expected.has(event.uuid)) expected.set(event.uuid, event);
    const published = world.published();
    expect(published).toHaveLength(expected.size);
    for (const detail of published) {
      const { 'okta-connector': _added, ...rest } = detail;
      expect(rest).toEqual(expected.get(detail.uuid as string));
    }
  });

  it('answers 401 and publishes nothing when the secret is wrong', async () => {
    const body = envelope([{ uuid: crypto.randomUUID(), published: new Date().toISOString(), eventType: 'x.y' }]);
    const response = await postToHook(body, 'not-the-secret');
    expect(response.status).toBe(401);
    expect(world.aws.eventBridge.entries()).toHaveLength(0);
  });

  it('answers 401 for a connection that does not exist', async () => {
    const response = await fetch(`${world.hookUrl}?connection=nobody`, {
      method: 'POST',
      headers: { authorization: HOOK_SECRET, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
  });

  it('reads the hook secret only from <prefix><name>/event-hook, not one left in the connection secret', async () => {
    world.aws.secrets.put('okta-connector/legacy', {
      domain: world.sim.url,
      auth: { type: 'api-token', token: world.sim.apiToken },
      eventHookSecret: 'legacy-secret-kept-in-the-connection-secret',
    });
    const body = JSON.stringify({ data: { events: [] } });
    const post = () =>
      fetch(`${world.hookUrl}?connection=legacy`, {
        method: 'POST',
        headers: { authorization: 'legacy-secret-kept-in-the-connection-secret', 'content-type': 'application/json' },
        body,
      });
    expect((await post()).status).toBe(401);
    expect(world.aws.secrets.get('okta-connector/legacy/event-hook')).toBeUndefined();
  });

  it('accepts the previous secret during a rotation', async () => {
    world.aws.secrets.put('okta-connector/rotating/event-hook', {
      eventHookSecret: 'new-secret',
      previousEventHookSecret: HOOK_SECRET,
    });
    const body = envelope([
      { uuid: crypto.randomUUID(), published: new Date().toISOString(), eventType: 'user.lifecycle.create' },
    ]);
    const response = await fetch(`${world.hookUrl}?connection=rotating`, {
      method: 'POST',
      headers: { authorization: HOOK_SECRET, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    expect(world.published()[0]?.['okta-connector']).toMatchObject({ connection: 'rotating' });
  });

  describe('with the configured connections (CONNECTIONS, as the stack sets it)', () => {
    beforeAll(() => {
      process.env.CONNECTIONS = 'default,rotating,legacy,denied';
      resetConfig();
    });
    afterAll(() => {
      delete process.env.CONNECTIONS;
      resetConfig();
    });

    it('refuses 100 requests naming unknown connections with 401 and never asks Secrets Manager', async () => {
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          fetch(`${world.hookUrl}?connection=guess-${i % 5}`, {
            method: 'POST',
            headers: { authorization: HOOK_SECRET, 'content-type': 'application/json' },
            body: '{}',
          }).then((r) => r.status),
        ),
      );
      expect(new Set(answers)).toEqual(new Set([401]));
      for (let i = 0; i < 5; i++) expect(world.aws.secrets.reads(`okta-connector/guess-${i}/event-hook`)).toBe(0);
    });

    it('answers 401 (not 500) when IAM refuses the hook secret, and asks again only after the negative window', async () => {
      world.aws.secrets.denyReads('okta-connector/denied/event-hook');
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(`${world.hookUrl}?connection=denied`, {
            method: 'POST',
            headers: { authorization: HOOK_SECRET, 'content-type': 'application/json' },
            body: '{}',
          }).then(async (r) => ({ status: r.status, body: await r.text() })),
        ),
      );
      expect(answers.every((a) => a.status === 401 && a.body === '{"error":"Not authorized"}')).toBe(true);
      expect(world.aws.secrets.reads('okta-connector/denied/event-hook')).toBe(1);
    });
  });

  it('publishes the real events of a delivery and never the forged ones beside them, not even through the poller', async () => {
    const [real] = world.sim.control.addLogEvents([{ eventType: 'user.lifecycle.create' }]);
    await waitFor(() => world.aws.eventBridge.entries().length === 1);
    world.aws.eventBridge.clear();
    const forged = [
      { uuid: crypto.randomUUID(), published: new Date().toISOString(), eventType: 'Okta Event Search Results' },
      { uuid: crypto.randomUUID(), published: '2099-01-01T00:00:00.000Z', eventType: 'user.session.start' },
      { uuid: crypto.randomUUID(), published: new Date().toISOString(), eventType: `user.${'x'.repeat(130)}` },
    ];
    const [again] = world.sim.control.addLogEvents([{ eventType: 'user.session.start' }]);
    await waitFor(() => world.aws.eventBridge.entries().length === 1);
    const response = await postToHook(envelope([...forged, real]));
    expect(response.status).toBe(200);
    await poll({}, longContext);
    const published = world.published().map((detail) => detail.uuid);
    expect(published).toEqual([again?.uuid]);
  });

  it("answers 400 to a delivery from another org's hook and publishes nothing", async () => {
    const body = JSON.parse(
      envelope([{ uuid: crypto.randomUUID(), published: new Date().toISOString(), eventType: 'user.session.start' }]),
    ) as Record<string, unknown>;
    body.source = 'https://other.okta.com/api/v1/eventHooks/who1';
    const response = await postToHook(JSON.stringify(body));
    expect(response.status).toBe(400);
    expect(world.aws.eventBridge.entries()).toHaveLength(0);
  });

  it('answers 400 to a body that is not a delivery', async () => {
    const response = await postToHook('{"data": {"events": [{"no": "uuid"}]}}');
    expect(response.status).toBe(400);
  });
});
