/**
 * The Okta client's request and response shapes, in a file of their own so paging and the client share them
 * without importing each other.
 */
import type { Connection } from '../connections.js';
import type { HeaderReader } from './http-transport.js';
import type { RateLimitState } from './rate-limits.js';

export interface OktaRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/api/v1/users/00u1` with segments already encodeURIComponent-ed, or an absolute next-link URL of the same org. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether Okta may get the request twice after a 5xx, timeout or reset. Default: by method (GET, PUT, DELETE
   * yes; POST no). A 429 and a request that never reached Okta are retried either way.
   */
  idempotent?: boolean;
}

export interface CallOptions {
  /** Epoch ms; no wait or retry may end after it (a Lambda's remaining time). Default: 30 s from the call. */
  deadline?: number;
  /** Default true: spread calls when under the reserve; the poller passes false and checks headroom itself. */
  paceNearLimit?: boolean;
  /** Per-attempt timeout in ms (default 20 s, never past the deadline). */
  timeoutMs?: number;
}

export interface OktaResponse<T = unknown> {
  status: number;
  body: T;
  headers: HeaderReader;
  requestId?: string;
  retries: number;
}

export interface OktaPage<T> {
  items: T[];
  /** Absolute URL of rel="next". */
  next?: string;
  response: OktaResponse<T[]>;
}

export interface OktaClient {
  readonly connection: Connection;
  request<T = unknown>(req: OktaRequest, options?: CallOptions): Promise<OktaResponse<T>>;
  pages<T = unknown>(req: OktaRequest, options?: CallOptions): AsyncGenerator<OktaPage<T>>;
  list<T = unknown>(
    req: OktaRequest,
    options?: CallOptions & { limit?: number; pageSize?: number },
  ): Promise<{ items: T[]; after?: string }>;
  rateLimit(path: string, method?: string): RateLimitState | undefined;
  stats(): { requests: number; retries: number; requestIds: string[] };
  /** Starts the counters of `stats()` again (at the start of an invocation, the client living longer). */
  resetStats(): void;
}
