/**
 * The control surface for tests and benchmarks, in-process (`sim.control.*`) and over HTTP under `/__sim/`
 * (JSON in, JSON out, no authentication: never part of Okta's API). See README.md.
 */
import type { UserStatus } from '../directory.js';
import type { EventHooks } from '../hooks/event-hooks.js';
import type { Fault, FaultSpec, Faults } from './faults.js';
import { buildLogEvent } from '../logs/log-events.js';
import type { OAuthServer } from '../oauth/oauth.js';
import type { Org } from '../org.js';
import { isRateLimitBucket, type RateLimitBucket, type RateLimiter } from './rate-limits.js';
import { seedOrg, seedSize, type SeedOption } from '../seed.js';
import { generateSignIns, type SignInOptions } from '../logs/sign-ins.js';
import type { DeactivateAnswer } from '../users/lifecycle.js';
import { recordUserWrite } from '../users/user-json.js';
import type { LogEventLike, OAuthClient, Route, SimResponse } from '../types.js';

export interface SimControl {
  /** Injects a fault for matching requests; returns it with its id. */
  addFault(spec: FaultSpec): Fault;
  removeFault(id: string): boolean;
  clearFaults(): void;
  /** The faults in place, each with how many times it fired. */
  faults(): Fault[];
  /**
   * Appends System Log events, persisted now. Missing fields are filled as Okta would; a `published` in the
   * past makes a late (backdated) event.
   */
  addLogEvents(events: Array<Partial<LogEventLike> & { eventType: string }>): LogEventLike[];
  /** Appends `user.session.start` events (see SignInOptions). */
  generateSignIns(options?: SignInOptions): LogEventLike[];
  /** Sets the sim clock (epoch ms or ISO 8601). */
  setClock(time: number | string): number;
  /** Moves the sim clock forward (or back, with a negative value); returns the new time. */
  advanceClock(ms: number): number;
  /** Adds users, groups, apps and sign-ins ('realistic' or a size). Returns the ids of the users added. */
  seed(option: SeedOption): string[];
  /**
   * Puts a user in a status directly, for the statuses Okta reaches only through sign-in (LOCKED_OUT,
   * PASSWORD_EXPIRED) or to set up a test. Returns false when there is no such user.
   */
  setUserStatus(idOrLogin: string, status: UserStatus): boolean;
  /** Sets how long search results lag writes (users and groups `search`). */
  setSearchLag(ms: number): void;
  /** Sets deactivate's answer: 200 `{}`, 204, or either one per call (see lifecycle.ts). */
  setDeactivateAnswer(answer: DeactivateAnswer): void;
  /** Per-bucket rate-limit windows in use. */
  rateLimits(): ReturnType<RateLimiter['snapshot']>;
  /** Sets buckets' per-minute limits, e.g. `{"user-get": 300}` (the window in use included). */
  setRateLimits(limits: Partial<Record<RateLimitBucket, number>>): void;
  /** Starts every rate-limit window afresh. */
  resetRateLimits(): void;
  /** What was sent to event hooks (delegated to the event-hooks module). */
  hookDeliveries(): unknown[];
  /** Registers an OAuth client (service or web app; delegated to the OAuth module). */
  registerOAuthClient(input: Partial<OAuthClient> & { label: string }): OAuthClient;
  oauthClients(): OAuthClient[];
}

export function createControl(
  org: Org,
  faults: Faults,
  rateLimiter: RateLimiter,
  oauth: OAuthServer,
  hooks: EventHooks,
): SimControl {
  return {
    addFault: (spec) => faults.add(spec),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    addLogEvents(events) {
      return events.map((partial) => {
        const now = org.clock.now();
        const event = buildLogEvent(partial, { random: org.random, now });
        org.log.append(event, now);
        return event;
      });
    },
    generateSignIns: (options) => generateSignIns(org, options),
    setClock(time) {
      org.clock.set(typeof time === 'number' ? time : Date.parse(time));
      return org.clock.now();
    },
    advanceClock(ms) {
      org.clock.advance(ms);
      return org.clock.now();
    },
    seed: (option) => seedOrg(org, seedSize(option)).map((user) => user.id),
    setUserStatus(idOrLogin, status) {
      const user = org.directory.findUser(idOrLogin);
      if (!user) return false;
      recordUserWrite(org, user);
      user.status = status;
      user.statusChanged = org.clock.now();
      user.lastUpdated = user.statusChanged;
      return true;
    },
    setSearchLag(ms) {
      org.searchLagMs = ms;
    },
    setDeactivateAnswer(answer) {
      org.deactivateAnswer = answer;
    },
    rateLimits: () => rateLimiter.snapshot(),
    setRateLimits: (limits) => rateLimiter.setLimits(limits),
    resetRateLimits: () => rateLimiter.reset(),
    hookDeliveries: () => hooks.deliveries(),
    registerOAuthClient: (input) => oauth.registerClient(input),
    oauthClients: () => oauth.clients(),
  };
}

const USER_STATUSES: UserStatus[] = [
  'ACTIVE',
  'DEPROVISIONED',
  'LOCKED_OUT',
  'PASSWORD_EXPIRED',
  'PROVISIONED',
  'RECOVERY',
  'STAGED',
  'SUSPENDED',
];
const ok = (body: unknown): SimResponse => ({ status: 200, body });
const badRequest = (message: string): SimResponse => ({ status: 400, body: { error: message } });
const asObject = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};

/** The HTTP form of the control surface. */
export function controlRoutes(control: SimControl): Route[] {
  return [
    { method: 'GET', pattern: '/__sim/faults', handler: () => ok(control.faults()) },
    {
      method: 'POST',
      pattern: '/__sim/faults',
      handler: (req) => {
        const spec = asObject(req.body) as unknown as FaultSpec;
        if (!['rate-limit', 'server-error', 'delay', 'drop', 'concurrency-limit'].includes(spec.type))
          return badRequest('type must be rate-limit, server-error, delay, drop or concurrency-limit');
        return ok(control.addFault(spec));
      },
    },
    { method: 'DELETE', pattern: '/__sim/faults', handler: () => (control.clearFaults(), { status: 204 }) },
    {
      method: 'DELETE',
      pattern: '/__sim/faults/:id',
      handler: (_req, p) =>
        control.removeFault(p.id as string) ? { status: 204 } : { status: 404, body: { error: 'no such fault' } },
    },
    {
      method: 'POST',
      pattern: '/__sim/logs',
      handler: (req) => {
        const events = (Array.isArray(req.body) ? req.body : [req.body]) as Array<
          Partial<LogEventLike> & { eventType: string }
        >;
        if (events.some((event) => typeof asObject(event).eventType !== 'string'))
          return badRequest('every event needs an eventType');
        return ok(control.addLogEvents(events));
      },
    },
    {
      method: 'POST',
      pattern: '/__sim/sign-ins',
      handler: (req) => ok(control.generateSignIns(asObject(req.body))),
    },
    {
      method: 'GET',
      pattern: '/__sim/clock',
      handler: () => ok({ now: new Date(control.advanceClock(0)).toISOString() }),
    },
    {
      method: 'POST',
      pattern: '/__sim/clock',
      handler: (req) => {
        const body = asObject(req.body);
        let now: number | undefined;
        if (typeof body.set === 'number' || typeof body.set === 'string') now = control.setClock(body.set);
        if (typeof body.advanceMs === 'number') now = control.advanceClock(body.advanceMs);
        if (now === undefined) return badRequest('send {"set": <ISO or epoch ms>} or {"advanceMs": <ms>}');
        return ok({ now: new Date(now).toISOString() });
      },
    },
    {
      method: 'POST',
      pattern: '/__sim/seed',
      handler: (req) => {
        const body =
          req.body === 'realistic' || asObject(req.body).preset === 'realistic'
            ? 'realistic'
            : (asObject(req.body) as SeedOption);
        return ok({ userIds: control.seed(body) });
      },
    },
    {
      method: 'POST',
      pattern: '/__sim/users/:id/status',
      handler: (req, p) => {
        const status = asObject(req.body).status as UserStatus;
        if (!USER_STATUSES.includes(status)) return badRequest(`status must be one of ${USER_STATUSES.join(', ')}`);
        return control.setUserStatus(p.id as string, status)
          ? { status: 204 }
          : { status: 404, body: { error: 'no such user' } };
      },
    },
    {
      method: 'POST',
      pattern: '/__sim/deactivate-answer',
      handler: (req) => {
        const answer = asObject(req.body).answer as DeactivateAnswer;
        if (!['empty-object', 'no-content', 'either'].includes(answer))
          return badRequest('send {"answer": "empty-object" | "no-content" | "either"}');
        control.setDeactivateAnswer(answer);
        return ok({ answer });
      },
    },
    {
      method: 'POST',
      pattern: '/__sim/search-lag',
      handler: (req) => {
        const ms = asObject(req.body).ms;
        if (typeof ms !== 'number' || ms < 0) return badRequest('send {"ms": <non-negative number>}');
        control.setSearchLag(ms);
        return ok({ ms });
      },
    },
    { method: 'GET', pattern: '/__sim/rate-limits', handler: () => ok(control.rateLimits()) },
    {
      method: 'POST',
      pattern: '/__sim/rate-limits',
      handler: (req) => {
        const limits = Object.entries(asObject(req.body));
        const bad = limits.find(
          ([bucket, n]) => !isRateLimitBucket(bucket) || !Number.isInteger(n) || (n as number) < 1,
        );
        if (limits.length === 0 || bad)
          return badRequest('send {"<bucket>": <per-minute limit, a positive integer>}, e.g. {"user-get": 300}');
        control.setRateLimits(Object.fromEntries(limits));
        return ok(Object.fromEntries(limits));
      },
    },
    { method: 'DELETE', pattern: '/__sim/rate-limits', handler: () => (control.resetRateLimits(), { status: 204 }) },
    { method: 'GET', pattern: '/__sim/hook-deliveries', handler: () => ok(control.hookDeliveries()) },
    { method: 'GET', pattern: '/__sim/oauth-clients', handler: () => ok(control.oauthClients()) },
    {
      method: 'POST',
      pattern: '/__sim/oauth-clients',
      handler: (req) => {
        const input = asObject(req.body);
        if (typeof input.label !== 'string') return badRequest('label is required');
        return ok(control.registerOAuthClient(input as Partial<OAuthClient> & { label: string }));
      },
    },
  ];
}
