/**
 * A small targeted measurement, not part of `npm run bench`: how long an event takes from Okta's System Log to the
 * bus through the event hook, in the sandbox as the stack deploys it (every function in its own containers, the
 * simulated org delivering to the hook as Okta does). `--mode queue` (the default: the delivery's checked events are
 * queued and published) or `--mode verified` (the delivery only wakes a coalesced poll; the events come from the
 * poll). One event at a time, `--samples` times (20 by default) after 3 unmeasured warm-ups; prints p50, p95, max
 * and which trigger published each event.
 *
 *   npx tsx bench/hook-latency.ts --mode verified
 */
import { parseArgs } from 'node:util';
import { startSandbox } from '../local/sandbox.js';

const { values } = parseArgs({
  options: { mode: { type: 'string', default: 'queue' }, samples: { type: 'string', default: '20' } },
});
const MODE = values.mode === 'verified' ? 'verified' : 'queue';
const SAMPLES = Number(values.samples);

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const sandbox = await startSandbox({ env: { LOG_LEVEL: 'ERROR', LOCAL_EVENT_HOOK_MODE: MODE } });
const sim = sandbox.sim!;
const arrived = new Map<string, { at: number; trigger: string }>();
sandbox.aws.eventBridge.onEntry((entry) => {
  const detail = JSON.parse(entry.Detail) as { uuid: string; 'okta-connector': { trigger: string } };
  if (!arrived.has(detail.uuid))
    arrived.set(detail.uuid, { at: Date.now(), trigger: detail['okta-connector'].trigger });
});

const measured: number[] = [];
const triggers: Record<string, number> = {};
for (let i = 0; i < SAMPLES + 3; i += 1) {
  const started = Date.now();
  const [event] = sim.control.addLogEvents([{ eventType: 'user.session.start' }]);
  while (!arrived.has(event!.uuid) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 5));
  const hit = arrived.get(event!.uuid);
  if (i >= 3 && hit) {
    measured.push(hit.at - started);
    triggers[hit.trigger] = (triggers[hit.trigger] ?? 0) + 1;
  }
  await new Promise((r) => setTimeout(r, 200));
}
await sandbox.stop();

const sorted = [...measured].sort((a, b) => a - b);
const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? 0;
console.log(
  `event hook, ${MODE} mode: ${sorted.length} of ${SAMPLES} events on the bus; System Log to bus p50 ${at(0.5)} ms, ` +
    `p95 ${at(0.95)} ms, max ${sorted.at(-1) ?? 0} ms; published by ${JSON.stringify(triggers)}`,
);
