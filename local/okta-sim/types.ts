/**
 * The seams inside the simulated Okta org. The HTTP server, the directory (users, groups, apps), the System Log
 * and rate limits live on one side; OAuth (`oauth/`) and event hooks (`hooks/`) plug in through these
 * types, so each part can be read, and tested, on its own.
 */
import type { JWK } from 'jose';

/** A parsed request as every route handler sees it. */
export interface SimRequest {
  method: string;
  /** The full URL as the client sent it (origin is the simulator's own). */
  url: URL;
  /** `url.pathname`, decoded once. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  rawBody: string;
  /** JSON body parsed, or a form body (`application/x-www-form-urlencoded`) as a plain object, or undefined. */
  body: unknown;
  /** Who is calling, set by `authenticate` before an `/api/v1` handler runs. */
  principal?: Principal;
  /** The `X-Okta-Request-Id` the response will carry (set by the server). */
  requestId?: string;
  /** The caller's IP address (the socket's, or the first `X-Forwarded-For` entry). */
  remoteAddress?: string;
}

/** A response: JSON when `body` is set, HTML when `html` is set, empty otherwise. */
export interface SimResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: unknown;
  html?: string;
}

export type RouteHandler = (req: SimRequest, params: Record<string, string>) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with `:name` parameters, e.g. `/api/v1/users/:id/lifecycle/activate`. */
  pattern: string;
  /** Rate-limit bucket name (see rate-limits.ts); undefined for routes outside `/api/v1` (OAuth, control). */
  bucket?: string;
  /**
   * Okta scopes that allow the call with an OAuth token (any one of them), as the spec's `security` says.
   * Undefined for routes that need no `/api/v1` authentication.
   */
  scopes?: string[];
  handler: RouteHandler;
}

/** The caller of an `/api/v1` request. */
export type Principal =
  | { kind: 'api-token'; userId: string }
  | { kind: 'oauth'; clientId: string; userId?: string; scopes: string[]; tokenType: 'Bearer' | 'DPoP' };

/** The simulator's clock: real time by default, settable and advanceable by tests and benchmarks. */
export interface SimClock {
  now(): number;
  set(epochMs: number): void;
  advance(ms: number): void;
}

/** An OAuth client registered in the org (a service app or a web app). */
export interface OAuthClient {
  clientId: string;
  /** The Okta app id (`0oa…`) that the client belongs to. */
  appId: string;
  label: string;
  tokenEndpointAuthMethod: 'private_key_jwt' | 'client_secret_basic' | 'client_secret_post';
  /** Public keys for `private_key_jwt`, each with a unique `kid`. */
  jwks: JWK[];
  clientSecret?: string;
  grantTypes: Array<'client_credentials' | 'authorization_code' | 'refresh_token'>;
  redirectUris: string[];
  /** Okta API scopes granted to the app. */
  grantedScopes: string[];
  /** `settings.oauthClient.dpop_bound_access_tokens`. */
  dpopBoundAccessTokens: boolean;
  refreshTokenRotation: 'ROTATE' | 'STATIC';
  /** Access token lifetime; Okta's is fixed at 3600, tests set it shorter. */
  tokenLifetimeSeconds?: number;
  /** The grace period during which a rotated refresh token still works (Okta's `leeway`, default 30). */
  refreshTokenLeewaySeconds?: number;
}

/** A user as far as OAuth sign-in needs one. */
export interface SignInUser {
  id: string;
  login: string;
  status: string;
}

/** What the OAuth and event-hook modules may use of the rest of the org. */
export interface SimOrgServices {
  clock: SimClock;
  /** The org's base URL, e.g. `http://127.0.0.1:4010`. */
  baseUrl(): string;
  /** Finds a user by login and checks the password; undefined when either is wrong. */
  signIn(login: string, password: string): SignInUser | undefined;
  /** Appends an event to the System Log (fills uuid, published, version, severity… when absent) and returns it. */
  appendLogEvent(event: Partial<LogEventLike> & { eventType: string }): LogEventLike;
  /** Calls `listener` for every event appended to the System Log, in order. Returns an unsubscribe function. */
  onLogEvent(listener: (event: LogEventLike) => void): () => void;
  newId(prefix: string): string;
}

/** A System Log event (shape of the spec's LogEvent; kept loose here, the log module owns the full shape). */
export interface LogEventLike {
  uuid: string;
  published: string;
  eventType: string;
  [field: string]: unknown;
}
