/**
 * What the event hook accepts from an authenticated delivery (docs/TRIGGERS.md "What a delivery may carry"). The
 * hook secret proves who sent a request, not what it says: anyone holding it could otherwise publish any detail type
 * (the connector's own `Okta Event Search Results` included), any `Time`, detail types EventBridge refuses, any
 * number of events, or replays from before the dedupe window. So the envelope must be Okta's (`com.okta.event_hook`
 * from the connection's own org, and from the expected hook when one is configured), and each event must look like a
 * System Log event; every `__proto__`, `constructor` and `prototype` key is dropped while parsing.
 *
 * A delivery whose envelope is wrong is refused whole (400). An event that fails is left out and reported (its index,
 * uuid when it has a valid one, and reason), never published; the others go on. Nothing real is lost that way: the
 * poller reads every event of the org from the System Log itself, so a real event refused here is published by the
 * poller, and a forged one never is.
 */
import type { LogEvent } from './event-format.js';
import { SEARCH_RESULTS_DETAIL_TYPE } from './search-results.js';

/** What the delivery must match, from the connection it names. */
export interface DeliveryExpectations {
  /**
   * The connection's org, e.g. `https://acme.okta.com`: the envelope's `source` must be on its host. Unset when the
   * hook secret does not name it (a secret written before `domain` was kept in it): the source is then not
   * checked against the org, only its shape.
   */
  orgUrl?: string;
  /** The Okta id of the connection's event hook (`who7…`), when the deployment names one. */
  hookId?: string;
  /** Epoch ms now. */
  now: number;
  /** How far back `published` may be: the dedupe window (an older event could be published twice). */
  maxAgeMs: number;
}

export interface RejectedEvent {
  index: number;
  /** Present when the event had a well-formed uuid. */
  uuid?: string;
  reason: string;
}

export type DeliveryCheck =
  | { ok: true; events: LogEvent[]; rejected: RejectedEvent[]; eventId?: string }
  | { ok: false; status: 400 | 413; reason: string };

/**
 * Okta documents no maximum for a delivery ("events that occur within a short time of each other are amalgamated",
 * EH); its batches are a few KB. 1,000 events and 2 MiB are ten times the 100-event batches of the burst tests.
 */
export const MAX_EVENTS_PER_DELIVERY = 1_000;
export const MAX_DELIVERY_BYTES = 2 * 1024 * 1024;
/** One event: EventBridge's entry limit less room for the connector's mark. */
export const MAX_EVENT_BYTES = 200 * 1024;
/** How far in the future `published` may be: clocks differ, not by more. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** EventBridge's limit for `DetailType`. */
export const MAX_EVENT_TYPE_LENGTH = 128;

/** Okta's event types: lowercase dotted words (`user.session.start`, `app.oauth2.token.detect_reuse`). */
const eventTypeShape = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
/** A UUID in its canonical form; System Log uuids are version 1 (`faf7398a-4f77-11ea-…`, real-okta recordings). */
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 with a date, a time and a zone, as Okta writes `published` (`2023-03-26T21:05:32.159Z`). */
const timestampShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** Detail types the connector publishes itself, or that would pass for another source's. */
const reservedDetailTypes = new Set([SEARCH_RESULTS_DETAIL_TYPE.toLowerCase()]);
const reservedPrefixes = ['aws.', 'okta-connector'];
/** Keys that would reach an object's prototype in code that merges the detail. */
const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Checks a delivery's body (already authenticated, under the body limit); see the file comment. */
export function checkDelivery(text: string, expected: DeliveryExpectations): DeliveryCheck {
  if (Buffer.byteLength(text, 'utf8') > MAX_DELIVERY_BYTES)
    return { ok: false, status: 413, reason: `The body is over ${MAX_DELIVERY_BYTES} bytes` };
  let body: unknown;
  try {
    body = parseWithoutPrototypeKeys(text);
  } catch {
    return { ok: false, status: 400, reason: 'The body is not JSON' };
  }
  const envelope = envelopeProblem(body, expected);
  if (envelope) return { ok: false, status: 400, reason: envelope };
  const { data, eventId } = body as { data?: { events?: unknown }; eventId?: unknown };
  const raw = data?.events;
  if (!Array.isArray(raw)) return { ok: false, status: 400, reason: 'The body has no data.events array' };
  if (raw.length > MAX_EVENTS_PER_DELIVERY)
    return { ok: false, status: 413, reason: `A delivery carries at most ${MAX_EVENTS_PER_DELIVERY} events` };
  const events: LogEvent[] = [];
  const rejected: RejectedEvent[] = [];
  raw.forEach((event: unknown, index) => {
    const reason = eventProblem(event, expected);
    if (reason === undefined) events.push(event as LogEvent);
    else rejected.push({ index, ...uuidOf(event), reason });
  });
  return { ok: true, events, rejected, ...(typeof eventId === 'string' ? { eventId: eventId.slice(0, 64) } : {}) };
}

/**
 * Text that may hold one of those keys: the names themselves, or any `\u` escape (a key can spell one with them).
 * Without either, no key can be one, and the text is parsed without a reviver: called for every value of a
 * 1,000-event delivery, the reviver made the parse several times slower and kept more garbage.
 */
const mayHoldPrototypeKey = /__proto__|constructor|prototype|\\u/;

/** JSON.parse, dropping every `__proto__`/`constructor`/`prototype` key at any depth. */
export function parseWithoutPrototypeKeys(text: string): unknown {
  if (!mayHoldPrototypeKey.test(text)) return JSON.parse(text) as unknown;
  return JSON.parse(text, (key, value: unknown) => (prototypeKeys.has(key) ? undefined : value));
}

function envelopeProblem(body: unknown, expected: DeliveryExpectations): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'The body is not a JSON object';
  const { eventType, source } = body as { eventType?: unknown; source?: unknown };
  if (eventType !== 'com.okta.event_hook') return 'The envelope eventType is not com.okta.event_hook';
  if (typeof source !== 'string') return 'The envelope has no source';
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return 'The envelope source is not a URL';
  }
  if (expected.orgUrl !== undefined && url.host !== hostOf(expected.orgUrl))
    return "The envelope source is not the connection's org";
  const hook = /^\/api\/v1\/eventHooks\/([A-Za-z0-9]{1,64})$/.exec(url.pathname)?.[1];
  if (!hook) return 'The envelope source is not an event hook';
  if (expected.hookId !== undefined && hook !== expected.hookId)
    return "The envelope source is not the connection's hook";
  return undefined;
}

function eventProblem(value: unknown, expected: DeliveryExpectations): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const { uuid, eventType, published } = value as Record<string, unknown>;
  if (typeof uuid !== 'string' || !uuidShape.test(uuid)) return 'uuid is not a UUID';
  if (typeof eventType !== 'string') return 'eventType is not a string';
  const lower = eventType.toLowerCase();
  if (reservedDetailTypes.has(lower) || reservedPrefixes.some((prefix) => lower.startsWith(prefix)))
    return 'eventType is reserved';
  if (eventType.length > MAX_EVENT_TYPE_LENGTH || !eventTypeShape.test(eventType))
    return `eventType is not an Okta event type (lowercase dotted words, at most ${MAX_EVENT_TYPE_LENGTH} characters)`;
  if (typeof published !== 'string' || !timestampShape.test(published)) return 'published is not an ISO 8601 time';
  const time = Date.parse(published);
  if (Number.isNaN(time)) return 'published is not an ISO 8601 time';
  if (time > expected.now + MAX_CLOCK_SKEW_MS) return 'published is in the future';
  if (time < expected.now - expected.maxAgeMs) return 'published is older than the dedupe window';
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_EVENT_BYTES)
    return `the event is over ${MAX_EVENT_BYTES} bytes`;
  return undefined;
}

function uuidOf(event: unknown): { uuid?: string } {
  const uuid = (event as { uuid?: unknown } | null)?.uuid;
  return typeof uuid === 'string' && uuidShape.test(uuid) ? { uuid } : {};
}

/** The host of an org, given as a URL or a bare domain (`acme.okta.com`, as a connection's `domain` is written). */
function hostOf(org: string): string {
  return new URL(/^https?:\/\//i.test(org) ? org : `https://${org}`).host;
}
