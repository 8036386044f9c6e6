/**
 * When a failed call to Okta may be tried again, and how long to wait first.
 *
 * GET, PUT and DELETE are idempotent, so a 5xx, a timeout or a reset is retried. A POST may create a user or
 * start a lifecycle change twice, so it is retried only when the request surely never reached Okta: the
 * connection was never made (refused, DNS failure, unreachable network, connect timeout). A reset or a timeout
 * after connecting may come after Okta acted, so a POST is not retried then.
 */

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
