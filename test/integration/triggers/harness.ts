/**
 * The wire the trigger tests run on: the simulated Okta org over HTTP, dynalite, the local EventBridge and Secrets
 * Manager endpoints reached by the real AWS SDK clients through `AWS_ENDPOINT_URL_*`, and the event hook handler
 * served over HTTP as a Lambda Function URL would serve it (payload 2.0), so the sim's own deliveries reach it.
 */
import { resetAwsClients } from '../../../functions/lib/aws-clients.js';
import { resetConfig } from '../../../functions/lib/config.js';
import { clearConnectionCache } from '../../../functions/lib/connections.js';
import { logger } from '../../../functions/lib/observability.js';
import { serveEventHook } from '../../support/serve-event-hook.js';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';
import { startOktaSim, type OktaSim, type StartOktaSimOptions } from '../../../local/okta-sim/index.js';

export const hookSecret = 'hook-secret-0123456789';
export const tableName = 'okta-connector-test';
export const busName = 'okta-bus';

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
  const sim = await startOktaSim({ seed: 'empty', rateLimits: false, ...simOptions });
  const aws = await startLocalAws();
  Object.assign(process.env, aws.env(), {
    TABLE_NAME: tableName,
    EVENT_BUS_NAME: busName,
    ALLOW_INSECURE_LOCAL_OKTA: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  // The functions' one log line per run would drown the test output.
  logger.setLogLevel('SILENT');
  resetConfig();
  resetAwsClients();
  clearConnectionCache();
  await aws.createTable(tableName);
  aws.secrets.put('okta-connector/default', {
    domain: sim.url,
    auth: { type: 'api-token', token: sim.apiToken },
    eventHookSecret: hookSecret,
  });
  const receiver = await serveEventHook();
  return {
    sim,
    aws,
    hookUrl: receiver.url,
    published: () => aws.eventBridge.entries().map((entry) => JSON.parse(entry.Detail) as Record<string, unknown>),
    async close() {
      await sim.close();
      await new Promise<void>((resolve) => {
        receiver.server.close(() => resolve());
        receiver.server.closeAllConnections();
      });
      resetAwsClients();
      await aws.close();
    },
  };
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
