/**
 * Counters that let a fault test assert its fault fired: a test that injects a fault and checks only that the
 * connector coped would also pass if the fault never reached the connector.
 */
import { eventBridge } from '../../functions/lib/aws-clients.js';
import type { FailEntriesOptions, LocalAws } from '../../local/aws/index.js';
import type { Fault, OktaSim } from '../../local/okta-sim/index.js';

/** How many times the simulated org's fault `fault` has fired so far. */
export function timesFired(sim: OktaSim, fault: Fault): number {
  return sim.control.faults().find((f) => f.id === fault.id)?.fired ?? 0;
}

/** Arms the local EventBridge's `failEntries`; returns how many entries it has failed so far. */
export function failEntriesCounted(
  bus: LocalAws['eventBridge'],
  options: Omit<FailEntriesOptions, 'match'> = {},
): () => number {
  let failed = 0;
  bus.failEntries({
    ...options,
    match: () => {
      // Called only while the rule is armed, and each true answer fails the entry.
      failed += 1;
      return true;
    },
  });
  return () => failed;
}

type Handler = (args: { input: unknown }) => Promise<unknown>;
/** An AWS SDK middleware, typed loosely: the SDK's overloads type each step apart. */
export type Middleware = (next: Handler, context: { commandName?: string }) => Handler;
interface Stacked {
  middlewareStack: { add(middleware: never, options: never): void };
}

/** Adds a middleware to an AWS SDK client at any step. */
export function addMiddleware(
  client: object,
  middleware: Middleware,
  options: { step: string; priority: string; name?: string },
): void {
  (client as Stacked).middlewareStack.add(middleware as never, options as never);
}

/**
 * Counts the `ThrottlingException` answers the connector's own EventBridge client receives (each attempt, the SDK's
 * retries included). Call it after the world's `resetAwsClients()`, so it counts on the client the connector uses.
 */
export function countEventBridgeThrottles(client: object = eventBridge()): () => number {
  let throttles = 0;
  addMiddleware(
    client,
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if ((error as Error).name === 'ThrottlingException') throttles += 1;
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low' },
  );
  return () => throttles;
}
