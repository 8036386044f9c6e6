/**
 * The event hook burst of issue 13.3, through the sandbox as the stack deploys it: every function in containers of
 * its own with the stack's reserved concurrency, the hook handing each delivery to the local SQS, the publisher run
 * by the stack's SQS event source mapping, the poller on its schedule. `deliveries` deliveries of
 * `eventsPerDelivery` events (each event also written to the simulated org's System Log, so the poller finds them
 * too) are POSTed to `EVENT_HOOK_URL` as Okta sends them: a 3 s timeout, one retry after a timeout or a 5xx,
 * none after a 4xx; `concurrent` at once, wave after wave, into hook containers started before the burst
 * (`concurrent` of them). Reported: the first answers by status and their latency, and per event whether it reached
 * the bus once, more than once, late (over 30 s after its delivery was first sent) or never.
 *
 * Why waves on this machine: each container is a Node.js process of about 90 MB that takes about a second of CPU to
 * start; 200 of them at once (what Lambda starts in parallel on its own hosts) do not fit two shared cores and
 * the memory other work needs. docs/RELIABILITY.md "Load" has the figures and what they do and do not show.
 */
import '../support/quiet-env.js';
import { startSandbox } from '../../local/sandbox.js';

export interface HookBurstResult {
  deliveries: number;
  events: number;
  /** First attempts by answer: an HTTP status, or `timeout`. */
  firstAnswers: Record<string, number>;
  /** Deliveries never answered 2xx, retry included. */
  refused: number;
  firstAttemptMs: { p50: number; p99: number; max: number };
  publishedOnce: number;
  duplicates: number;
  missing: number;
  /** Published more than 30 s after the delivery was first sent. */
  late: number;
  /** The slowest event, delivery sent to bus entry. */
  slowestMs: number;
  /** Where each event published came from: `event-hook` or `poll`. */
  byTrigger: Record<string, number>;
  /** Deliveries sent at once (a wave), and the hook containers warm before the first. */
  concurrent: number;
  warmContainers: number;
  /** The most hook containers at once. */
  hookContainers: number;
  /** From the first delivery sent to the last answer. */
  answeredMs: number;
  ms: number;
}

const LATE_MS = 30_000;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? 0;

/** Runs one burst; see the file comment. */
export async function hookBurst(
  deliveries: number,
  eventsPerDelivery: number,
  concurrent = deliveries,
): Promise<HookBurstResult> {
  const started = Date.now();
  const sandbox = await startSandbox({ env: { LOG_LEVEL: 'ERROR', LOCAL_POLL_CONNECTIONS: 'default' } });
  try {
    const sim = sandbox.sim!;
    // The tool plays Okta's deliveries itself, so the org's own hook is switched off.
    const okta = (method: string, path: string) =>
      fetch(`${sim.url}${path}`, {
        method,
        headers: { authorization: `SSWS ${sim.apiToken}`, accept: 'application/json' },
      });
    const hooks = (await (await okta('GET', '/api/v1/eventHooks')).json()) as Array<{ id: string }>;
    for (const hook of hooks) await okta('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/deactivate`);

    const batches = Array.from({ length: deliveries }, () =>
      sim.control.addLogEvents(Array.from({ length: eventsPerDelivery }, () => ({ eventType: 'user.session.start' }))),
    );
    const sentAt = new Map<string, number>();
    const seen = new Map<string, { count: number; at: number; trigger: string }>();
    const stopListening = sandbox.aws.eventBridge.onEntry((entry) => {
      const detail = JSON.parse(entry.Detail) as { uuid: string; 'okta-connector': { trigger: string } };
      const prior = seen.get(detail.uuid);
      if (prior) prior.count += 1;
      else seen.set(detail.uuid, { count: 1, at: Date.now(), trigger: detail['okta-connector'].trigger });
    });

    // Warm containers first: `concurrent` verification GETs at once start as many (each answers 400, no challenge).
    await Promise.all(
      Array.from({ length: concurrent }, () => fetch(sandbox.eventHookUrl).then((response) => response.arrayBuffer())),
    );
    const warmed = sandbox.runtime.stats().functions.find((f) => f.functionName === 'okta-connector-event-hook');
    const burstStarted = Date.now();

    const firstAnswers: Record<string, number> = {};
    const firstAttempt: number[] = [];
    const deliver = async (events: (typeof batches)[number], i: number): Promise<boolean> => {
      const body = JSON.stringify({
        eventType: 'com.okta.event_hook',
        eventTypeVersion: '1.0',
        cloudEventsVersion: '0.1',
        source: `${sim.url}/api/v1/eventHooks/whoBurst${i}`,
        eventId: crypto.randomUUID(),
        eventTime: new Date().toISOString(),
        contentType: 'application/json',
        data: { events },
      });
      const first = Date.now();
      for (const event of events) sentAt.set(event.uuid, first);
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        const sent = Date.now();
        const status = await fetch(sandbox.eventHookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: sandbox.eventHookSecret },
          body,
          signal: AbortSignal.timeout(3_000),
        }).then(
          async (response) => {
            await response.arrayBuffer();
            return response.status;
          },
          () => 0,
        );
        if (attempt === 1) {
          firstAttempt.push(Date.now() - sent);
          const answer = status === 0 ? 'timeout' : String(status);
          firstAnswers[answer] = (firstAnswers[answer] ?? 0) + 1;
        }
        if (status >= 200 && status < 300) return true;
        if (status >= 400 && status < 500) return false;
      }
      return false;
    };
    const answered: boolean[] = [];
    for (let wave = 0; wave < batches.length; wave += concurrent) {
      const slice = batches.slice(wave, wave + concurrent);
      answered.push(...(await Promise.all(slice.map((events, i) => deliver(events, wave + i)))));
    }
    const answeredMs = Date.now() - burstStarted;

    const all = batches.flat();
    const deadline = Date.now() + LATE_MS + 5_000;
    while (all.some((event) => !seen.has(event.uuid)) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    // A moment more, for a duplicate that would come after the last first copy.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    stopListening();

    const byTrigger: Record<string, number> = {};
    let late = 0;
    let slowestMs = 0;
    for (const event of all) {
      const hit = seen.get(event.uuid);
      if (!hit) continue;
      byTrigger[hit.trigger] = (byTrigger[hit.trigger] ?? 0) + 1;
      const ms = hit.at - (sentAt.get(event.uuid) ?? hit.at);
      slowestMs = Math.max(slowestMs, ms);
      if (ms > LATE_MS) late += 1;
    }
    const sorted = [...firstAttempt].sort((a, b) => a - b);
    const hook = sandbox.runtime.stats().functions.find((f) => f.functionName === 'okta-connector-event-hook');
    return {
      deliveries,
      events: all.length,
      firstAnswers,
      refused: answered.filter((ok) => !ok).length,
      firstAttemptMs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0 },
      publishedOnce: all.filter((event) => seen.get(event.uuid)?.count === 1).length,
      duplicates: all.filter((event) => (seen.get(event.uuid)?.count ?? 0) > 1).length,
      missing: all.filter((event) => !seen.has(event.uuid)).length,
      late,
      slowestMs,
      byTrigger,
      concurrent,
      warmContainers: warmed?.containers.length ?? 0,
      hookContainers: hook?.containers.length ?? 0,
      answeredMs,
      ms: Date.now() - started,
    };
  } finally {
    await sandbox.stop();
  }
}

/** The burst as one line of `npm run soak -- --load`. */
export function hookBurstLine(r: HookBurstResult): string {
  return (
    `event hook burst: ${r.deliveries} deliveries of ${r.events / r.deliveries} events, ${r.concurrent} at once, through the isolated runtime ` +
    `(${r.warmContainers} hook containers warm before, ${r.hookContainers} after), all answered in ${(r.answeredMs / 1000).toFixed(1)} s: ` +
    `first answers ${JSON.stringify(r.firstAnswers)}, ${r.refused} never 2xx; ` +
    `first answer p50 ${r.firstAttemptMs.p50} ms, p99 ${r.firstAttemptMs.p99} ms, max ${r.firstAttemptMs.max} ms; ` +
    `events published once ${r.publishedOnce}, duplicates ${r.duplicates}, missing ${r.missing}, later than 30 s ${r.late} ` +
    `(slowest ${(r.slowestMs / 1000).toFixed(1)} s; by ${JSON.stringify(r.byTrigger)})`
  );
}
