import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm start` as a user runs it, in a child process, with the schedules fast.
let child: ChildProcess;
let lines: string[] = [];
let readyMs = 0;
let urls: Record<string, string> = {};
let exitCode: Promise<number | null>;

beforeAll(async () => {
  const started = Date.now();
  child = spawn('npm', ['start', '--silent'], {
    env: {
      ...process.env,
      PORT: '0',
      LOCAL_SCHEDULE_SECONDS: '1',
      OKTA_ORG_URL: '',
      OKTA_CONNECTOR_SANDBOX_FILE: `${tmpdir()}/okta-connector-start-test-${process.pid}.json`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exitCode = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      lines = buffer.split('\n').filter(Boolean);
      if (lines.includes('READY')) resolve();
    });
    child.once('exit', () => reject(new Error(`npm start exited before READY:\n${stderr}`)));
  });
  readyMs = Date.now() - started;
  urls = Object.fromEntries(
    lines.filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}, 40_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

interface BusEntry {
  DetailType: string;
  Detail: string;
}

const eventsFor = async (login: string, type: string) => {
  const entries = (await (await fetch(urls.EVENTS_URL as string)).json()) as BusEntry[];
  return entries
    .filter((e) => e.DetailType === type)
    .map(
      (e) =>
        JSON.parse(e.Detail) as {
          uuid: string;
          target?: Array<{ alternateId?: string }>;
          'okta-connector': { trigger: string };
        },
    )
    .filter((d) => d.target?.some((t) => t.alternateId === login));
};

describe('npm start', () => {
  it('prints the CONTRACT lines, then READY, within 30 seconds', () => {
    expect(lines.slice(0, 8).map((l) => l.split('=')[0])).toEqual([
      'OKTA_ORG_URL',
      'OKTA_API_TOKEN',
      'ACTIONS_URL',
      'EVENT_HOOK_URL',
      'EVENTS_URL',
      'LAMBDA_URL',
      'EVENT_HOOK_SECRET',
      'READY',
    ]);
    expect(urls.LAMBDA_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(urls.EVENT_HOOK_SECRET).toMatch(/^\S{16,}$/);
    expect(urls.OKTA_ORG_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(urls.OKTA_API_TOKEN).toMatch(/^\S{20,}$/);
    expect(readyMs).toBeLessThan(30_000);
  });

  it('serves the simulated org with the printed token', async () => {
    const response = await fetch(`${urls.OKTA_ORG_URL}/api/v1/users/me`, {
      headers: { authorization: `SSWS ${urls.OKTA_API_TOKEN}`, accept: 'application/json' },
    });

    expect(response.status).toBe(200);
  });

  it('runs an action on the kms connection, whose client assertion the local KMS signs (issue 16 part 4)', async () => {
    const response = await fetch(`${urls.ACTIONS_URL}/actions/get-user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'admin@okta-sim.example.com', connection: 'kms' }),
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { profile: { login: string } }).profile.login).toBe(
      'admin@okta-sim.example.com',
    );
  });

  it('runs an action that changes the org, and its System Log event reaches EVENTS_URL once, through the hook', async () => {
    // The poller runs every second here, so it can now and then read an event before the hook's delivery is
    // queued and published (the dedupe then keeps the poller's copy, as in AWS); the first delivery also
    // cold-starts the hook and the publisher. Up to six users are created, one at a time, until one event came
    // through the hook; every one of them must be on the bus exactly once.
    const logins: string[] = [];
    let trigger = '';
    for (let attempt = 0; attempt < 6 && trigger !== 'event-hook'; attempt++) {
      const login = `start-test-${Date.now()}@example.com`;
      logins.push(login);
      const response = await fetch(`${urls.ACTIONS_URL}/actions/create-user`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ profile: { login, email: login, firstName: 'Start', lastName: 'Test' } }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { profile: { login: string } }).profile.login).toBe(login);
      const deadline = Date.now() + 10_000;
      while ((await eventsFor(login, 'user.lifecycle.create')).length === 0 && Date.now() < deadline) await sleep(100);
      trigger = (await eventsFor(login, 'user.lifecycle.create'))[0]?.['okta-connector'].trigger ?? '';
    }
    // Give the poller three more runs to (wrongly) publish the same events again.
    await sleep(3_500);

    expect(trigger).toBe('event-hook');
    for (const login of logins) expect(await eventsFor(login, 'user.lifecycle.create')).toHaveLength(1);
  }, 90_000);

  it('takes a delivery sent to EVENT_HOOK_URL with the printed EVENT_HOOK_SECRET, as Okta sends one, and refuses it without', async () => {
    const uuid = randomUUID();
    const delivery = JSON.stringify({
      eventType: 'com.okta.event_hook',
      source: `${urls.OKTA_ORG_URL}/api/v1/eventHooks/whoStartTest1`,
      eventTypeVersion: '1.0',
      cloudEventsVersion: '0.1',
      eventId: uuid,
      eventTime: new Date().toISOString(),
      contentType: 'application/json',
      data: { events: [{ uuid, eventType: 'user.session.start', published: new Date().toISOString(), version: '0' }] },
    });
    const send = (authorization?: string) =>
      fetch(urls.EVENT_HOOK_URL as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: delivery,
      });

    expect(urls.EVENT_HOOK_SECRET).toMatch(/^\S{20,}$/);
    expect((await send()).status).toBe(401);
    expect((await send(urls.EVENT_HOOK_SECRET)).status).toBe(200);
    // Acknowledged once queued; the publisher function puts it on the bus a moment later.
    const published = async () =>
      ((await (await fetch(urls.EVENTS_URL as string)).json()) as BusEntry[]).filter(
        (e) => (JSON.parse(e.Detail) as { uuid: string }).uuid === uuid,
      );
    const deadline = Date.now() + 10_000;
    while ((await published()).length === 0 && Date.now() < deadline) await sleep(100);
    expect(await published()).toHaveLength(1);
  });

  it('stops on SIGINT with exit code 0 and leaves no port open', async () => {
    child.kill('SIGINT');

    expect(await exitCode).toBe(0);
    for (const url of [urls.OKTA_ORG_URL, urls.ACTIONS_URL, urls.EVENTS_URL]) {
      await expect(fetch(url as string)).rejects.toThrow();
    }
  }, 15_000);
});

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
