/**
 * A stand-in for the simulator's core, for testing the OAuth and event hook modules on the real wire before and
 * apart from the whole simulated org: the `SimOrgServices` they use (clock, users, System Log) and a small HTTP
 * server that serves their routes, parsing requests as the simulator does.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OktaApiError, renderOktaError } from '../../local/okta-sim/errors.js';
import { createRandom } from '../../local/okta-sim/random.js';
import type {
  LogEventLike,
  Principal,
  Route,
  SignInUser,
  SimClock,
  SimOrgServices,
  SimRequest,
  SimResponse,
} from '../../local/okta-sim/types.js';

export interface FakeOrg {
  services: SimOrgServices;
  clock: SimClock;
  /** Users who can sign in: login -> password and user. */
  users: Map<string, { password: string; user: SignInUser }>;
  events: LogEventLike[];
  setBaseUrl(url: string): void;
}

/** Services backed by plain maps, with a clock tests can move. */
export function createFakeOrg(): FakeOrg {
  let offset = 0;
  let baseUrl = 'http://127.0.0.1';
  const clock: SimClock = {
    now: () => Date.now() + offset,
    set: (epochMs) => void (offset = epochMs - Date.now()),
    advance: (ms) => void (offset += ms),
  };
  const users = new Map<string, { password: string; user: SignInUser }>();
  const events: LogEventLike[] = [];
  const listeners = new Set<(event: LogEventLike) => void>();
  let counter = 0;
  const services: SimOrgServices = {
    clock,
    baseUrl: () => baseUrl,
    signIn(login, password) {
      const entry = users.get(login);
      return entry && entry.password === password ? entry.user : undefined;
    },
    appendLogEvent(partial) {
      const event: LogEventLike = {
        uuid: randomUUID(),
        published: new Date(clock.now()).toISOString(),
        version: '0',
        severity: 'INFO',
        ...partial,
      };
      events.push(event);
      for (const listener of listeners) listener(event);
      return event;
    },
    onLogEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    newId: (prefix) => `${prefix}${String(++counter).padStart(17, 'x')}`,
  };
  return { services, clock, users, events, setBaseUrl: (url) => void (baseUrl = url) };
}

export interface RouteServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `routes` over HTTP. `/api/v1` requests with a Bearer or DPoP token go through `authenticate`, and the
 * route's scopes are enforced against the principal, as the simulator does; an `OktaApiError` thrown by either is
 * rendered as the simulator renders it.
 */
export async function serveRoutes(
  routes: Route[],
  authenticate?: (req: SimRequest) => Principal,
): Promise<RouteServer> {
  const random = createRandom(1);
  const server: Server = createServer((incoming, outgoing) => {
    const answer = handle(incoming).catch((error: unknown) => {
      if (error instanceof OktaApiError) return renderOktaError(random, error);
      throw error;
    });
    void answer.then((response) => {
      const headers: Record<string, string | string[]> = { ...response.headers };
      let payload = '';
      if (response.html !== undefined) {
        headers['content-type'] = 'text/html; charset=utf-8';
        payload = response.html;
      } else if (response.body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(response.body);
      }
      outgoing.writeHead(response.status, headers).end(payload);
    });
  });

  const handle = async (incoming: IncomingMessage): Promise<SimResponse> => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host ?? '127.0.0.1'}`);
    const headers = Object.fromEntries(
      Object.entries(incoming.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
    );
    const contentType = headers['content-type'] ?? '';
    const body: unknown =
      rawBody === ''
        ? undefined
        : contentType.includes('application/x-www-form-urlencoded')
          ? Object.fromEntries(new URLSearchParams(rawBody))
          : JSON.parse(rawBody);
    const req: SimRequest = {
      method: incoming.method ?? 'GET',
      url,
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers,
      rawBody,
      body,
    };
    for (const route of routes) {
      const params = matchPattern(route.pattern, url.pathname);
      if (route.method !== req.method || !params) continue;
      if (route.scopes && authenticate && /^(Bearer|DPoP) /i.test(headers.authorization ?? '')) {
        const principal = authenticate(req);
        if (principal.kind === 'oauth' && !route.scopes.some((scope) => principal.scopes.includes(scope))) {
          return { status: 403, body: { errorCode: 'E0000006' } };
        }
        req.principal = principal;
      }
      return route.handler(req, params);
    }
    return { status: 404, body: { errorCode: 'E0000007' } };
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const expected = pattern.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < expected.length; i++) {
    const segment = expected[i] as string;
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(actual[i] as string);
    else if (segment !== actual[i]) return undefined;
  }
  return params;
}
