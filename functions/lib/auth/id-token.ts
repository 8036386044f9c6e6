/**
 * The check of the ID token a consent's code exchange returns (OpenID Connect Core 3.1.3.7): signed by a key of
 * the org's JWKS (`/oauth2/v1/keys`, the org authorization server's `jwks_uri`), issued by the org (`iss`, the org's
 * origin), for this app (`aud`, the client id), for this consent (`nonce`), and not expired. What it yields is who
 * consented: the Okta user id (`sub`) and the login (`preferred_username`, with the `profile` scope).
 */
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import { OktaUnavailable } from '../errors.js';

/** Who consented, from a checked ID token. */
export interface Consenter {
  /** The Okta user id (`00u…`). */
  sub: string;
  /** The user's login, when the token carries it. */
  login?: string;
}

/** The ID token is not one this consent may accept; `reason` is for the log and the metric, never the page. */
export class IdTokenRefused extends Error {
  override readonly name = 'IdTokenRefused';
  constructor(readonly reason: string) {
    super(`ID token refused: ${reason}`);
  }
}

export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  nonce: string;
}

export interface IdTokenDeps {
  fetch?: typeof fetch;
  now?: () => number;
  userAgent?: string;
}

/** Okta signs ID tokens with RS256 (`id_token_signing_alg_values_supported` of the org's metadata). */
const ALGORITHMS = ['RS256'];
/** Clock skew tolerated between Okta and Lambda. */
const CLOCK_TOLERANCE_S = 120;
const JWKS_TIMEOUT_MS = 5_000;

/** Checks `idToken`; throws `IdTokenRefused` (or `OktaUnavailable` when the JWKS cannot be read). */
export async function verifyIdToken(
  idToken: string | undefined,
  expected: IdTokenExpectations,
  deps: IdTokenDeps = {},
): Promise<Consenter> {
  if (!idToken) throw new IdTokenRefused('the token response has no id_token');
  const jwks = await readJwks(expected.issuer, deps);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), {
      issuer: expected.issuer,
      audience: expected.clientId,
      algorithms: ALGORITHMS,
      currentDate: new Date((deps.now ?? Date.now)()),
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['sub', 'exp', 'iat', 'nonce'],
    }));
  } catch (error) {
    throw new IdTokenRefused(joseReason(error));
  }
  if (payload.nonce !== expected.nonce) throw new IdTokenRefused('nonce does not match this consent');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new IdTokenRefused('no sub');
  const login = typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined;
  return { sub: payload.sub, ...(login ? { login } : {}) };
}

/** Whether the consenter is the one expected: a login (case-insensitive, as Okta logins are) or a user id. */
export function isExpectedConsenter(consenter: Consenter, expected: string | undefined): boolean {
  if (expected === undefined) return true;
  return consenter.sub === expected || consenter.login?.toLowerCase() === expected.toLowerCase();
}

async function readJwks(issuer: string, deps: IdTokenDeps): Promise<JSONWebKeySet> {
  const url = `${issuer}/oauth2/v1/keys`;
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, {
      headers: { accept: 'application/json', ...(deps.userAgent ? { 'user-agent': deps.userAgent } : {}) },
      // Keys come from the org itself, never from where a redirect points (issue 14.9).
      redirect: 'error',
      signal: AbortSignal.timeout(JWKS_TIMEOUT_MS),
    });
  } catch (error) {
    throw new OktaUnavailable(`Okta's JWKS ${url} could not be read`, { cause: error });
  }
  const body = (await response.json().catch(() => undefined)) as { keys?: unknown } | undefined;
  if (!response.ok || !Array.isArray(body?.keys)) {
    throw new OktaUnavailable(`Okta's JWKS ${url} answered ${response.status} without keys`);
  }
  return body as JSONWebKeySet;
}

function joseReason(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim ${error.claim} is not as expected`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "no key of the org's JWKS signed it";
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  return 'malformed';
}
