/**
 * Probe run in a fresh `node` process: loads one function bundle, answers one invocation, and reports the time of
 * each step and the memory after each. Without a bundle it reports a bare Node process (the baseline).
 */
import { pathToFileURL } from 'node:url';
import { probeArgs, reportResult } from '../child-process.js';
import { peakRssBytes } from '../peak-rss.js';
import { functionUrlEvent, lambdaContext } from '../lambda-invocation.js';
import { eventTemplates, hookDelivery, realSizedEvents } from '../sample-events.js';

interface Args {
  bundle?: string;
  functionName: string;
  event?: unknown;
  /** Instead of `event`: an event hook delivery of this many real-sized events, built here (too big for argv). */
  hookDelivery?: { events: number; authorization: string; repoRoot: string };
}

export interface ColdStartResult {
  loadMs: number;
  invokeMs: number;
  rssAfterLoadBytes: number;
  peakRssBytes: number;
  /** The error's name (its CONTRACT type for the connector) when the invocation failed. */
  error?: string;
  errorMessage?: string;
  /** Node's own start, before the probe ran (from process start to the probe's first line). */
  nodeStartMs: number;
}

const nodeStartMs = performance.now();
const args = probeArgs<Args>();
const result: ColdStartResult = { loadMs: 0, invokeMs: 0, rssAfterLoadBytes: 0, peakRssBytes: 0, nodeStartMs };
const delivery = args.hookDelivery;
const event = delivery
  ? functionUrlEvent(
      'POST',
      { authorization: delivery.authorization },
      hookDelivery(realSizedEvents(delivery.events, eventTemplates(delivery.repoRoot))),
    )
  : args.event;

if (args.bundle) {
  const loadStarted = performance.now();
  const module = (await import(pathToFileURL(args.bundle).href)) as {
    handler: (event: unknown, context: unknown) => Promise<unknown>;
  };
  result.loadMs = performance.now() - loadStarted;
  result.rssAfterLoadBytes = process.memoryUsage().rss;
  const invokeStarted = performance.now();
  try {
    const answer = await module.handler(event, lambdaContext(args.functionName));
    // A Function URL handler answers failures with a status instead of throwing.
    const status = (answer as { statusCode?: number } | undefined)?.statusCode;
    if (status !== undefined && status >= 400) {
      result.error = `HTTP ${status}`;
      // An HTML page (the OAuth functions) is reduced to its title.
      const body = String((answer as { body?: string }).body ?? '');
      result.errorMessage = (/<title>([^<]*)<\/title>/i.exec(body)?.[1] ?? body).slice(0, 300);
    }
  } catch (error) {
    result.error = (error as Error).name;
    result.errorMessage = String((error as Error).message).slice(0, 300);
  }
  result.invokeMs = performance.now() - invokeStarted;
} else {
  result.rssAfterLoadBytes = process.memoryUsage().rss;
}
result.peakRssBytes = peakRssBytes();
reportResult(result);
// A function may leave sockets open (keep-alive); the probe is done.
process.exit(0);
