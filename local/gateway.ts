/**
 * The local gateway: one HTTP server standing in for API Gateway (REST, v1 proxy events) in front of the actions
 * and the OAuth routes, and for the event hook's Lambda Function URL (payload format 2.0). It turns each request
 * into the event AWS would send, runs the handler in the local runtime, and answers as AWS would.
 *
 * Locally there is no IAM (SigV4) check on the actions: anyone who can reach 127.0.0.1 can call them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, readBody } from './aws/json-protocol.js';
import type { LocalFunction, LocalRuntime } from './runtime.js';

export interface GatewayRoutes {
  /** From the action catalog: `POST /actions/<name>` runs `entry`. */
  actions: Array<{ name: string; entry: string }>;
  /** `GET /oauth/authorize` and `GET /oauth/callback`. */
  oauth?: { authorize: string; callback: string };
  /** `GET` and `POST /event-hook`, as a Function URL. */
  eventHook?: string;
}

export interface GatewayOptions {
  runtime: LocalRuntime;
  routes: GatewayRoutes;
  /** 0 (default) = any free port. */
  port?: number;
  /** Called after each request, for the sandbox's log. */
  onRequest?: (line: { method: string; path: string; status: number; durationMs: number }) => void;
}

export interface Gateway {
  /** The base URL; the CONTRACT's `ACTIONS_URL` (actions at `{url}/actions/<name>`). */
  url: string;
  /** `{url}/event-hook`, the CONTRACT's `EVENT_HOOK_URL`. */
  eventHookUrl: string;
  close(): Promise<void>;
}

/** The stage name put in the API Gateway events' `requestContext.stage`. */
export const localStage = 'local';

/** Starts the gateway on 127.0.0.1. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const server = createServer((req, res) => {
    const started = Date.now();
    route(options, req, res)
      .catch(() => sendJson(res, 500, { message: 'Internal server error' }))
      .finally(() => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        options.onRequest?.({ method: req.method ?? '', path, status: res.statusCode, durationMs: Date.now() - started });
      });
  });
  const running = await listen(server, options.port ?? 0);
  return { url: running.url, eventHookUrl: `${running.url}/event-hook`, close: running.close };
}

async function route(options: GatewayOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const method = req.method ?? 'GET';
  const { routes, runtime } = options;
  const action = /^\/actions\/([^/]+)$/.exec(url.pathname);
  const restFunction = (fn: LocalFunction, resource: string) => runRest(runtime, fn, resource, req, url, res);

  if (action && method === 'POST') {
    const spec = routes.actions.find((a) => a.name === action[1]);
    if (spec) return restFunction({ name: spec.name, entry: spec.entry }, `/actions/${spec.name}`);
    return sendJson(res, 404, { message: `No action named "${action[1]}". The actions are: ${routes.actions.map((a) => a.name).join(', ')}.` });
  }
  if (routes.oauth && method === 'GET' && url.pathname === '/oauth/authorize') {
    return restFunction({ name: 'oauth-authorize', entry: routes.oauth.authorize }, '/oauth/authorize');
  }
  if (routes.oauth && method === 'GET' && url.pathname === '/oauth/callback') {
    return restFunction({ name: 'oauth-callback', entry: routes.oauth.callback }, '/oauth/callback');
  }
  if (routes.eventHook && (method === 'GET' || method === 'POST') && url.pathname === '/event-hook') {
    return runFunctionUrl(runtime, { name: 'event-hook', entry: routes.eventHook }, req, url, res);
  }
  if (method === 'GET' && url.pathname === '/') {
    return sendJson(res, 200, {
      actions: routes.actions.map((a) => `POST /actions/${a.name}`),
      oauth: routes.oauth ? ['GET /oauth/authorize?connection=<name>', 'GET /oauth/callback'] : [],
      eventHook: routes.eventHook ? ['GET /event-hook', 'POST /event-hook'] : [],
    });
  }
  sendJson(res, 404, { message: `No route ${method} ${url.pathname}; GET / lists the routes.` });
}

/** API Gateway REST: a v1 proxy event; a thrown error or a malformed result is a 502, as API Gateway answers. */
async function runRest(runtime: LocalRuntime, fn: LocalFunction, resource: string, req: IncomingMessage, url: URL, res: ServerResponse) {
  const body = await readBody(req);
  const outcome = await runtime.invoke(fn, restEvent(req, url, resource, body));
  if (!outcome.ok) {
    if (outcome.error.errorType === 'Sandbox.Timedout') return sendJson(res, 504, { message: 'Endpoint request timed out' });
    return sendJson(res, 502, { message: 'Internal server error' });
  }
  const result = outcome.result as ProxyResult | undefined;
  if (!result || typeof result !== 'object' || typeof result.statusCode !== 'number') {
    return sendJson(res, 502, { message: 'Internal server error' });
  }
  sendProxyResult(res, result);
}

/** Lambda Function URL: a payload 2.0 event; a result without `statusCode` is sent as a 200 JSON body. */
async function runFunctionUrl(runtime: LocalRuntime, fn: LocalFunction, req: IncomingMessage, url: URL, res: ServerResponse) {
  const body = await readBody(req);
  const outcome = await runtime.invoke(fn, functionUrlEvent(req, url, body));
  if (!outcome.ok) return sendJson(res, 502, { Message: 'Internal Server Error' });
  const result = outcome.result;
  if (result && typeof result === 'object' && typeof (result as ProxyResult).statusCode === 'number') {
    const proxy = result as ProxyResult & { cookies?: string[] };
    const multiValueHeaders = { ...proxy.multiValueHeaders };
    if (proxy.cookies?.length) multiValueHeaders['set-cookie'] = proxy.cookies;
    return sendProxyResult(res, { ...proxy, multiValueHeaders });
  }
  if (result === undefined || result === null) return sendText(res, 200, {}, '');
  sendText(res, 200, { 'content-type': 'application/json' }, JSON.stringify(result));
}

interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, Array<string | number | boolean>>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** The API Gateway REST proxy event (v1) for this request. */
export function restEvent(req: IncomingMessage, url: URL, resource: string, body: string) {
  const { single, multi } = headersOf(req);
  const now = new Date();
  const query = queryOf(url);
  return {
    resource,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers: Object.keys(single).length ? single : null,
    multiValueHeaders: Object.keys(multi).length ? multi : null,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      resourceId: 'local',
      resourcePath: resource,
      httpMethod: req.method ?? 'GET',
      // The path as the client sent it; in AWS it starts with the stage (e.g. `/prod/oauth/callback`).
      path: url.pathname,
      stage: localStage,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: crypto.randomUUID(),
      extendedRequestId: crypto.randomUUID(),
      requestTime: clfTime(now),
      requestTimeEpoch: now.getTime(),
      domainName: url.host,
      domainPrefix: url.hostname.split('.')[0] ?? url.hostname,
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? null,
        accountId: null, caller: null, user: null, userArn: null, accessKey: null,
        apiKey: null, apiKeyId: null, cognitoIdentityPoolId: null, cognitoIdentityId: null,
        cognitoAuthenticationProvider: null, cognitoAuthenticationType: null, principalOrgId: null, clientCert: null,
      },
      authorizer: null,
    },
    body: body === '' ? null : body,
    isBase64Encoded: false,
  };
}

/** The Lambda Function URL event (payload format 2.0) for this request. */
export function functionUrlEvent(req: IncomingMessage, url: URL, body: string) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = req.headers.cookie?.split(/;\s*/).filter(Boolean);
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
  const now = new Date();
  const binary = body !== '' && !/^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded))/.test(headers['content-type'] ?? 'text/plain');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: url.hostname.split('.')[0] ?? url.hostname,
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: crypto.randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body !== '' ? { body: binary ? Buffer.from(body).toString('base64') : body } : {}),
    isBase64Encoded: binary,
  };
}

/** v1 headers keep the client's casing; `headers` holds the last value of each, `multiValueHeaders` all of them. */
function headersOf(req: IncomingMessage) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  // API Gateway adds these; a handler builds its public URL (e.g. an OAuth redirect URI) from them and Host.
  const added = {
    'X-Forwarded-For': req.socket.remoteAddress ?? '127.0.0.1',
    'X-Forwarded-Port': String(req.socket.localPort ?? ''),
    'X-Forwarded-Proto': 'http',
    'X-Amzn-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`,
  };
  for (const [name, value] of Object.entries(added)) {
    single[name] = value;
    multi[name] = [value];
  }
  return { single, multi };
}

function queryOf(url: URL) {
  if ([...url.searchParams.keys()].length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  return { single, multi };
}

function sendProxyResult(res: ServerResponse, result: ProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name.toLowerCase()] = values.map(String);
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
  sendText(res, result.statusCode, headers, body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, { 'content-type': 'application/json' }, typeof body === 'string' ? body : JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string | Buffer): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** `29/Nov/2026:12:01:03 +0000`, the time format of API Gateway's request context. */
function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
