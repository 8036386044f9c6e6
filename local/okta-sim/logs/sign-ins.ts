/**
 * Generates `user.session.start` events: users signing in from a handful of places, some failing (wrong
 * password, failed MFA), shaped like the panther-analysis and spec samples.
 */
import type { UserRecord } from '../directory.js';
import { buildLogEvent, describeClient, type Geo } from './log-events.js';
import { userActor, type Org } from '../org.js';
import type { LogEventLike } from '../types.js';

interface Place {
  ipAddress: string;
  geo: Geo;
  isp: string;
  asNumber: number;
}

const place = (
  ipAddress: string,
  city: string,
  state: string,
  country: string,
  postalCode: string,
  lat: number,
  lon: number,
  isp: string,
  asNumber: number,
): Place => ({
  ipAddress,
  geo: { city, state, country, postalCode, geolocation: { lat, lon } },
  isp,
  asNumber,
});

/** Sign-in sources; the last one is a credential-stuffing source whose attempts mostly fail. */
export const SIGN_IN_PLACES: readonly Place[] = [
  place('136.24.229.58', 'San Francisco', 'California', 'United States', '94105', 37.7852, -122.3874, 'comcast', 7922),
  place('184.73.186.14', 'Ashburn', 'Virginia', 'United States', '20149', 39.0469, -77.4903, 'amazon', 14618),
  place('73.162.19.201', 'New York', 'New York', 'United States', '10013', 40.7209, -74.0047, 'verizon', 701),
  place('81.2.69.160', 'London', 'England', 'United Kingdom', 'EC2V', 51.5142, -0.0931, 'bt', 2856),
  place('85.214.132.117', 'Berlin', 'Land Berlin', 'Germany', '10117', 52.5196, 13.4069, 'strato', 6724),
  place('203.0.113.77', 'Sydney', 'New South Wales', 'Australia', '2000', -33.8688, 151.2093, 'telstra', 1221),
  place('198.51.100.23', 'Toronto', 'Ontario', 'Canada', 'M5H', 43.6532, -79.3832, 'rogers', 812),
  place('45.155.205.233', 'Moscow', 'Moscow', 'Russia', '101000', 55.7558, 37.6173, 'unknown hosting', 206728),
];

const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
];

export interface SignInOptions {
  /** How many sign-ins (default 100). */
  count?: number;
  /** Spread over [since, until] (epoch ms or ISO; default: the last 24 hours of the sim clock). */
  since?: number | string;
  until?: number | string;
  /** Share of failures among ordinary sign-ins (default 0.1). */
  failureRate?: number;
  /** Restrict the sources to these IP addresses (must be among SIGN_IN_PLACES, others get no geo). */
  ipAddresses?: string[];
  /** Restrict the users; default every user who can sign in. */
  userIds?: string[];
  /**
   * true: persist each event at its `published` time (history that was always there; used by seeding).
   * false (default): persist now, so past events arrive as late events.
   */
  asHistory?: boolean;
}

const toMs = (value: number | string | undefined, fallback: number): number =>
  value === undefined ? fallback : typeof value === 'number' ? value : Date.parse(value);

/** Appends sign-in events to the org's System Log, oldest first, and returns them. */
export function generateSignIns(org: Org, options: SignInOptions = {}): LogEventLike[] {
  const now = org.clock.now();
  const until = toMs(options.until, now);
  const since = toMs(options.since, until - 24 * 60 * 60 * 1000);
  const count = options.count ?? 100;
  const failureRate = options.failureRate ?? 0.1;
  const places = options.ipAddresses
    ? options.ipAddresses.map(
        (ip) => SIGN_IN_PLACES.find((p) => p.ipAddress === ip) ?? place(ip, '', '', '', '', 0, 0, 'unknown', 0),
      )
    : SIGN_IN_PLACES;
  const users: UserRecord[] = options.userIds
    ? options.userIds.map((id) => org.directory.users.get(id)).filter((u): u is UserRecord => u !== undefined)
    : [...org.directory.users.values()].filter((u) => u.status !== 'STAGED' && u.status !== 'DEPROVISIONED');
  if (users.length === 0 || count <= 0) return [];
  const times = Array.from({ length: count }, () => since + Math.floor(org.random.next() * Math.max(1, until - since)));
  times.sort((a, b) => a - b);
  const { random } = org;
  const events: LogEventLike[] = [];
  for (const time of times) {
    const user = random.pick(users);
    const source = random.pick(places);
    const suspicious = source === SIGN_IN_PLACES[SIGN_IN_PLACES.length - 1];
    const failed = suspicious ? random.next() < 0.9 : random.next() < failureRate;
    const reason = failed ? random.pick(['INVALID_CREDENTIALS', 'VERIFICATION_ERROR', 'LOCKED_OUT']) : null;
    const sessionId = `idx${random.base62(22)}`;
    const event = buildLogEvent(
      {
        eventType: 'user.session.start',
        published: new Date(time).toISOString(),
        actor: userActor(user),
        ...describeClient({ ipAddress: source.ipAddress, geo: source.geo, rawUserAgent: random.pick(USER_AGENTS) }),
        outcome: { result: failed ? 'FAILURE' : 'SUCCESS', reason },
        severity: failed ? 'WARN' : 'INFO',
        displayMessage: 'User login to Okta',
        legacyEventType: failed ? 'core.user_auth.login_failed' : 'core.user_auth.login_success',
        authenticationContext: {
          authenticationProvider: null,
          credentialProvider: null,
          credentialType: null,
          issuer: null,
          interface: null,
          authenticationStep: 0,
          rootSessionId: sessionId,
          externalSessionId: sessionId,
        },
        securityContext: {
          asNumber: source.asNumber,
          asOrg: source.isp,
          isp: source.isp,
          domain: null,
          isProxy: suspicious,
        },
        target: [],
      },
      { random, now: time },
    );
    event.debugContext = {
      debugData: {
        requestId: (event.transaction as { id: string }).id,
        requestUri: '/idp/idx/identify',
        url: '/idp/idx/identify?',
      },
    };
    org.log.append(event, options.asHistory ? time : now);
    if (!failed && (user.lastLogin === null || user.lastLogin < time)) user.lastLogin = time;
    events.push(event);
  }
  return events;
}
