/**
 * Probe: one warm event hook function taking deliveries of real-sized events, as Okta sends them, one at a time
 * (one Lambda instance handles one request at a time). Reports the time to answer each delivery.
 */
import { pathToFileURL } from 'node:url';
import { probeArgs, reportResult } from '../child-process.js';
import { peakRssBytes } from '../peak-rss.js';
import { functionUrlEvent, lambdaContext } from '../lambda-invocation.js';
import { eventTemplates, hookDelivery, realSizedEvents } from '../sample-events.js';

interface Args {
  bundle: string;
  authorization: string;
  eventsPerDelivery: number;
  warmup: number;
  deliveries: number;
  repoRoot: string;
}

export interface EventHookIngestResult {
  answerMs: number[];
  refused: number;
  firstRefusal?: string;
  peakRssBytes: number;
  bodyBytes: number;
}

const args = probeArgs<Args>();
const module = (await import(pathToFileURL(args.bundle).href)) as {
  handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body?: string }>;
};
const templates = eventTemplates(args.repoRoot);
const result: EventHookIngestResult = { answerMs: [], refused: 0, peakRssBytes: 0, bodyBytes: 0 };

async function deliver(record: boolean): Promise<void> {
  const body = hookDelivery(realSizedEvents(args.eventsPerDelivery, templates));
  result.bodyBytes = Buffer.byteLength(body);
  const event = functionUrlEvent('POST', { authorization: args.authorization }, body);
  const started = performance.now();
  let answer: { statusCode: number; body?: string };
  try {
    answer = await module.handler(event, lambdaContext('event-hook'));
  } catch (error) {
    answer = { statusCode: 500, body: `${(error as Error).name}: ${(error as Error).message}` };
  }
  const ms = performance.now() - started;
  if (answer.statusCode >= 300) {
    result.refused += 1;
    result.firstRefusal ??= `${answer.statusCode} ${String(answer.body ?? '').slice(0, 200)}`;
  }
  if (record) result.answerMs.push(ms);
}

for (let i = 0; i < args.warmup; i++) await deliver(false);
for (let i = 0; i < args.deliveries; i++) await deliver(true);
result.peakRssBytes = peakRssBytes();
reportResult(result);
process.exit(0);
