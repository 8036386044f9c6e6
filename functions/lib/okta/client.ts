/**
 * The Okta API client: one per connection per container. It signs each request (auth/), sends the headers Okta
 * asks for (CORE), follows `Link` pagination, keeps the rate-limit state of each endpoint bucket, waits out 429s
 * within the caller's deadline, retries what is safe to retry, and turns Okta's errors into CONTRACT errors.
 */
import { authorizerFor, type AuthDeps, type Authorizer } from '../auth/authorizer.js';
import { config } from '../config.js';
import { loadConnection, type Connection } from '../connections.js';
import { InternalError, OktaRateLimited, OktaUnavailable } from '../errors.js';
import { oktaError } from './errors.js';
import { listItems, walkPages } from './paging.js';
import { backoffDelay, isIdempotent, isNetworkFailure, isTimeout, neverReachedOkta, resetJitter } from './retry.js';
import { isConcurrencyLimit, pacingDelay, rateLimitBucket, RateLimits, type RateLimitState } from './rate-limits.js';
import type { CallOptions, OktaClient, OktaRequest, OktaResponse } from './types.js';

export type { RateLimitState } from './rate-limits.js';
export type { CallOptions, OktaClient, OktaPage, OktaRequest, OktaResponse } from './types.js';

/** The connector's version, sent in `User-Agent`; a test keeps it equal to package.json's. */
export const CONNECTOR_VERSION = '0.1.0';
export const USER_AGENT = `okta-connector/${CONNECTOR_VERSION}`;

export interface OktaClientDeps extends AuthDeps {
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Share of each rate-limit window left to other apps (default: config's RATE_LIMIT_RESERVE). */
  rateLimitReserve?: number;
  /** Sign-in to use instead of the connection's own (tests). */
  authorizer?: Authorizer;
}

const DEFAULT_BUDGET_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 20_000;
/** Retries of 5xx and network failures; 429s are bounded by the deadline alone. */
const MAX_FAILURE_RETRIES = 3;
const MAX_RATE_LIMIT_RETRIES = 10;
const KEPT_REQUEST_IDS = 50;

/** Builds a client for a connection. */
export function oktaClientFor(connection: Connection, deps: OktaClientDeps = {}): OktaClient {
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  const reserve = deps.rateLimitReserve ?? config().rateLimitReserve;
  const authorizer =
    deps.authorizer ?? authorizerFor(connection, { ...deps, fetch: fetchFn, now, userAgent: USER_AGENT });
  const limits = new RateLimits();
  // Calls admitted to a bucket and not yet answered: they will spend the window's `remaining` too.
  const inFlight = new Map<string, number>();
  // A bucket's first call, while no answer has told the client its window: the others wait for its headers.
  const probes = new Map<string, Promise<void>>();
  const origin = new URL(connection.baseUrl).origin;
  let counters = { requests: 0, retries: 0, requestIds: [] as string[] };

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

  async function waitWithin(ms: number, deadline: number): Promise<boolean> {
    if (now() + ms > deadline) return false;
    if (ms > 0) await sleep(ms);
    return true;
  }

  async function send(req: OktaRequest, url: URL, deadline: number, timeoutMs: number): Promise<Response> {
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
    return fetchFn(url, {
      method: req.method,
      headers,
      body: hasBody ? JSON.stringify(req.body) : undefined,
      signal: AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, deadline - now()))),
      // Okta's API never redirects; following one could carry the request elsewhere.
      redirect: 'error',
    });
  }

  async function request<T>(req: OktaRequest, options: CallOptions = {}): Promise<OktaResponse<T>> {
    const url = urlOf(req);
    const bucket = rateLimitBucket(req.method, url.pathname);
    const deadline = options.deadline ?? now() + DEFAULT_BUDGET_MS;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let retries = 0;
    let failures = 0;
    let rateLimited = 0;
    let signedAgain = false;
    const retry = () => {
      retries += 1;
      counters.retries += 1;
    };

    for (;;) {
      const release = await admit(bucket, deadline, options.paceNearLimit !== false);
      let response: Response;
      let text: string;
      try {
        response = await send(req, url, deadline, timeoutMs);
        text = await response.text();
      } catch (error) {
        release();
        if (!isNetworkFailure(error)) throw error;
        const safe = isIdempotent(req.method) || neverReachedOkta(error);
        if (safe && failures < MAX_FAILURE_RETRIES && (await waitWithin(backoffDelay(failures, random), deadline))) {
          failures += 1;
          retry();
          continue;
        }
        const what = isTimeout(error) ? 'did not answer in time' : 'could not be reached';
        throw new OktaUnavailable(`Okta ${what} (${req.method} ${url.pathname})`, { cause: error });
      }

      const requestId = response.headers.get('x-okta-request-id') ?? undefined;
      if (requestId) counters.requestIds = [...counters.requestIds, requestId].slice(-KEPT_REQUEST_IDS);
      const state = limits.record(bucket, response.headers);
      release();
      const body = parseBody(text);
      if (response.ok)
        return { status: response.status, body: body as T, headers: response.headers, requestId, retries };

      if (response.status === 401 && !signedAgain && authorizer.rejected(response)) {
        signedAgain = true;
        retry();
        continue;
      }
      if (response.status === 429) {
        const wait = isConcurrencyLimit(state)
          ? backoffDelay(rateLimited, random)
          : untilReset(response.headers, state);
        if (rateLimited < MAX_RATE_LIMIT_RETRIES && (await waitWithin(wait, deadline))) {
          rateLimited += 1;
          retry();
          continue;
        }
        throw oktaError(429, body, response.headers, { retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) });
      }
      if (
        response.status >= 500 &&
        isIdempotent(req.method) &&
        failures < MAX_FAILURE_RETRIES &&
        (await waitWithin(backoffDelay(failures, random), deadline))
      ) {
        failures += 1;
        retry();
        continue;
      }
      throw oktaError(response.status, body, response.headers);
    }
  }

  /**
   * Lets a call go out and counts it in flight until its answer; returns the function that ends the count. With
   * pacing, the calls in flight (and those waiting here) count against the window's `remaining`, so a burst of
   * concurrent calls is held to the reserve as a sequence of calls would be; and a bucket's first call goes out
   * alone, because until an answer carries the window's headers nothing can stop a burst from spending all of it.
   */
  async function admit(bucket: string, deadline: number, pacing: boolean): Promise<() => void> {
    if (pacing) {
      let probe = probes.get(bucket);
      while (probe !== undefined && limits.get(bucket) === undefined && now() < deadline) {
        await probe;
        probe = probes.get(bucket);
      }
    }
    inFlight.set(bucket, (inFlight.get(bucket) ?? 0) + 1);
    let answered: (() => void) | undefined;
    if (limits.get(bucket) === undefined && !probes.has(bucket)) {
      probes.set(
        bucket,
        new Promise<void>((resolve) => {
          answered = resolve;
        }),
      );
    }
    const release = once(() => {
      inFlight.set(bucket, Math.max(0, (inFlight.get(bucket) ?? 1) - 1));
      if (answered !== undefined) {
        probes.delete(bucket);
        answered();
      }
    });
    if (!pacing) return release;
    try {
      await pace(bucket, deadline);
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  /** Under the reserve, wait so the calls left are spread over the window; never past the deadline. */
  async function pace(bucket: string, deadline: number): Promise<void> {
    const known = limits.get(bucket);
    // This call is counted in flight already; the others in flight will spend the window before it.
    const others = (inFlight.get(bucket) ?? 1) - 1;
    const state = known && { ...known, remaining: Math.max(0, known.remaining - others) };
    const delay = pacingDelay(state, now(), reserve);
    if (delay <= 0) return;
    // The reserve belongs to the org's other apps (its sign-ins, its provisioning): a call that cannot wait its turn
    // before the caller's deadline fails with a typed, retryable error instead of spending it.
    if (now() + delay > deadline) {
      const spent = state !== undefined && state.remaining <= 0;
      throw new OktaRateLimited(
        spent
          ? `Okta's rate limit for ${bucket} is spent until the window resets`
          : `Okta's rate limit for ${bucket} is down to the share the connector leaves to the org's other apps`,
        { retryAfterSeconds: Math.max(1, Math.ceil((spent && state ? state.resetAt - now() : delay) / 1000)) },
      );
    }
    await sleep(delay);
  }

  /** Wait until the window resets, plus jitter. Okta's `Date` header is the base, so a skewed local clock does not matter. */
  function untilReset(headers: Headers, state: RateLimitState | undefined): number {
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
    rateLimit: (path, method = 'GET') => limits.get(rateLimitBucket(method, path)),
    stats: () => ({ ...counters, requestIds: [...counters.requestIds] }),
    resetStats: () => {
      counters = { requests: 0, retries: 0, requestIds: [] };
    },
  };
}

const clients = new Map<string, { fingerprint: string; client: OktaClient }>();

/** The container's client of a connection (the default one without a name), loaded and cached. */
export async function oktaClient(connectionName?: string, deps: OktaClientDeps = {}): Promise<OktaClient> {
  const connection = await loadConnection(connectionName);
  const fingerprint = fingerprintOf(connection);
  const known = clients.get(connection.name);
  // A reloaded but unchanged connection keeps its client, and so its token and rate-limit state.
  if (known && known.fingerprint === fingerprint) return known.client;
  const client = oktaClientFor(connection, deps);
  clients.set(connection.name, { fingerprint, client });
  return client;
}

/**
 * What makes a connection another one for the client. A rotated refresh token does not: the client that rotated
 * it holds the new one already. Its arrival (the first consent) does, since the old client had none.
 */
function fingerprintOf(connection: Connection): string {
  const auth =
    connection.auth.type === 'authorization-code'
      ? { ...connection.auth, refreshToken: connection.auth.refreshToken === undefined ? undefined : 'present' }
      : connection.auth;
  return JSON.stringify({ ...connection, auth });
}

/** `fn`, callable many times, run once. */
function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/** The body as JSON when it is JSON, as text otherwise (an HTML error page from a proxy must not crash the client). */
function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
