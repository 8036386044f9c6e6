/**
 * How the simulated org calls event hook endpoints, as EH describes Okta doing it: the one-time verification
 * GET, and POSTs of System Log events batched over a short window, with a 3 second timeout and one retry on a
 * timeout, a network error or a 5xx (never on a 4xx). Every attempt is recorded.
 */
import { randomUUID } from 'node:crypto';
import type { LogEventLike, SimClock } from '../types.js';

/** One attempt to call an event hook endpoint, as the receiver saw it. */
export interface EventHookDelivery {
  hookId: string;
  uri: string;
  /** 'verify' for the one-time GET challenge, 'deliver' for a POST of events. */
  kind: 'verify' | 'deliver';
  headers: Record<string, string>;
  /** The envelope POSTed; undefined for the verification GET. */
  body: EventHookEnvelope | undefined;
  /** 1 for the first attempt, 2 for the retry. */
  attempt: number;
  /** The receiver's HTTP status, when it answered in time. */
  status?: number;
  /** `timeout`, or the network error, when it did not. */
  error?: string;
  /** When the attempt started, ISO 8601 on the sim clock. */
  time: string;
}

/** The body of a delivery (EH; `reference/samples/from-okta-developer-docs/event-hook-delivery-*.json`). */
export interface EventHookEnvelope {
  eventType: 'com.okta.event_hook';
  eventTypeVersion: '1.0';
  cloudEventsVersion: '0.1';
  source: string;
  eventId: string;
  eventTime: string;
  contentType: 'application/json';
  data: { events: LogEventLike[] };
}

/** Where and how to call one hook. */
export interface HookTarget {
  hookId: string;
  uri: string;
  /** The `authScheme` header and the custom headers. */
  headers: Record<string, string>;
}

export interface DeliveryOptions {
  /** EH: "a default timeout of three seconds". */
  timeoutMs: number;
  clock: SimClock;
  fetch: typeof globalThis.fetch;
  /** Aborted when the simulator closes, so no request outlives it. */
  closed: AbortSignal;
}

export interface Sender {
  /** Sends the verification GET (retried once); the problem, or undefined when the endpoint answered correctly. */
  verify(target: HookTarget): Promise<string | undefined>;
  /** POSTs an envelope (retried once when allowed); true when the receiver took it with a 2xx. */
  deliver(target: HookTarget, envelope: EventHookEnvelope): Promise<boolean>;
  deliveries(): EventHookDelivery[];
}

export function buildEnvelope(baseUrl: string, hookId: string, events: LogEventLike[], now: number): EventHookEnvelope {
  return {
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    source: `${baseUrl}/api/v1/eventHooks/${hookId}`,
    eventId: randomUUID(),
    eventTime: new Date(now).toISOString(),
    contentType: 'application/json',
    data: { events },
  };
}

/** Creates the sender, which keeps the record of every attempt. */
export function createSender(options: DeliveryOptions): Sender {
  const attempts: EventHookDelivery[] = [];

  /** One HTTP call; the attempt is recorded with what came back. */
  const call = async (
    target: HookTarget,
    kind: EventHookDelivery['kind'],
    attempt: number,
    headers: Record<string, string>,
    envelope?: EventHookEnvelope,
  ): Promise<{ record: EventHookDelivery; text?: string }> => {
    const record: EventHookDelivery = {
      hookId: target.hookId,
      uri: target.uri,
      kind,
      headers,
      body: envelope,
      attempt,
      time: new Date(options.clock.now()).toISOString(),
    };
    attempts.push(record);
    try {
      const response = await options.fetch(target.uri, {
        method: kind === 'verify' ? 'GET' : 'POST',
        headers,
        body: envelope === undefined ? undefined : JSON.stringify(envelope),
        signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.closed]),
      });
      const text = await response.text();
      record.status = response.status;
      return { record, text };
    } catch (error) {
      const name = (error as Error).name;
      record.error =
        name === 'TimeoutError' ? 'timeout' : name === 'AbortError' ? 'aborted' : String((error as Error).message);
      return { record };
    }
  };

  return {
    async verify(target) {
      const challenge = randomUUID();
      const headers = { ...target.headers, accept: 'application/json', 'x-okta-verification-challenge': challenge };
      let problem = '';
      // The verify API: "One retry is attempted after a timeout or error response."
      for (let attempt = 1; attempt <= 2 && !options.closed.aborted; attempt++) {
        const { record, text } = await call(target, 'verify', attempt, headers);
        if (record.status === undefined) {
          problem =
            record.error === 'timeout'
              ? 'the endpoint did not answer within 3 seconds'
              : `the endpoint could not be reached (${record.error})`;
          continue;
        }
        if (record.status < 200 || record.status > 299) {
          problem = `the endpoint answered HTTP ${record.status}`;
          continue;
        }
        if (verificationOf(text) === challenge) return undefined;
        problem = 'the endpoint did not return the verification value';
      }
      return problem;
    },
    async deliver(target, envelope) {
      const headers = {
        accept: 'application/json',
        'content-type': 'application/json',
        ...target.headers,
      };
      for (let attempt = 1; attempt <= 2 && !options.closed.aborted; attempt++) {
        const { record } = await call(target, 'deliver', attempt, headers, envelope);
        if (record.status !== undefined && record.status >= 200 && record.status <= 299) return true;
        // EH: "Responses with a 4xx status code aren't retried. Response with a 5xx status code are retried."
        if (record.status !== undefined && record.status < 500) return false;
      }
      return false;
    },
    deliveries: () => attempts.map((attempt) => ({ ...attempt })),
  };
}

function verificationOf(text: string | undefined): unknown {
  try {
    return (JSON.parse(text ?? '') as { verification?: unknown }).verification;
  } catch {
    return undefined;
  }
}
