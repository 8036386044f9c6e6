/**
 * Okta's error answers turned into the CONTRACT error types. Only `errorCode` (and the HTTP status when there is
 * no code) drives the choice: "Only the errorCode property is supported for runtime error flow control" (CORE).
 * Every error keeps Okta's code, error id, causes, request id and status, so a caller with finer needs (an
 * "already active" that is a success for it) can decide on `oktaErrorCode` and `oktaStatus` itself.
 */
import type { HeaderReader } from './http-transport.js';
import {
  type ConnectorError,
  type ConnectorErrorOptions,
  InternalError,
  InvalidUserState,
  OktaAuthFailed,
  OktaForbidden,
  OktaNotFound,
  OktaRateLimited,
  OktaUnavailable,
  OktaValidationFailed,
} from '../errors.js';

type ErrorClass = new (message: string, options?: ConnectorErrorOptions) => ConnectorError;

/** Error codes with a fixed meaning (OKTA-API-FACTS §0; the error catalogue ERR). */
export const ERROR_CODE_TYPES: Record<string, ErrorClass> = {
  E0000001: OktaValidationFailed, // API validation failed (also "user not active" on suspend)
  E0000003: OktaValidationFailed, // body not well-formed
  E0000014: OktaValidationFailed, // update of credentials failed (password history, policy)
  E0000018: OktaValidationFailed, // Accept/Content-Type missing
  E0000028: OktaValidationFailed, // missing required parameter
  E0000031: OktaValidationFailed, // invalid search criteria
  E0000053: OktaValidationFailed, // invalid SCIM filter
  E0000054: OktaValidationFailed, // invalid pagination properties
  E0000080: OktaValidationFailed, // password policy violation
  E0000093: OktaValidationFailed, // target count limit exceeded
  E0000094: OktaValidationFailed, // unsupported filter
  E0000124: OktaValidationFailed, // expired password without a password
  E0000125: OktaValidationFailed, // expired password without activate=true
  E0000004: OktaAuthFailed, // authentication failed
  E0000011: OktaAuthFailed, // invalid token
  E0000005: OktaForbidden, // invalid session
  E0000006: OktaForbidden, // access denied
  E0000015: OktaForbidden, // feature not enabled for the org
  E0000007: OktaNotFound,
  E0000016: InvalidUserState, // activation failed: the user is already active
  E0000017: InvalidUserState, // password reset failed (the user's status does not allow it)
  E0000038: InvalidUserState, // not allowed in the user's current status
  E0000112: InvalidUserState, // still being activated
  E0000047: OktaRateLimited,
  E0000009: OktaUnavailable, // internal error or query timeout
};

/** OAuth error codes of the token endpoint and of resource servers (OERR). */
const OAUTH_ERROR_TYPES: Record<string, ErrorClass> = {
  invalid_token: OktaAuthFailed,
  invalid_client: OktaAuthFailed,
  invalid_grant: OktaAuthFailed,
  unauthorized_client: OktaAuthFailed,
  invalid_dpop_proof: OktaAuthFailed,
  invalid_scope: OktaForbidden,
  insufficient_scope: OktaForbidden,
  access_denied: OktaForbidden,
  invalid_request: OktaValidationFailed,
  temporarily_unavailable: OktaUnavailable,
  server_error: OktaUnavailable,
};

/** The parts of an Okta error body the connector keeps. */
export interface OktaErrorBody {
  errorCode?: string;
  errorSummary?: string;
  errorId?: string;
  causes?: string[];
  /** OAuth endpoints answer `{error, error_description}` instead. */
  oauthError?: string;
}

/** Reads an error body of either Okta shape; anything else (HTML from a proxy, text) gives an empty result. */
export function readErrorBody(body: unknown): OktaErrorBody {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as Record<string, unknown>;
  const causes = Array.isArray(b.errorCauses)
    ? b.errorCauses
        .map((c) => (typeof c === 'object' && c !== null ? (c as Record<string, unknown>).errorSummary : undefined))
        .filter((s): s is string => typeof s === 'string')
    : undefined;
  return {
    errorCode: stringOr(b.errorCode),
    errorSummary: stringOr(b.errorSummary) ?? stringOr(b.error_description),
    errorId: stringOr(b.errorId),
    causes,
    oauthError: stringOr(b.error),
  };
}

/** The CONTRACT error for a failed Okta response. `body` is the parsed JSON, or the text when it was not JSON. */
export function oktaError(
  status: number,
  body: unknown,
  headers: HeaderReader,
  options: { retryAfterSeconds?: number } = {},
): ConnectorError {
  const parsed = readErrorBody(body);
  const oauthError = parsed.oauthError ?? wwwAuthenticateError(headers);
  const type =
    (parsed.errorCode && ERROR_CODE_TYPES[parsed.errorCode]) ||
    (oauthError && OAUTH_ERROR_TYPES[oauthError]) ||
    typeForStatus(status);
  const summary = parsed.errorSummary ?? `HTTP ${status}`;
  const code = parsed.errorCode ?? oauthError;
  // An OAuth or DPoP refusal explains itself only in WWW-Authenticate (okta-sdk-nodejs#453): keep it as a cause.
  const challenge = wwwAuthenticateProblem(headers);
  const causes = challenge && challenge !== code ? [...(parsed.causes ?? []), challenge] : parsed.causes;
  const details: ConnectorErrorOptions = {
    oktaErrorCode: code,
    oktaErrorId: parsed.errorId,
    causes,
    oktaRequestId: headers.get('x-okta-request-id') ?? undefined,
    oktaStatus: status,
    retryAfterSeconds: options.retryAfterSeconds,
  };
  return new type(`Okta answered ${status}${code ? ` ${code}` : ''}: ${summary}`, details);
}

function typeForStatus(status: number): ErrorClass {
  if (status === 401) return OktaAuthFailed;
  if (status === 403) return OktaForbidden;
  if (status === 404) return OktaNotFound;
  if (status === 409) return InvalidUserState;
  if (status === 429) return OktaRateLimited;
  if (status >= 500) return OktaUnavailable;
  // 405, 411, 415: the connector built a request Okta cannot take; that is a bug of ours, not the caller's.
  if (status === 405 || status === 411 || status === 415) return InternalError;
  if (status >= 400) return OktaValidationFailed;
  return InternalError;
}

/** `WWW-Authenticate: Bearer error="invalid_token", …` (resource errors on OAuth and DPoP calls). */
export function wwwAuthenticateError(headers: HeaderReader): string | undefined {
  const value = headers.get('www-authenticate');
  return value ? /error="([^"]+)"/.exec(value)?.[1] : undefined;
}

/** `error: description` of a WWW-Authenticate challenge, if it names an error. */
function wwwAuthenticateProblem(headers: HeaderReader): string | undefined {
  const error = wwwAuthenticateError(headers);
  if (!error) return undefined;
  const description = /error_description="([^"]*)"/.exec(headers.get('www-authenticate') ?? '')?.[1];
  return description ? `${error}: ${description}` : error;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
