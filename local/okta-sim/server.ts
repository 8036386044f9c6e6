/**
 * The HTTP front of the simulated org (plain `node:http`). Every `/api/v1` and `/oauth2` request goes through
 * the same steps, in Okta's order as far as a client can tell: injected faults, the concurrency limit, the
 * `Content-Length` rule, routing, the rate limit, authentication and scopes, then the handler. Control routes
 * (`/__sim/...`) skip all of that.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Fault, Faults } from './control/faults.js';
import { OktaApiError, renderOktaError } from './errors.js';
import type { Org } from './org.js';
import { bucketOf, type RateLimiter } from './control/rate-limits.js';
import type { Router } from './router.js';
import type { Principal, Route, SimRequest, SimResponse } from './types.js';

export type ExchangeListener = (req: SimRequest, res: SimResponse) => void;

export interface ServerParts {
  org: Org;
  router: Router;
  rateLimiter: RateLimiter;
  faults: Faults;
  concurrencyLimit: number;
  apiToken: string;
  /** The OAuth module's check of `Bearer` and `DPoP` access tokens (throws the `OktaApiError` 401). */
  authenticateAccessToken(req: SimRequest): Principal;
  listeners: Set<ExchangeListener>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

function toSimRequest(incoming: IncomingMessage, rawBody: string, base: string, requestId: string): SimRequest {
  const url = new URL(incoming.url ?? '/', base);
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(incoming.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  let path = url.pathname;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    // keep the raw path; the router answers 404 for it
  }
  const forwarded = headers['x-forwarded-for']?.split(',')[0]?.trim();
  const socketAddress = incoming.socket.remoteAddress?.replace(/^::ffff:/, '');
  return {
    method: (incoming.method ?? 'GET').toUpperCase(),
    url,
    path,
    query: url.searchParams,
    headers,
    rawBody,
    body: undefined,
    requestId,
    remoteAddress: forwarded || socketAddress || '127.0.0.1',
  };
}

/** Parses a JSON or form body into `req.body`; a malformed one is the 400 E0000003. */
function parseBody(req: SimRequest): void {
  if (req.rawBody === '') return;
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.includes('application/x-www-form-urlencoded')) {
    req.body = Object.fromEntries(new URLSearchParams(req.rawBody));
    return;
  }
  try {
    req.body = JSON.parse(req.rawBody);
  } catch {
    throw new OktaApiError('E0000003');
  }
}

/** Sets `req.principal`, or throws the 401 (no valid credential) or 403 (a token without the route's scopes). */
function authenticate(parts: ServerParts, req: SimRequest, route: Route): void {
  const authorization = req.headers.authorization ?? '';
  const [scheme = '', credential = ''] = authorization.split(/\s+/, 2);
  let principal: Principal;
  if (scheme.toUpperCase() === 'SSWS') {
    // A wrong token: 401 E0000011 with `WWW-Authenticate: SSWS` (oktakit.json[33], the one recording of it).
    if (credential !== parts.apiToken) throw new OktaApiError('E0000011', { headers: { 'www-authenticate': 'SSWS' } });
    principal = { kind: 'api-token', userId: parts.org.adminUserId };
  } else if (/^(bearer|dpop)$/i.test(scheme)) {
    principal = parts.authenticateAccessToken(req);
  } else {
    throw new OktaApiError('E0000011');
  }
  req.principal = principal;
  if (principal.kind === 'oauth' && route.scopes && !route.scopes.some((scope) => principal.scopes.includes(scope))) {
    const base = parts.org.baseUrl();
    throw new OktaApiError('E0000006', {
      headers: {
        'www-authenticate': `${principal.tokenType} authorization_uri="${base}/oauth2/v1/authorize", realm="${base}", scope="${route.scopes.join(' ')}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="${req.path}"`,
      },
    });
  }
}

/** What an injected fault does: 'drop', nothing after a delay, or it throws the error it stands for. */
async function applyFault(parts: ServerParts, req: SimRequest, fault: Fault): Promise<'drop' | undefined> {
  const { org, rateLimiter } = parts;
  switch (fault.type) {
    case 'delay':
      await sleep(fault.delayMs ?? 0);
      return undefined;
    case 'drop':
      return 'drop';
    case 'concurrency-limit':
      throw new OktaApiError('E0000047', { headers: rateLimiter.concurrencyHeaders() });
    case 'rate-limit': {
      // A reset at the next second, so clients that wait for it (as okta-sdk-nodejs does) retry at once.
      const reset = String(Math.ceil(org.clock.now() / 1000));
      const limit = rateLimiter.take(bucketOf(req.method, req.path)).headers['x-rate-limit-limit'] ?? '0';
      throw new OktaApiError('E0000047', {
        headers: { 'x-rate-limit-limit': limit, 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset },
      });
    }
    case 'server-error':
      throw new OktaApiError(fault.errorCode ?? 'E0000009', fault.status === undefined ? {} : { status: fault.status });
  }
}

/**
 * Runs one request through the pipeline and returns the response to send, or 'drop'. Every `OktaApiError`
 * thrown on the way (by a step here or by the handler) is rendered here, with the rate-limit headers the
 * request earned.
 */
async function handle(parts: ServerParts, req: SimRequest): Promise<SimResponse | 'drop'> {
  const state: { rateHeaders?: Record<string, string> } = {};
  try {
    return await runPipeline(parts, req, state);
  } catch (error) {
    if (!(error instanceof OktaApiError)) throw error;
    return withHeaders(renderOktaError(parts.org.random, error), state.rateHeaders);
  }
}

async function runPipeline(
  parts: ServerParts,
  req: SimRequest,
  state: { rateHeaders?: Record<string, string> },
): Promise<SimResponse | 'drop'> {
  const { router, rateLimiter } = parts;
  const isApi = req.path.startsWith('/api/v1/') || req.path === '/api/v1';
  const isOkta = isApi || req.path.startsWith('/oauth2/');

  if (isOkta) {
    for (const fault of parts.faults.take(req.method, req.path)) {
      if ((await applyFault(parts, req, fault)) === 'drop') return 'drop';
    }
  }

  const lookup = router.lookup(req.method, req.url.pathname);
  const route = lookup.found ? lookup.match.route : undefined;
  let rateHeaders: Record<string, string> | undefined;
  if (isOkta) {
    const decision = rateLimiter.take(route?.bucket ?? bucketOf(req.method, req.path));
    if (!decision.allowed) throw new OktaApiError('E0000047', { headers: decision.headers });
    rateHeaders = decision.headers;
    state.rateHeaders = rateHeaders;
  }
  // Okta refuses a POST or PUT that carries neither a body nor `Content-Length: 0` (CORE "HTTP verbs"); the
  // answer is a bare 411 from its front end, without an Okta error body.
  if (
    isOkta &&
    (req.method === 'POST' || req.method === 'PUT') &&
    req.headers['content-length'] === undefined &&
    req.rawBody === ''
  ) {
    return withHeaders({ status: 411 }, rateHeaders);
  }
  if (!lookup.found) {
    if (lookup.methodNotAllowed) {
      // Okta's 405 carries no rate-limit headers (okta-sdk-python.json[163]).
      delete state.rateHeaders;
      throw new OktaApiError('E0000022');
    }
    throw new OktaApiError('E0000007', { summaryArgument: `Resource not found: ${req.path}` });
  }
  const { params } = lookup.match;
  const matched = lookup.match.route;
  parseBody(req);
  if (isApi && matched.scopes) authenticate(parts, req, matched);
  return withHeaders(await matched.handler(req, params), rateHeaders);
}

function withHeaders(res: SimResponse, extra: Record<string, string> | undefined): SimResponse {
  return extra ? { ...res, headers: { ...extra, ...res.headers } } : res;
}

/** Creates the HTTP server; `baseUrl` is read per request because the port is known only after listen. */
export function createSimServer(parts: ServerParts): Server {
  let inFlight = 0;
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    // 32 lower-case hex characters, as Okta's X-Okta-Request-Id since 2025 (27 base64-like ones before; facts §10.3).
    const requestId = parts.org.random.hex(32);
    readBody(incoming)
      .then(async (rawBody) => {
        const req = toSimRequest(incoming, rawBody, parts.org.baseUrl(), requestId);
        const counted = !req.path.startsWith('/__sim/');
        if (counted) inFlight++;
        try {
          const res =
            counted && inFlight > parts.concurrencyLimit
              ? renderOktaError(
                  parts.org.random,
                  new OktaApiError('E0000047', { headers: parts.rateLimiter.concurrencyHeaders() }),
                )
              : await handle(parts, req);
          if (res === 'drop') {
            incoming.socket.destroy();
            return;
          }
          send(parts, req, res, outgoing);
        } finally {
          if (counted) inFlight--;
        }
      })
      .catch((error: unknown) => {
        if (outgoing.headersSent) return;
        const res = renderOktaError(
          parts.org.random,
          new OktaApiError('E0000009', { causes: [error instanceof Error ? error.message : 'internal error'] }),
        );
        outgoing.writeHead(res.status, { 'content-type': 'application/json', 'x-okta-request-id': requestId });
        outgoing.end(JSON.stringify(res.body));
      });
  });
  return server;
}

// The Date header changes once a second; formatting it per request is measurable at thousands of requests/s.
let dateCache = { second: -1, text: '' };
function dateHeader(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== dateCache.second) dateCache = { second, text: new Date(second * 1000).toUTCString() };
  return dateCache.text;
}

/** What Okta sends on (nearly) every answer, 204s and errors included (okta-sdk-python.json, oktakit.json). */
const NO_CACHE = { 'cache-control': 'no-cache, no-store', pragma: 'no-cache', expires: '0' };

function send(parts: ServerParts, req: SimRequest, res: SimResponse, outgoing: ServerResponse): void {
  const payload = res.html ?? (res.body === undefined || res.status === 204 ? '' : JSON.stringify(res.body));
  // A 204 (or any answer without a body) has no Content-Type (facts §10.1: every recorded 204).
  const contentType =
    res.html !== undefined ? 'text/html; charset=utf-8' : payload === '' ? undefined : 'application/json';
  const headers: Record<string, string | string[]> = {
    ...(contentType ? { 'content-type': contentType } : {}),
    // A 405 comes without a request id, as without rate-limit headers (okta-sdk-python.json[163]).
    ...(res.status === 405 ? {} : { 'x-okta-request-id': req.requestId ?? '' }),
    date: dateHeader(parts.org.clock.now()),
    ...NO_CACHE,
    ...res.headers,
    'content-length': String(Buffer.byteLength(payload)),
  };
  // A flat [name, value, ...] list is the cheapest form for writeHead; a `link` array becomes one line each.
  const raw: string[] = [];
  for (const name in headers) {
    const value = headers[name] as string | string[];
    if (Array.isArray(value)) for (const line of value) raw.push(name, line);
    else raw.push(name, value);
  }
  outgoing.writeHead(res.status, raw);
  outgoing.end(payload);
  if (parts.listeners.size > 0 && (req.path.startsWith('/api/v1') || req.path.startsWith('/oauth2/'))) {
    const observed: SimResponse = { ...res, headers };
    for (const listener of parts.listeners) listener(req, observed);
  }
}
