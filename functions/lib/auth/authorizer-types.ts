/**
 * What a sign-in method gives the Okta client. In a file of its own so the three methods and the factory that
 * picks one (authorizer.ts) do not import each other.
 */
import type { HeaderReader } from '../okta/http-transport.js';

export interface Authorizer {
  /** The `Authorization` (and, with DPoP, `DPoP`) headers for one request; may fetch an access token first. */
  authorize(method: string, url: URL, deadline: number): Promise<Record<string, string>>;
  /**
   * Called with a 401 answer to a signed request. Returns true when signing again may succeed (a cached token was
   * dropped, a DPoP nonce was learnt); the client then retries once.
   */
  rejected(response: { status: number; headers: HeaderReader }): boolean;
}
