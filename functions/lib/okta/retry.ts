/**
 * When a failed call to Okta may be tried again, and how long to wait first.
 *
 * GET, PUT and DELETE are idempotent, so a 5xx, a timeout or a reset is retried. A POST may create a user or
 * start a lifecycle change twice, so it is retried only when the request surely never reached Okta: the
 * connection was never made (refused, DNS failure, unreachable network, connect timeout). A reset or a timeout
 * after connecting may come after Okta acted, so a POST is not retried then.
 */
import type { Clock } from '../clock.js';

/** Error codes (on a fetch error's `cause` chain) that mean no byte of the request reached the server. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The first `code` on an error's `cause` chain (undici puts the socket's code on `cause`). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether fetch failed before the request was sent, so even a POST is safe to send again. */
export function neverReachedOkta(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code !== undefined && NEVER_CONNECTED.has(code);
}

/** Whether a thrown fetch error is a network failure or timeout (rather than a bug such as a bad URL). */
export function isNetworkFailure(error: unknown): boolean {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return true;
  return error instanceof TypeError || networkErrorCode(error) !== undefined;
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/** Whether a method may be sent again after it possibly reached Okta. */
export function isIdempotent(method: string): boolean {
  return method === 'GET' || method === 'PUT' || method === 'DELETE';
}

export interface Backoff {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 250, capMs: 8_000 };

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so waits grow with each attempt
 * (0-based) and clients that failed together do not come back together.
 */
export function backoffDelay(attempt: number, random: () => number, backoff: Backoff = DEFAULT_BACKOFF): number {
  const step = Math.min(backoff.capMs, backoff.baseMs * 2 ** attempt);
  return Math.round(step / 2 + (step / 2) * random());
}

/** Up to a second of random spread added to a wait for a rate-limit reset, so waiting callers do not all return at once. */
export function resetJitter(random: () => number): number {
  return Math.round(1000 * random());
}

/** Why an attempt is to be made again. */
export type RetryReason = 'failure' | 'rate-limit' | 'sign-in';

/** Retries of one request per reason: 5xx and network failures, 429s (else bounded by the deadline), a new sign-in. */
const MAX_RETRIES: Record<RetryReason, number> = { failure: 3, 'rate-limit': 10, 'sign-in': 1 };

/**
 * The retries one request may still spend, whatever their reason, and never a wait that ends past its deadline.
 * `attempts(reason)` is the backoff step; `retry` waits and says yes, or says no and waits nothing.
 */
export class RetryBudget {
  /** Retries made, all reasons together (the response's `retries`). */
  retries = 0;
  private readonly used: Record<RetryReason, number> = { failure: 0, 'rate-limit': 0, 'sign-in': 0 };

  constructor(
    private readonly deadline: number,
    private readonly clock: Clock,
  ) {}

  attempts(reason: RetryReason): number {
    return this.used[reason];
  }

  async retry(reason: RetryReason, waitMs = 0): Promise<boolean> {
    if (this.used[reason] >= MAX_RETRIES[reason] || this.clock.now() + waitMs > this.deadline) return false;
    if (waitMs > 0) await this.clock.sleep(waitMs);
    this.used[reason] += 1;
    this.retries += 1;
    return true;
  }
}
