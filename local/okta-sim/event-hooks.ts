/**
 * Event hooks of the simulated Okta org: the `/api/v1/eventHooks` API, the verification GET and the delivery of
 * System Log events as Okta does it.
 */
import type { Route, SimOrgServices } from './types.js';

/** One attempt to deliver (or verify) an event hook, as the receiver saw it. */
export interface EventHookDelivery {
  hookId: string;
  uri: string;
  /** 'verify' for the one-time GET challenge, 'deliver' for a POST of events. */
  kind: 'verify' | 'deliver';
  headers: Record<string, string>;
  /** The body sent (the envelope for a delivery), undefined for the verification GET. */
  body: unknown;
  /** 1 for the first attempt, 2 for the retry. */
  attempt: number;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** 'timeout' or the network error, when it did not answer. */
  error?: string;
  /** When the attempt started, ISO 8601 on the sim clock. */
  time: string;
}

export interface EventHooks {
  routes: Route[];
  deliveries(): EventHookDelivery[];
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the event hook API and delivery; its routes are composed into the simulator's router. */
export function createEventHooks(_services: SimOrgServices): EventHooks {
  return {
    routes: [],
    deliveries: () => [],
    flush: async () => undefined,
    close: async () => undefined,
  };
}
