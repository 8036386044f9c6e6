/**
 * The local gateway: one HTTP server standing in for API Gateway (REST, v1 proxy events) in front of the actions
 * and the OAuth routes, and for the event hook's Lambda Function URL (payload format 2.0). It turns each request
 * into the event AWS would send, runs the handler in the local runtime, and answers as AWS would.
 *
 * An invocation the runtime throttles (the function's reserved concurrency or the account's is used up) is a 429,
 * as API Gateway and Function URLs answer a Lambda throttle: `Rate Exceeded.`.
 *
 * Locally there is no IAM (SigV4) check on the actions: any program on this machine can call them. Web pages
 * cannot: `listen` answers only loopback `Host`s and no foreign `Origin` (local/aws/loopback-guard.ts), and an
 * action needs `Content-Type: application/json`, which no page can send another site without a CORS preflight,
 * which the gateway never grants.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { actionRoutes } from '../functions/catalog.js';
import { listen, readBody } from './aws/json-protocol.js';
import { functionUrlEvent, restEvent } from './gateway-events.js';
import type { LocalFunction, LocalRuntime } from './runtime.js';

export interface GatewayRoutes {
  /**
   * From the action catalog: `POST /actions/<name>` and `POST /connections/<connection>/actions/<name>` run `entry`
   * (functions/catalog.ts `actionRoutes`).
   */
  actions: Array<{ name: string; entry: string }>;
  /** `GET /oauth/authorize` and `GET /oauth/callback` (the consent's start is invoked directly, never routed). */
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
  /** The base URL; `ACTIONS_URL` of docs/CONTRACT.md §1 (actions at `{url}/actions/<name>`). */
  url: string;
  /** `{url}/event-hook`, `EVENT_HOOK_URL` of docs/CONTRACT.md §1. */
  eventHookUrl: string;
  close(): Promise<void>;
}

/** Starts the gateway on 127.0.0.1. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const server = createServer((req, res) => {
    const started = Date.now();
    route(options, req, res)
      .catch(() => sendJson(res, 500, { message: 'Internal server error' }))
      .finally(() => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        options.onRequest?.({
          method: req.method ?? '',
          path,
          status: res.statusCode,
          durationMs: Date.now() - started,
        });
      });
  });
  const running = await listen(server, options.port ?? 0);
  return { url: running.url, eventHookUrl: `${running.url}/event-hook`, close: running.close };
}

async function route(options: GatewayOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const method = req.method ?? 'GET';
  const { routes, runtime } = options;
  const restFunction = (fn: LocalFunction, resource: string, parameters: Record<string, string> | null = null) =>
    runRest(runtime, fn, resource, req, url, res, parameters);

  const action = matchAction(url.pathname);
  if (action && method === 'POST') {
    const spec = routes.actions.find((a) => a.name === action.name);
    if (!spec) {
      return sendJson(res, 404, {
        message: `No action named "${action.name}". The actions are: ${routes.actions.map((a) => a.name).join(', ')}.`,
      });
    }
    if (!isJson(req)) {
      return sendJson(res, 400, {
        error: { type: 'InvalidInput', message: 'an action takes a JSON body: send Content-Type: application/json' },
      });
    }
    const route = actionRoutes(spec.name);
    const fn = { name: spec.name, entry: spec.entry };
    return action.connection === undefined
      ? restFunction(fn, route.any)
      : restFunction(fn, route.perConnection, { connection: action.connection });
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
      actions: routes.actions.flatMap((a) => Object.values(actionRoutes(a.name)).map((path) => `POST ${path}`)),
      oauth: routes.oauth ? ['GET /oauth/authorize?consent=<ticket>', 'GET /oauth/callback'] : [],
      eventHook: routes.eventHook ? ['GET /event-hook', 'POST /event-hook'] : [],
    });
  }
  sendJson(res, 404, { message: `No route ${method} ${url.pathname}; GET / lists the routes.` });
}

/** The catalog's action routes with the name as a parameter too: `/actions/{action}` and the per-connection one. */
const actionPathPatterns = Object.values(actionRoutes('{action}')).map(
  (template) => new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
);

/**
 * The action a path names, with the connection of a per-connection route (as API Gateway passes a path parameter:
 * still percent-encoded).
 */
function matchAction(pathname: string): { name: string; connection?: string } | undefined {
  for (const pattern of actionPathPatterns) {
    const groups = pattern.exec(pathname)?.groups;
    if (groups?.action !== undefined) return { name: groups.action, connection: groups.connection };
  }
  return undefined;
}

/** `Content-Type: application/json`, with or without parameters (`; charset=utf-8`). */
function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json';
}

/** API Gateway REST: a v1 proxy event; a thrown error or a malformed result is a 502, as API Gateway answers. */
async function runRest(
  runtime: LocalRuntime,
  fn: LocalFunction,
  resource: string,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
  pathParameters: Record<string, string> | null,
) {
  const body = await readBody(req);
  const outcome = await runtime.invoke(fn, restEvent(req, url, resource, body, pathParameters));
  if (outcome.throttled) return sendJson(res, 429, { message: 'Rate Exceeded.' });
  if (!outcome.ok) {
    if (outcome.error.errorType === 'Sandbox.Timedout')
      return sendJson(res, 504, { message: 'Endpoint request timed out' });
    return sendJson(res, 502, { message: 'Internal server error' });
  }
  const result = outcome.result as ProxyResult | undefined;
  if (!result || typeof result !== 'object' || typeof result.statusCode !== 'number') {
    return sendJson(res, 502, { message: 'Internal server error' });
  }
  sendProxyResult(res, result);
}

/** Lambda Function URL: a payload 2.0 event; a result without `statusCode` is sent as a 200 JSON body. */
async function runFunctionUrl(
  runtime: LocalRuntime,
  fn: LocalFunction,
  req: IncomingMessage,
  url: URL,
  res: ServerResponse,
) {
  const body = await readBody(req);
  const outcome = await runtime.invoke(fn, functionUrlEvent(req, url, body));
  if (outcome.throttled) return sendJson(res, 429, { Message: 'Rate Exceeded.' });
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

function sendProxyResult(res: ServerResponse, result: ProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name.toLowerCase()] = values.map(String);
  const body = result.isBase64Encoded
    ? Buffer.from(result.body ?? '', 'base64')
    : Buffer.from(result.body ?? '', 'utf8');
  sendText(res, result.statusCode, headers, body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, { 'content-type': 'application/json' }, typeof body === 'string' ? body : JSON.stringify(body));
}

function sendText(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: string | Buffer,
): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
