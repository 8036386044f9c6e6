// The System Log's two kinds of query: polling (persistence order, endless next links) and bounded (published order).
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startOktaSim, type OktaSim } from '../../local/okta-sim/index.js';

const START = Date.parse('2026-03-01T12:00:00.000Z');
let sim: OktaSim;

interface Page {
  events: Array<{ uuid: string; eventType: string; published: string }>;
  next?: string;
}

async function get(url: string): Promise<Page> {
  const response = await fetch(url, { headers: { authorization: `SSWS ${sim.apiToken}` } });
  if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`);
  const links = response.headers.get('link') ?? '';
  const next = /<([^>]+)>; rel="next"/.exec(links)?.[1];
  return { events: (await response.json()) as Page['events'], ...(next ? { next } : {}) };
}

const iso = (ms: number) => new Date(ms).toISOString();

beforeEach(async () => {
  await sim?.close();
  sim = await startOktaSim({ seed: 'empty', clock: START });
});

afterAll(async () => {
  await sim.close();
});

describe('polling queries', () => {
  it('return a next link even when the page is empty', async () => {
    const page = await get(`${sim.url}/api/v1/logs?since=${iso(sim.clock.now())}`);
    expect(page.events).toEqual([]);
    expect(page.next).toContain('after=');
  });

  it('pick up from the next link the events appended since', async () => {
    const first = await get(`${sim.url}/api/v1/logs?since=${iso(sim.clock.now() - 1000)}`);
    sim.control.addLogEvents([{ eventType: 'user.lifecycle.create' }]);
    const second = await get(first.next as string);
    expect(second.events.map((event) => event.eventType)).toEqual(['user.lifecycle.create']);
  });

  it('see a late event whose published time is before the cursor', async () => {
    const first = await get(`${sim.url}/api/v1/logs?since=${iso(sim.clock.now() - 60_000)}`);
    sim.clock.advance(10 * 60_000);
    const [late] = sim.control.addLogEvents([{ eventType: 'user.session.start', published: iso(START - 30_000) }]);
    const second = await get(first.next as string);
    expect(second.events.map((event) => event.uuid)).toEqual([late?.uuid]);
  });

  it('keep persistence order even when published times are out of order', async () => {
    sim.control.addLogEvents([
      { eventType: 'user.lifecycle.create', published: iso(START - 1000) },
      { eventType: 'user.lifecycle.activate', published: iso(START - 5000) },
    ]);
    const page = await get(`${sim.url}/api/v1/logs?since=${iso(START - 10_000)}`);
    expect(page.events.map((event) => event.eventType)).toEqual(['user.lifecycle.create', 'user.lifecycle.activate']);
  });

  it('page through a backlog in limit-sized pages without losing or repeating an event', async () => {
    const added = sim.control.addLogEvents(Array.from({ length: 250 }, () => ({ eventType: 'user.session.start' })));
    const seen: string[] = [];
    let url: string | undefined = `${sim.url}/api/v1/logs?since=${iso(START - 1000)}&limit=100`;
    for (let pages = 0; pages < 4 && url; pages++) {
      const page: Page = await get(url);
      seen.push(...page.events.map((event) => event.uuid));
      url = page.next;
    }
    expect(seen).toEqual(added.map((event) => event.uuid));
  });
});

describe('bounded queries', () => {
  it('order events by published time', async () => {
    sim.control.addLogEvents([
      { eventType: 'b', published: iso(START - 1000) },
      { eventType: 'a', published: iso(START - 5000) },
    ]);
    const page = await get(`${sim.url}/api/v1/logs?since=${iso(START - 10_000)}&until=${iso(START)}`);
    expect(page.events.map((event) => event.eventType)).toEqual(['a', 'b']);
  });

  it('miss a late event that lands in a window already read, which polling still returns', async () => {
    const poll = await get(`${sim.url}/api/v1/logs?since=${iso(START - 60_000)}`);
    await get(`${sim.url}/api/v1/logs?since=${iso(START - 60_000)}&until=${iso(START)}`);
    sim.clock.advance(60_000);
    const [late] = sim.control.addLogEvents([{ eventType: 'late', published: iso(START - 30_000) }]);
    const nextWindow = await get(`${sim.url}/api/v1/logs?since=${iso(START)}&until=${iso(START + 60_000)}`);
    const polled = await get(poll.next as string);
    expect(nextWindow.events).toEqual([]);
    expect(polled.events.map((event) => event.uuid)).toEqual([late?.uuid]);
  });

  it('end without a next link after the last page', async () => {
    sim.control.addLogEvents([
      { eventType: 'one', published: iso(START - 1000) },
      { eventType: 'two', published: iso(START - 500) },
    ]);
    const first = await get(`${sim.url}/api/v1/logs?since=${iso(START - 60_000)}&until=${iso(START)}&limit=1`);
    const second = await get(first.next as string);
    expect([first.events[0]?.eventType, second.events[0]?.eventType, second.next]).toEqual(['one', 'two', undefined]);
  });

  it('filter by event type, outcome and client IP', async () => {
    sim.control.generateSignIns({
      count: 40,
      since: START - 3600_000,
      until: START,
      ipAddresses: ['184.73.186.14', '81.2.69.160'],
      failureRate: 0.5,
    });
    const filter = encodeURIComponent(
      'eventType eq "user.session.start" and client.ipAddress eq "184.73.186.14" and outcome.result eq "FAILURE"',
    );
    const page = await get(
      `${sim.url}/api/v1/logs?since=${iso(START - 3600_000)}&until=${iso(START + 1)}&filter=${filter}&limit=1000`,
    );
    const expected = sim.org
      .logEvents()
      .filter(
        (event) =>
          (event.client as { ipAddress: string }).ipAddress === '184.73.186.14' &&
          (event.outcome as { result: string }).result === 'FAILURE',
      );
    expect(page.events.map((event) => event.uuid).sort()).toEqual(expected.map((event) => event.uuid).sort());
  });

  it('leave out events older than 90 days', async () => {
    sim.control.addLogEvents([{ eventType: 'ancient', published: iso(START - 91 * 86_400_000) }]);
    const page = await get(`${sim.url}/api/v1/logs?since=${iso(START - 100 * 86_400_000)}&until=${iso(START)}`);
    expect(page.events).toEqual([]);
  });

  it('match q keywords anywhere in the event', async () => {
    sim.control.addLogEvents([
      { eventType: 'user.session.start', displayMessage: 'Needle in a haystack' },
      { eventType: 'user.session.start' },
    ]);
    const page = await get(`${sim.url}/api/v1/logs?since=${iso(START - 1000)}&until=${iso(START + 1000)}&q=needle`);
    expect(page.events.length).toBe(1);
  });
});
