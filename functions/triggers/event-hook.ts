/**
 * The real-time events trigger (docs/CONTRACT.md §5): a Lambda Function URL (auth NONE: Okta cannot sign requests)
 * that Okta's event hook calls. The hook URL names the connection with a query parameter,
 * `https://<function-url>/?connection=<name>`; without it the default connection is used.
 *
 * Okta sends one verification GET (`x-okta-verification-challenge`, answered `{"verification": <value>}`), then
 * POSTs batches of System Log events with `Authorization: <the hook's secret>` (EH). A POST is checked in a fixed
 * order, cheapest and least revealing first, and nothing is published unless every check passed:
 *   405 method, 415 content type, 401 Authorization (constant time, the previous secret also accepted during a
 *   rotation), 413 body size or event count, 400 envelope (delivery-check.ts); then each event is checked and the
 *   refused ones are reported and left out.
 * Then, as the stack deploys it (`DELIVERY_QUEUE_URL` set), the events are queued for the publisher function and
 * the answer is 200 in tens of milliseconds, bursts included (docs/TRIGGERS.md "Bursts: the hand-off queue");
 * without a queue (in-process tests) they are published here, once (dedupe). If either fails the answer is 500,
 * which Okta retries once (4xx are never retried), and the poller reads the events anyway.
 *
 * Body limit: 2 MiB and 1,000 events (delivery-check.ts); Okta documents no maximum for a delivery (its batches of
 * "events that occur within a short time of each other" are a few KB each).
 */
import { timingSafeEqual } from 'node:crypto';
import { config, isConfiguredConnection } from '../lib/config.js';
import { UnknownConnection } from '../lib/errors.js';
import { loadHookSecrets, verificationOpen, type HookSecrets } from '../lib/hook-secrets.js';
import { checkDelivery, MAX_DELIVERY_BYTES, type DeliveryCheck } from '../lib/events/delivery-check.js';
import { handOff, type HandOffDeps } from '../lib/events/delivery-queue.js';
import type { LogEvent } from '../lib/events/event-format.js';
import { countMetric, logger } from '../lib/observability.js';
import { publishOnce, type PublishOnceDeps } from '../lib/events/publish-once.js';

/** The parts of a Function URL (payload 2.0) or API Gateway REST (v1) event the hook reads. */
export interface HookHttpEvent {
  version?: string;
  requestContext?: { http?: { method?: string } };
  httpMethod?: string;
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface HookResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface EventHookDeps {
  /** The connection's hook secrets (functions/lib/hook-secrets.ts): the only secret this function can read. */
  loadHookSecrets?: typeof loadHookSecrets;
  publish?: PublishOnceDeps;
  handOff?: HandOffDeps;
  now?: () => number;
}

/** Over this, a body is refused before it is parsed (delivery-check.ts says why this size). */
export const MAX_BODY_BYTES = MAX_DELIVERY_BYTES;
/** Okta waits 3 s; publishing must be done (or given up) well before. */
export const ANSWER_WITHIN_MS = 2_500;

/** Handles one call from Okta's event hook. */
export async function handler(
  event: HookHttpEvent,
  _context?: unknown,
  deps: EventHookDeps = {},
): Promise<HookResponse> {
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const headers = lowerCaseKeys(event.headers);
  const method = (event.requestContext?.http?.method ?? event.httpMethod ?? '').toUpperCase();
  const connectionName = event.queryStringParameters?.connection || config().defaultConnection;

  const refuse = (
    statusCode: number,
    message: string,
    extra: Record<string, string> = {},
    reason = message,
  ): HookResponse => {
    // No connection dimension: before authentication the name is anyone's input, and each value would be a metric.
    countMetric('HookDeliveriesRefused', { status: String(statusCode) });
    logger.warn('Event hook call refused', { connection: connectionName.slice(0, 128), statusCode, reason });
    return json(statusCode, { error: message }, extra);
  };

  // The verification GET publishes nothing and carries no Authorization Okta documents, so it is not authenticated;
  // it is answered only for a configured connection that has a hook secret (otherwise anyone could point their own
  // Okta org at this URL and have it verified), and only for a challenge of a sane shape (issue 14 item 6).
  if (method === 'GET') {
    const challenge = headers['x-okta-verification-challenge'];
    if (!challenge) return refuse(400, 'A GET must carry the x-okta-verification-challenge header');
    if (!VERIFICATION_CHALLENGE.test(challenge))
      return refuse(400, 'The verification challenge must be 8 to 256 of A-Z a-z 0-9 - _ . ~ + / =');
    const reason = await unverifiable(connectionName, deps.loadHookSecrets, now);
    if (reason) return refuse(401, 'Not authorized', {}, reason);
    logger.info('Event hook verification answered', { connection: connectionName });
    return json(200, { verification: challenge });
  }
  if (method !== 'POST')
    return refuse(405, 'Only GET (verification) and POST (events) are accepted', { allow: 'GET, POST' });
  if (!isJson(headers['content-type'])) return refuse(415, 'Content-Type must be application/json');

  const secrets = await authenticate(connectionName, headers.authorization, deps.loadHookSecrets);
  if (typeof secrets === 'string') return refuse(401, 'Not authorized', {}, secrets);
  const connection = { name: connectionName, orgUrl: secrets.domain };

  // A plain body is read as it came: a 1,000-event delivery is about 2 MB, and copying it to bytes and back to a
  // string held it three times over while it was parsed.
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) return refuse(413, `The body is over ${MAX_BODY_BYTES} bytes`);
  const checked = checkHookDelivery(text, connection, now());
  if (!checked.ok) return refuse(checked.status, checked.reason);
  const { events } = checked;
  if (config().deliveryQueueUrl) return queueDelivery(connection.name, events, startedAt, now, deps.handOff);

  let outcome;
  let failure: unknown;
  try {
    outcome = await publishOnce(
      events,
      {
        connection: connection.name,
        trigger: 'event-hook',
        receivedAt: new Date(startedAt).toISOString(),
        deadline: startedAt + ANSWER_WITHIN_MS,
      },
      deps.publish,
    );
  } catch (error) {
    failure = error;
  }
  if (outcome)
    countMetric('EventsPublished', { trigger: 'event-hook', connection: connection.name }, outcome.published);
  if (!outcome || outcome.failed > 0) {
    countMetric('HookDeliveriesRefused', { status: '500' });
    logger.error('Event hook delivery not fully published; Okta retries it once and the poller reads it too', {
      connection: connection.name,
      ...outcome,
      ...(failure === undefined ? {} : { error: failure }),
    });
    return json(500, { error: 'Publishing failed; retry' });
  }
  countMetric('HookDeliveriesAccepted', { connection: connection.name });
  logger.info('Event hook delivery published', { connection: connection.name, ...outcome, ms: now() - startedAt });
  // Okta expects 200 or 204 with an empty body (EH).
  return { statusCode: 200 };
}

/**
 * The stack's path: the checked events are queued (delivery-queue.ts) and the delivery acknowledged; the publisher
 * function publishes them. A failed hand-off is a 500, which Okta retries once (and the poller reads the events).
 */
async function queueDelivery(
  connection: string,
  events: LogEvent[],
  startedAt: number,
  now: () => number,
  deps: HandOffDeps | undefined,
): Promise<HookResponse> {
  // Verified mode: nothing of the body is published; the message only wakes a poll of the connection.
  const wake = config().eventHookMode === 'verified';
  const receivedAt = new Date(startedAt).toISOString();
  try {
    const { messages } = await handOff(
      wake ? { connection, receivedAt, events: [], wake } : { connection, receivedAt, events },
      deps,
    );
    countMetric('HookDeliveriesAccepted', { connection });
    logger.info(wake ? 'Event hook delivery woke a poll' : 'Event hook delivery queued', {
      connection,
      events: events.length,
      messages,
      ms: now() - startedAt,
    });
    return { statusCode: 200 };
  } catch (error) {
    countMetric('HookDeliveriesRefused', { status: '500' });
    logger.error('Event hook delivery not queued; Okta retries it once and the poller reads it too', {
      connection,
      error,
    });
    return json(500, { error: 'Queueing failed; retry' });
  }
}

/**
 * What Okta sends as `x-okta-verification-challenge` is not documented beyond "a verification value" (EH); the
 * simulator sends a UUID. This admits the token68 characters (base64, base64url, UUIDs, hex), 8 to 256 of them.
 */
export const VERIFICATION_CHALLENGE = /^[A-Za-z0-9\-_.~+/=]{8,256}$/;

/**
 * Why the verification GET must not be answered for this connection, or undefined when it may: it must be a
 * configured connection with a hook secret whose verification window is open. A window found closed is read again
 * past the cache once (at most once per `negativeCacheMs`), as `hooks register` opens it just before Okta verifies.
 */
async function unverifiable(
  connection: string,
  load: typeof loadHookSecrets = loadHookSecrets,
  now: () => number = Date.now,
): Promise<string | undefined> {
  if (!isConfiguredConnection(connection)) return 'UnknownConnection: not one of the configured connections';
  let secrets: HookSecrets;
  try {
    secrets = await load(connection);
  } catch (error) {
    return error instanceof UnknownConnection
      ? 'UnknownConnection: the connection has no event hook secret'
      : 'InternalError: the event hook secret could not be loaded';
  }
  if (verificationOpen(secrets, now())) return undefined;
  const fresh = await load(connection, undefined, { refresh: true }).catch(() => undefined);
  if (fresh && verificationOpen(fresh, now())) return undefined;
  return 'the verification window is closed (okta-connector hooks register opens it)';
}

/**
 * The hook secrets `authorization` matches, or why it does not (for the log; the caller only ever sees 401).
 *
 * Refused before any AWS call: a connection the deployment does not configure (`CONNECTIONS`). Then every way the
 * hook secret may fail to load is the same 401, never a 500 with detail: a missing secret must not tell names apart,
 * and an AWS failure must not let anyone outside trip the errors alarm (issue 14 item 5); the log and the
 * `HookSecretUnavailable` metric tell the operator. A secret that does not match is checked once more against a
 * fresh read (at most once per `negativeCacheMs`), so a rotation is honoured before the cache expires.
 */
export async function authenticate(
  connection: string,
  authorization: string | undefined,
  load: typeof loadHookSecrets = loadHookSecrets,
): Promise<HookSecrets | string> {
  if (!isConfiguredConnection(connection)) return 'UnknownConnection: not one of the configured connections';
  let secrets: HookSecrets;
  try {
    secrets = await load(connection);
  } catch (error) {
    if (error instanceof UnknownConnection) return 'UnknownConnection: the connection has no event hook secret';
    countMetric('HookSecretUnavailable', { connection });
    logger.error('Event hook secret could not be loaded', { connection, error });
    return 'InternalError: the event hook secret could not be loaded';
  }
  if (isAuthorized(authorization, secrets)) return secrets;
  if (!authorization) return 'no Authorization header';
  const fresh = await load(connection, undefined, { refresh: true }).catch(() => undefined);
  return fresh && isAuthorized(authorization, fresh) ? fresh : 'the Authorization header matches no hook secret';
}

/**
 * Whether `Authorization` equals the connection's hook secret or, during a rotation, its previous one. Each
 * comparison is constant-time after a length check (timingSafeEqual needs equal lengths; the length is not secret).
 */
export function isAuthorized(header: string | undefined, secrets: HookSecrets): boolean {
  if (!header) return false;
  const given = Buffer.from(header, 'utf8');
  let match = false;
  for (const secret of [secrets.eventHookSecret, secrets.previousEventHookSecret]) {
    if (!secret) continue;
    const expected = Buffer.from(secret, 'utf8');
    if (expected.length === given.length && timingSafeEqual(expected, given)) match = true;
  }
  return match;
}

/**
 * The delivery's valid events (delivery-check.ts), with the refused ones reported: the envelope's source must be
 * on the connection's org when its hook secret names it (`domain`; the hook function cannot read the connection's
 * own secret, issue 14 item 3). Refused events are counted by reason and logged
 * with their index and uuid (never their content, which is the sender's). The poller publishes the real ones.
 */
export function checkHookDelivery(
  text: string,
  connection: { name: string; orgUrl?: string },
  now: number,
): DeliveryCheck {
  const cfg = config();
  const checked = checkDelivery(text, {
    orgUrl: connection.orgUrl,
    hookId: cfg.eventHookIds[connection.name],
    now,
    maxAgeMs: cfg.dedupeTtlDays * 86_400_000,
  });
  if (!checked.ok || checked.rejected.length === 0) return checked;
  const byReason: Record<string, number> = {};
  for (const { reason } of checked.rejected) byReason[reason] = (byReason[reason] ?? 0) + 1;
  for (const [reason, count] of Object.entries(byReason))
    countMetric('HookEventsRejected', { connection: connection.name, reason }, count);
  logger.warn('Event hook delivery had events refused; they are not published (the poller reads real ones)', {
    connection: connection.name,
    eventId: checked.eventId,
    accepted: checked.events.length,
    rejected: checked.rejected.slice(0, 20),
    rejectedCount: checked.rejected.length,
  });
  return checked;
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function lowerCaseKeys(headers: HookHttpEvent['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

function json(statusCode: number, body: unknown, extra: Record<string, string> = {}): HookResponse {
  return { statusCode, headers: { 'content-type': 'application/json', ...extra }, body: JSON.stringify(body) };
}
