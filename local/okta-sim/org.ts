/**
 * One simulated org's state and shared services: the directory, the System Log, the clock and ids.
 * Every resource module gets this object; nothing else is shared between them.
 */
import { buildLogEvent, describeClient, type LogActor } from './logs/log-events.js';
import type { Directory, UserRecord } from './directory.js';
import type { Random } from './random.js';
import type { SystemLog } from './logs/system-log.js';
import type { DeactivateAnswer } from './users/lifecycle.js';
import type { LogEventLike, SimClock, SimRequest } from './types.js';
import { asText } from './text.js';

export interface Org {
  clock: SimClock;
  random: Random;
  directory: Directory;
  log: SystemLog;
  /** Which of Okta's two recorded deactivate answers to give (see lifecycle.ts). */
  deactivateAnswer: DeactivateAnswer;
  /** A generator of its own for choices between recorded answers, so they do not shift the org's ids. */
  answerRandom: Random;
  /** Search results lag writes by this many ms (Okta's search is eventually consistent). */
  searchLagMs: number;
  baseUrl: () => string;
  /** The super admin the SSWS token belongs to. */
  adminUserId: string;
  newId: (prefix: string) => string;
  /** Revokes the OAuth tokens issued to a user (set once the OAuth module exists). */
  revokeUserOAuthTokens: (userId: string) => void;
  /** Completes and appends an event, persisted now (its `published` may be earlier). */
  appendEvent: (partial: Partial<LogEventLike> & { eventType: string }) => LogEventLike;
}

/** An Okta-style id: a 3-character type prefix and 17 base62 characters (20 in all). */
export function oktaId(random: Random, prefix: string): string {
  return prefix + random.base62(20 - prefix.length);
}

/** The log actor of a user. */
export function userActor(user: UserRecord): LogActor {
  return {
    id: user.id,
    type: 'User',
    alternateId: String(user.profile.login),
    displayName: `${asText(user.profile.firstName)} ${asText(user.profile.lastName)}`.trim(),
    detailEntry: null,
  };
}

/**
 * Appends the event a request caused: the actor is the caller (the token's admin or the OAuth client), the
 * client is the caller's IP and user agent, and the transaction id is the request id, as in Okta.
 */
export function appendRequestEvent(
  org: Org,
  req: SimRequest,
  partial: Partial<LogEventLike> & { eventType: string },
): LogEventLike {
  const principal = req.principal;
  let actor: LogActor | undefined;
  if (principal?.kind === 'oauth' && !principal.userId) {
    actor = {
      id: principal.clientId,
      type: 'PublicClientApp',
      alternateId: principal.clientId,
      displayName: principal.clientId,
      detailEntry: null,
    };
  } else {
    const userId = principal?.userId ?? org.adminUserId;
    const user = org.directory.users.get(userId);
    if (user) actor = userActor(user);
  }
  const ipAddress = req.remoteAddress ?? '127.0.0.1';
  const requestId = req.requestId ?? org.random.hex(32);
  return org.appendEvent({
    ...(actor ? { actor } : {}),
    ...describeClient({ ipAddress, geo: null, rawUserAgent: req.headers['user-agent'] ?? 'unknown' }),
    debugContext: { debugData: { requestId, requestUri: req.path, url: req.url.pathname + req.url.search } },
    transaction: {
      type: 'WEB',
      id: requestId,
      detail: principal?.kind === 'api-token' ? { requestApiTokenId: '00Tsimulatorapitoken' } : {},
    },
    ...partial,
  });
}

/** Creates the `appendEvent` of an org. */
export function createAppendEvent(
  parts: Pick<Org, 'clock' | 'random' | 'log'>,
): (partial: Partial<LogEventLike> & { eventType: string }) => LogEventLike {
  return (partial) => {
    const now = parts.clock.now();
    const event = buildLogEvent(partial, { random: parts.random, now });
    parts.log.append(event, now);
    return event;
  };
}
