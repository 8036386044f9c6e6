/**
 * The Okta API client: one per connection per container (client-cache.ts keeps them). A request, top to bottom:
 * admission (admission.ts: the rate-limit state, calls in flight, pacing), the signed request with the headers Okta
 * asks for (CORE), the answer read (response-body.ts), then either the result, a retry within the request's one
 * retry budget (retry.ts) and its deadline, or Okta's error as a CONTRACT error (errors.ts). Paging follows `Link`.
 */
import { authorizerFor, type AuthDeps, type Authorizer } from '../auth/authorizer.js';
import { systemClock, type Clock } from '../clock.js';
import { config, ConfigurationError } from '../config.js';
import type { Connection } from '../connections.js';
import { InternalError, OktaUnavailable } from '../errors.js';
import { Admission } from './admission.js';
import { oktaError } from './errors.js';
import { orgBudgetFor, type OrgBudget } from './org-budget.js';
import { listItems, walkPages } from './paging.js';
import { isConcurrencyLimit, rateLimitBucket, type RateLimitState } from './rate-limits.js';
import { nodeHttpSend, type HeaderReader, type HttpAnswer, type HttpSend } from './http-transport.js';
import { parseResponseBody } from './response-body.js';
import {
  backoffDelay,
  isIdempotent,
  isNetworkFailure,
  isTimeout,
  neverReachedOkta,
  resetJitter,
  RetryBudget,
} from './retry.js';
import type { CallOptions, OktaClient, OktaRequest, OktaResponse } from './types.js';

export type { RateLimitState } from './rate-limits.js';
export type { CallOptions, OktaClient, OktaPage, OktaRequest, OktaResponse } from './types.js';

/** The connector's version, sent in `User-Agent`; a test keeps it equal to package.json's. */
export const CONNECTOR_VERSION = '0.1.0';
export const USER_AGENT = `okta-connector/${CONNECTOR_VERSION}`;

export interface OktaClientDeps extends AuthDeps {
  /** How requests go out (tests pass a fake); default `node:https` with keep-alive (http-transport.ts). */
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Share of each rate-limit window left to other apps (default: config's RATE_LIMIT_RESERVE). */
  rateLimitReserve?: number;
  /** Sign-in to use instead of the connection's own (tests). */
  authorizer?: Authorizer;
  /** The org-wide rate-limit budget (default: in the table when RATE_LIMIT_BUDGET is `table`; `false`: none). */
  orgBudget?: OrgBudget | false;
}

const DEFAULT_BUDGET_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 20_000;
const KEPT_REQUEST_IDS = 50;

/** Builds a client for a connection. */
export function oktaClientFor(connection: Connection, deps: OktaClientDeps = {}): OktaClient {
  const send: HttpSend = deps.fetch ?? nodeHttpSend;
  const clock: Clock = { now: deps.now ?? systemClock.now, sleep: deps.sleep ?? systemClock.sleep };
  const { now } = clock;
  const random = deps.random ?? Math.random;
  const authorizer = deps.authorizer ?? authorizerFor(connection, { ...deps, now, userAgent: USER_AGENT });
  const origin = new URL(connection.baseUrl).origin;
  const reserve = deps.rateLimitReserve ?? config().rateLimitReserve;
  const admission = new Admission({ clock, reserve, budget: budgetOf(origin, reserve, clock, deps.orgBudget) });
  let counters = { requests: 0, retries: 0, requestIds: [] as string[] };

  async function request<T>(req: OktaRequest, options: CallOptions = {}): Promise<OktaResponse<T>> {
    const url = urlOf(req);
    const bucket = rateLimitBucket(req.method, url.pathname);
    const deadline = options.deadline ?? now() + DEFAULT_BUDGET_MS;
    const budget = new RetryBudget(deadline, clock);
    const retry = async (reason: Parameters<RetryBudget['retry']>[0], waitMs?: number) => {
      const again = await budget.retry(reason, waitMs);
      if (again) counters.retries += 1;
      return again;
    };

    for (;;) {
      const ticket = await admission.admit(bucket, deadline, options.paceNearLimit !== false);
      let response: HttpAnswer;
      let text: string;
      try {
        response = await sendRequest(req, url, deadline, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        text = await response.text();
      } catch (error) {
        ticket.release();
        if (!isNetworkFailure(error)) throw error;
        const safe = (req.idempotent ?? isIdempotent(req.method)) || neverReachedOkta(error);
        if (safe && (await retry('failure', backoffDelay(budget.attempts('failure'), random)))) continue;
        const what = isTimeout(error) ? 'did not answer in time' : 'could not be reached';
        throw new OktaUnavailable(`Okta ${what} (${req.method} ${url.pathname})`, { cause: error });
      }

      const requestId = response.headers.get('x-okta-request-id') ?? undefined;
      if (requestId) counters.requestIds = [...counters.requestIds, requestId].slice(-KEPT_REQUEST_IDS);
      const state = await ticket.answered(response.headers);
      const body = parseResponseBody(text);
      if (response.ok) {
        return {
          status: response.status,
          body: body as T,
          headers: response.headers,
          requestId,
          retries: budget.retries,
        };
      }
      const signInAgain = response.status === 401 && budget.attempts('sign-in') === 0 && authorizer.rejected(response);
      if (signInAgain && (await retry('sign-in'))) continue;
      if (response.status === 429) {
        const wait = isConcurrencyLimit(state)
          ? backoffDelay(budget.attempts('rate-limit'), random)
          : untilReset(response.headers, state);
        if (await retry('rate-limit', wait)) continue;
        throw oktaError(429, body, response.headers, { retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) });
      }
      if (
        response.status >= 500 &&
        (req.idempotent ?? isIdempotent(req.method)) &&
        (await retry('failure', backoffDelay(budget.attempts('failure'), random)))
      )
        continue;
      throw oktaError(response.status, body, response.headers);
    }
  }

  function urlOf(req: OktaRequest): URL {
    const absolute = /^https?:\/\//i.test(req.path);
    const url = new URL(absolute ? req.path : `${origin}${req.path.startsWith('/') ? '' : '/'}${req.path}`);
    // A next link is followed with this connection's credentials: never to another host.
    if (url.origin !== origin)
      throw new InternalError('Okta returned a link to another host; the connector does not follow it');
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  async function sendRequest(req: OktaRequest, url: URL, deadline: number, timeoutMs: number): Promise<HttpAnswer> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      ...req.headers,
      ...(await authorizer.authorize(req.method, url, deadline)),
    };
    const hasBody = req.body !== undefined;
    // Okta answers 411 to a POST or PUT without Content-Length (CORE "HTTP verbs").
    if (!hasBody && (req.method === 'POST' || req.method === 'PUT')) headers['content-length'] = '0';
    counters.requests += 1;
    return send(url, {
      method: req.method,
      headers,
      body: hasBody ? JSON.stringify(req.body) : undefined,
      signal: AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, deadline - now()))),
      // Okta's API never redirects; following one could carry the request elsewhere.
      redirect: 'error',
    });
  }

  /** Wait until the window resets, plus jitter. Okta's `Date` header is the base, so a skewed local clock does not matter. */
  function untilReset(headers: HeaderReader, state: RateLimitState | undefined): number {
    const reset = state?.resetAt ?? Number(headers.get('x-rate-limit-reset')) * 1000;
    const date = Date.parse(headers.get('date') ?? '');
    const base = Number.isFinite(date) ? date : now();
    const wait = Number.isFinite(reset) && reset > 0 ? Math.max(0, reset - base) : 60_000;
    return wait + resetJitter(random);
  }

  return {
    connection,
    request,
    pages: (req, options) => walkPages(request, req, options),
    list: (req, options) => listItems(request, req, options),
    rateLimit: (path, method = 'GET') => admission.state(rateLimitBucket(method, path)),
    stats: () => ({ ...counters, requestIds: [...counters.requestIds] }),
    resetStats: () => {
      counters = { requests: 0, retries: 0, requestIds: [] };
    },
  };
}

/** The budget a client shares with the deployment's other containers: the table's, when the function has one. */
function budgetOf(origin: string, reserve: number, clock: Clock, given: OrgBudget | false | undefined) {
  if (given !== undefined) return given || undefined;
  const { tableName, rateLimitBudget } = config();
  if (rateLimitBudget !== 'table') return undefined;
  if (!tableName) throw new ConfigurationError('TABLE_NAME', 'is required when RATE_LIMIT_BUDGET is "table"');
  return orgBudgetFor(origin, { tableName, reserve, clock });
}
