/**
 * Calls to the org authorization server's token endpoint (`POST <org>/oauth2/v1/token`, form-encoded), shared by
 * the client-credentials, refresh-token and authorization-code grants. It switches to DPoP when Okta asks for it
 * (`invalid_dpop_proof`: the app requires DPoP) and answers the nonce challenge (`use_dpop_nonce` with a
 * `dpop-nonce` header), then keeps using DPoP and the nonce for the connection.
 */
import { systemClock } from '../clock.js';
import type { Connection } from '../connections.js';
import { OktaUnavailable, type ConnectorError } from '../errors.js';
import { oktaError } from '../okta/errors.js';
import { parseResponseBody } from '../okta/response-body.js';
import { dpopProof } from './dpop.js';

export interface TokenResponse {
  accessToken: string;
  tokenType: 'Bearer' | 'DPoP';
  expiresIn: number;
  refreshToken?: string;
  /** The OpenID ID token (a grant that asked for `openid`: the consent's code exchange). */
  idToken?: string;
  scope?: string;
  /** Epoch ms when to renew it, when the grant knows better than `expiresIn` (a token another container got). */
  renewAt?: number;
}

export interface TokenEndpoint {
  readonly url: string;
  /** Whether Okta has asked this connection for DPoP (so resource calls must carry proofs). */
  readonly usesDpop: boolean;
  /**
   * One token request. `form` is built again for each attempt (a client assertion's `jti` is good only once).
   */
  request(form: () => Promise<Record<string, string>>, options?: TokenRequestOptions): Promise<TokenResponse>;
}

export interface TokenRequestOptions {
  headers?: Record<string, string>;
  deadline?: number;
  /**
   * The grant may be sent again after a 5xx or a failed connection. True for client credentials (a new assertion
   * each time, nothing changes at Okta); never for a refresh token that Okta may have rotated already.
   */
  retryFailures?: boolean;
}

export interface TokenEndpointDeps {
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

const TOKEN_TIMEOUT_MS = 10_000;
/** A first try, a try with DPoP, a try with the nonce, and one more should the nonce rotate in between. */
const MAX_ATTEMPTS = 4;
/** Retries of a grant that is safe to send again, after a 5xx or a failed connection (250 ms, then 500 ms). */
const MAX_FAILURE_RETRIES = 2;

export function tokenEndpointFor(connection: Connection, deps: TokenEndpointDeps = {}): TokenEndpoint {
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? systemClock.now;
  const sleep = deps.sleep ?? systemClock.sleep;
  const url = `${connection.baseUrl}/oauth2/v1/token`;
  let usesDpop = false;
  let nonce: string | undefined;

  async function request(form: () => Promise<Record<string, string>>, options: TokenRequestOptions = {}) {
    let lastError: ConnectorError | undefined;
    let failures = 0;
    /** Whether to send the grant again after a failure: only when safe, and when the wait ends before the deadline. */
    const retryAfterFailure = async (): Promise<boolean> => {
      const wait = 250 * 2 ** failures;
      if (!options.retryFailures || failures >= MAX_FAILURE_RETRIES || now() + wait >= (options.deadline ?? Infinity))
        return false;
      failures += 1;
      await sleep(wait);
      return true;
    };
    for (let attempt = 0; attempt < MAX_ATTEMPTS + failures; attempt += 1) {
      const headers: Record<string, string> = {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        ...(deps.userAgent ? { 'user-agent': deps.userAgent } : {}),
        ...options.headers,
      };
      if (usesDpop) headers.dpop = await dpopProof({ htm: 'POST', htu: url, nowMs: now(), nonce });
      // Built before the call, outside its catch: a form that cannot be built (a client assertion KMS would not
      // sign) is that failure, not an unreachable Okta to retry. Built again each attempt: a `jti` is good once.
      const formBody = new URLSearchParams(await form()).toString();
      const timeout = Math.max(1, Math.min(TOKEN_TIMEOUT_MS, (options.deadline ?? Infinity) - now()));
      let response: Response;
      let text: string;
      try {
        response = await fetchFn(url, {
          method: 'POST',
          headers,
          body: formBody,
          signal: AbortSignal.timeout(timeout),
          // A redirect would re-send the body (refresh token, code, assertion) to wherever it points.
          redirect: 'error',
        });
        text = await response.text();
      } catch (error) {
        if (await retryAfterFailure()) continue;
        throw new OktaUnavailable(`Okta's token endpoint could not be reached for connection "${connection.name}"`, {
          cause: error,
        });
      }
      const body = parseResponseBody(text);
      if (response.ok) return tokenResponse(connection.name, body);
      if (response.status >= 500 && (await retryAfterFailure())) continue;

      const error = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).error : undefined;
      const offeredNonce = response.headers.get('dpop-nonce');
      if (error === 'use_dpop_nonce' && offeredNonce) {
        usesDpop = true;
        nonce = offeredNonce;
      } else if (error === 'invalid_dpop_proof' && !usesDpop) {
        usesDpop = true;
      } else {
        throw signInError(connection.name, response, body);
      }
      lastError = signInError(connection.name, response, body);
    }
    throw lastError ?? new OktaUnavailable("Okta's token endpoint did not answer");
  }

  return {
    url,
    get usesDpop() {
      return usesDpop;
    },
    request,
  };
}

function signInError(name: string, response: Response, body: unknown): ConnectorError {
  const reset = Number(response.headers.get('x-rate-limit-reset'));
  const retryAfterSeconds =
    response.status === 429 && Number.isFinite(reset) && reset > 0
      ? Math.max(1, Math.ceil(reset - Date.now() / 1000))
      : undefined;
  const error = oktaError(response.status, body, response.headers, { retryAfterSeconds });
  error.message = `Sign-in of connection "${name}" failed: ${error.message}`;
  return error;
}

function tokenResponse(name: string, body: unknown): TokenResponse {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.access_token !== 'string' || b.access_token === '') {
    throw new OktaUnavailable(`Okta's token endpoint answered without an access token for connection "${name}"`);
  }
  const tokenType = typeof b.token_type === 'string' && b.token_type.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  return {
    accessToken: b.access_token,
    tokenType,
    expiresIn: typeof b.expires_in === 'number' && b.expires_in > 0 ? b.expires_in : 3600,
    ...(typeof b.refresh_token === 'string' ? { refreshToken: b.refresh_token } : {}),
    ...(typeof b.id_token === 'string' ? { idToken: b.id_token } : {}),
    ...(typeof b.scope === 'string' ? { scope: b.scope } : {}),
  };
}
