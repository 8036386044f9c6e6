/**
 * The wire the trigger tests run on: the simulated Okta org over HTTP, dynalite, the local EventBridge and Secrets
 * Manager endpoints reached by the real AWS SDK clients through `AWS_ENDPOINT_URL_*`, and the event hook handler
 * served over HTTP as a Lambda Function URL would serve it (payload 2.0), so the sim's own deliveries reach it.
 */
import { logger } from '../../../functions/lib/observability.js';
import type { LocalAws } from '../../../local/aws/index.js';
import type { OktaSim, StartOktaSimOptions } from '../../../local/okta-sim/index.js';
import { startWorld as startTestWorld } from '../../support/world.js';

export const HOOK_SECRET = 'hook-secret-0123456789';
export const TABLE_NAME = 'okta-connector-test';
export const BUS_NAME = 'okta-bus';

export interface TriggerWorld {
  sim: OktaSim;
  aws: LocalAws;
  /** The event hook's URL (default connection). */
  hookUrl: string;
  /** The published Detail objects, oldest first. */
  published(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Starts the sim, the local AWS endpoints and the hook receiver, and points the connector's settings at them. */
export async function startWorld(simOptions: StartOktaSimOptions = {}): Promise<TriggerWorld> {
  const world = await startTestWorld({
    sim: { seed: 'empty', rateLimits: false, ...simOptions },
    table: TABLE_NAME,
    bus: BUS_NAME,
    connections: { default: { eventHookSecret: HOOK_SECRET } },
    env: { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    eventHook: true,
  });
  // The functions' one log line per run would drown the test output.
  logger.setLogLevel('SILENT');
  return { ...world, hookUrl: world.hookUrl! };
}

/** A Lambda context whose remaining time is whatever `remaining()` says. */
export function contextWith(remaining: () => number): { getRemainingTimeInMillis(): number } {
  return { getRemainingTimeInMillis: remaining };
}

/** A Lambda context with plenty of time. */
export const longContext = contextWith(() => 600_000);

/** Waits until `check` returns true (polling every 20 ms), or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('waitFor: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Counts of each uuid among published Details. */
export function uuidCounts(details: Array<Record<string, unknown>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const detail of details) counts.set(detail.uuid as string, (counts.get(detail.uuid as string) ?? 0) + 1);
  return counts;
}
