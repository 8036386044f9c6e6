/**
 * The simulated Okta org as a library: `startOktaSim()` serves Okta's Management API (users, lifecycle, groups,
 * apps, System Log), the org authorization server and event hooks on a local port, with rate limits, faults and
 * a control surface for tests and benchmarks.
 */
import type { AddressInfo } from 'node:net';
import { appJson, appRoutes } from './apps/apps-api.js';
import { createClock } from './clock.js';
import { createControl, controlRoutes, type SimControl } from './control/control.js';
import { Directory } from './directory.js';
import { createEventHooks } from './hooks/event-hooks.js';
import { createFaults } from './control/faults.js';
import { groupJson } from './groups/group-json.js';
import { groupRoutes } from './groups/groups-api.js';
import { lifecycleRoutes, type DeactivateAnswer } from './users/lifecycle.js';
import { logRoutes } from './logs/logs-api.js';
import { createOAuth } from './oauth/oauth.js';
import { createAppendEvent, oktaId, type Org } from './org.js';
import { createRandom } from './random.js';
import { createRateLimiter, type RateLimitBucket } from './control/rate-limits.js';
import { createRouter } from './router.js';
import { seedFoundation, seedOrg, seedSize, type SeedOption } from './seed.js';
import { createSimServer, type ExchangeListener } from './server.js';
import { SystemLog } from './logs/system-log.js';
import { userJson } from './users/user-json.js';
import { userRoutes } from './users/users-api.js';
import type { LogEventLike, SimClock, SimOrgServices } from './types.js';

export interface StartOktaSimOptions {
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
  /** What the org holds at start (default 'realistic'). */
  seed?: SeedOption;
  /** Per-bucket limits per minute (defaults: Okta's Workforce table), or false to turn rate limiting off. */
  rateLimits?: Partial<Record<RateLimitBucket, number>> | false;
  /** Requests in flight before a concurrency 429 (default 75). */
  concurrencyLimit?: number;
  /** How long `search` results lag writes (default 0). */
  searchLagMs?: number;
  /** 'real' (default) or the epoch ms the sim clock starts at (it then runs at real speed). */
  clock?: 'real' | number;
  /** Seed of the pseudo-random generator (ids, names, sign-ins); default 1. */
  randomSeed?: number;
  /**
   * Deactivate's answer: 200 `{}`, 204 with no body (real Okta has given both), or `either` (default), a choice
   * per call under `randomSeed`.
   */
  deactivateAnswer?: DeactivateAnswer;
}

/** In-process read access to the org, for assertions in tests. */
export interface SimOrgView {
  /** The raw records and indexes (read them; change state through the API or `control`). */
  directory: Directory;
  adminUserId: string;
  /** A user as the API returns it, by id, login or short name. */
  user(idOrLogin: string): Record<string, unknown> | undefined;
  /** Every user (deleted ones excluded), as the API returns them. */
  users(): Array<Record<string, unknown>>;
  groups(): Array<Record<string, unknown>>;
  apps(): Array<Record<string, unknown>>;
  /** Every System Log event in persistence order. */
  logEvents(): LogEventLike[];
}

export interface OktaSim {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** An SSWS API token of the super admin. */
  apiToken: string;
  org: SimOrgView;
  control: SimControl;
  clock: SimClock;
  /** Calls `listener` with every `/api/v1` and `/oauth2` exchange; returns the unsubscribe function. */
  observe(listener: ExchangeListener): () => void;
  close(): Promise<void>;
}

export async function startOktaSim(options: StartOktaSimOptions = {}): Promise<OktaSim> {
  const host = options.host ?? '127.0.0.1';
  const random = createRandom(options.randomSeed ?? 1);
  const clock = createClock(options.clock ?? 'real');
  const log = new SystemLog();
  let url = '';
  const org: Org = {
    clock,
    random,
    directory: new Directory(),
    log,
    deactivateAnswer: options.deactivateAnswer ?? 'either',
    answerRandom: createRandom((options.randomSeed ?? 1) + 1),
    searchLagMs: options.searchLagMs ?? 0,
    baseUrl: () => url,
    adminUserId: oktaId(random, '00u'),
    newId: (prefix) => oktaId(random, prefix),
    appendEvent: createAppendEvent({ clock, random, log }),
    revokeUserOAuthTokens: () => undefined,
  };
  const apiToken = `00${random.base62(40)}`;
  seedFoundation(org);
  seedOrg(org, seedSize(options.seed));

  const services: SimOrgServices = {
    clock,
    baseUrl: () => url,
    signIn(login, password) {
      const userId = org.directory.loginOwner(login);
      const user = userId ? org.directory.users.get(userId) : undefined;
      if (!user || user.password === undefined || user.password !== password) return undefined;
      return { id: user.id, login: String(user.profile.login), status: user.status };
    },
    appendLogEvent: (event) => org.appendEvent(event),
    onLogEvent: (listener) => log.onAppend(listener),
    newId: org.newId,
  };
  const oauth = createOAuth(services);
  org.revokeUserOAuthTokens = (userId) => oauth.revokeUserTokens(userId);
  const hooks = createEventHooks(services);
  const rateLimiter = createRateLimiter(() => clock.now(), options.rateLimits);
  const faults = createFaults(random);
  const control = createControl(org, faults, rateLimiter, oauth, hooks);

  const router = createRouter();
  // The OAuth and event-hook modules come first, so their own `/__sim/...` routes win over the generic ones.
  router.add(oauth.routes);
  router.add(hooks.routes);
  router.add(controlRoutes(control));
  router.add(userRoutes(org));
  router.add(lifecycleRoutes(org));
  router.add(groupRoutes(org));
  router.add(appRoutes(org));
  router.add(logRoutes(org));

  const listeners = new Set<ExchangeListener>();
  const server = createSimServer({
    org,
    router,
    rateLimiter,
    faults,
    concurrencyLimit: options.concurrencyLimit ?? 75,
    apiToken,
    authenticateAccessToken: (req) => oauth.authenticateAccessToken(req),
    listeners,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${host}:${port}`;

  const view: SimOrgView = {
    directory: org.directory,
    adminUserId: org.adminUserId,
    user: (idOrLogin) => {
      const user = org.directory.findUser(idOrLogin);
      return user ? userJson(org, user) : undefined;
    },
    users: () => [...org.directory.users.values()].map((user) => userJson(org, user)),
    groups: () => [...org.directory.groups.values()].map((group) => groupJson(org, group)),
    apps: () => [...org.directory.apps.values()].map((app) => appJson(org, app)),
    logEvents: () => log.inPersistenceOrder().map((stored) => stored.event),
  };

  return {
    url,
    apiToken,
    org: view,
    control,
    clock,
    observe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await hooks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // End idle keep-alive sockets too, so a test's afterAll never waits for them to time out.
        server.closeAllConnections();
      });
    },
  };
}

export type { SimControl } from './control/control.js';
export type { FaultSpec, Fault } from './control/faults.js';
export type { SeedOption, SeedSize } from './seed.js';
export type { SignInOptions } from './logs/sign-ins.js';
export type { RateLimitBucket } from './control/rate-limits.js';
