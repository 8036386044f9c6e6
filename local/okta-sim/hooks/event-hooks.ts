/**
 * Event hooks of the simulated Okta org: the `/api/v1/eventHooks` API (`event-hooks-api.ts`), the verification
 * GET and the delivery of System Log events (`event-hooks-delivery.ts`). Events of a hook's subscribed types that
 * happen within a short window go out together in one POST (EH: "Events that occur within a short time of each
 * other are amalgamated in the array"); only ACTIVE and VERIFIED hooks receive any.
 */
import { createEventHookApiRoutes, type StoredEventHook } from './event-hooks-api.js';
import {
  buildEnvelope,
  createSender,
  type EventHookDelivery,
  type EventHookEnvelope,
  type HookTarget,
} from './event-hooks-delivery.js';
import type { LogEventLike, Route, SimOrgServices } from '../types.js';

export type { EventHookDelivery, EventHookEnvelope } from './event-hooks-delivery.js';

export interface EventHooksOptions {
  /** How long events are gathered into one delivery, from the first one (default 50 ms). */
  batchWindowMs?: number;
  /** How long a receiver has to answer (default 3000 ms, as Okta). */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export interface EventHooks {
  /** The `/api/v1/eventHooks` routes and the `/__sim/hook-deliveries`, `/__sim/event-hooks/:id/redeliver` ones. */
  routes: Route[];
  /** Every attempt so far (verification GETs and event POSTs), oldest first. */
  deliveries(): EventHookDelivery[];
  /** Sends what is waiting in a batch window now, and resolves when every delivery has finished. */
  flush(): Promise<void>;
  /** Stops listening, clears the timers and aborts requests still in flight. */
  close(): Promise<void>;
}

interface PendingBatch {
  events: LogEventLike[];
  timer: NodeJS.Timeout;
}

/** Creates the event hook API and delivery; its routes are composed into the simulator's router. */
export function createEventHooks(services: SimOrgServices, options: EventHooksOptions = {}): EventHooks {
  const batchWindowMs = options.batchWindowMs ?? 50;
  const hooks = new Map<string, StoredEventHook>();
  const pending = new Map<string, PendingBatch>();
  const inFlight = new Set<Promise<unknown>>();
  const closing = new AbortController();
  const sender = createSender({
    timeoutMs: options.timeoutMs ?? 3000,
    clock: services.clock,
    fetch: options.fetch ?? globalThis.fetch,
    closed: closing.signal,
  });

  const targetOf = (hook: StoredEventHook): HookTarget => {
    const headers: Record<string, string> = {};
    for (const { key, value } of hook.channel.config.headers) headers[key.toLowerCase()] = value;
    const scheme = hook.channel.config.authScheme;
    if (scheme?.value !== undefined) headers[scheme.key.toLowerCase()] = scheme.value;
    return { hookId: hook.id, uri: hook.channel.config.uri, headers };
  };
  const receives = (hook: StoredEventHook | undefined): hook is StoredEventHook =>
    hook !== undefined && hook.status === 'ACTIVE' && hook.verificationStatus === 'VERIFIED';

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  };

  const deliver = async (hook: StoredEventHook, envelope: EventHookEnvelope): Promise<boolean> => {
    const delivered = await sender.deliver(targetOf(hook), envelope);
    if (!delivered && !closing.signal.aborted) {
      // EH: failures "are logged as event_hook.delivery System Log events".
      services.appendLogEvent({
        eventType: 'event_hook.delivery',
        displayMessage: 'Event hook delivery',
        severity: 'WARN',
        outcome: { result: 'FAILURE', reason: 'Event hook delivery failed' },
        target: [{ id: hook.id, type: 'EventHook', alternateId: hook.name, displayName: hook.name, detailEntry: null }],
      });
    }
    return delivered;
  };

  const sendBatch = (hookId: string): void => {
    const batch = pending.get(hookId);
    pending.delete(hookId);
    if (!batch) return;
    clearTimeout(batch.timer);
    const hook = hooks.get(hookId);
    if (!receives(hook)) return;
    const envelope = buildEnvelope(services.baseUrl(), hook.id, batch.events, services.clock.now());
    void track(deliver(hook, envelope));
  };

  const unsubscribe = services.onLogEvent((event) => {
    for (const hook of hooks.values()) {
      if (!receives(hook) || !hook.events.items.includes(event.eventType)) continue;
      const batch = pending.get(hook.id);
      if (batch) batch.events.push(event);
      else pending.set(hook.id, { events: [event], timer: setTimeout(() => sendBatch(hook.id), batchWindowMs) });
    }
  });

  const apiRoutes = createEventHookApiRoutes({
    services,
    hooks,
    verify: (hook) => track(sender.verify(targetOf(hook))),
  });

  const controlRoutes: Route[] = [
    {
      method: 'GET',
      pattern: '/__sim/hook-deliveries',
      handler: (req) => {
        const hookId = req.query.get('hookId');
        const all = sender.deliveries();
        return { status: 200, body: hookId === null ? all : all.filter((item) => item.hookId === hookId) };
      },
    },
    {
      // Okta delivers "at least once": a test can make a hook receive a delivery it already had, again.
      method: 'POST',
      pattern: '/__sim/event-hooks/:id/redeliver',
      handler: async (req, params) => {
        const hook = hooks.get(params.id ?? '');
        const eventId = (req.body as { eventId?: unknown } | undefined)?.eventId;
        const original = sender
          .deliveries()
          .find((item) => item.hookId === params.id && item.kind === 'deliver' && item.body?.eventId === eventId);
        if (!hook || !original?.body)
          return { status: 404, body: { error: `no delivery ${String(eventId)} to hook ${params.id ?? ''}` } };
        const delivered = await track(deliver(hook, original.body));
        return { status: 200, body: { eventId, delivered } };
      },
    },
  ];

  return {
    routes: [...apiRoutes, ...controlRoutes],
    deliveries: () => sender.deliveries(),
    async flush() {
      for (const hookId of [...pending.keys()]) sendBatch(hookId);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      unsubscribe();
      for (const batch of pending.values()) clearTimeout(batch.timer);
      pending.clear();
      closing.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}
