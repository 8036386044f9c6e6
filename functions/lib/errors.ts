/**
 * The connector's error types (docs/CONTRACT.md §2). Each error's `name` is its contract `type`, so a
 * Step Functions `Retry`/`Catch` can match the thrown error of a direct invoke, and API Gateway callers get
 * the same type in the body with the matching HTTP status.
 *
 * Messages are written for the caller: they say what was wrong and what to do, and never contain a secret,
 * a token or a stack.
 */

export type ErrorType =
  | 'InvalidInput'
  | 'UnknownConnection'
  | 'OktaValidationFailed'
  | 'OktaAuthFailed'
  | 'OktaForbidden'
  | 'OktaNotFound'
  | 'InvalidUserState'
  | 'OktaRateLimited'
  | 'OktaUnavailable'
  | 'InternalError';

/** HTTP status of each error type over API Gateway. */
export const httpStatusOf: Record<ErrorType, number> = {
  InvalidInput: 400,
  UnknownConnection: 400,
  OktaValidationFailed: 400,
  OktaAuthFailed: 401,
  OktaForbidden: 403,
  OktaNotFound: 404,
  InvalidUserState: 409,
  OktaRateLimited: 429,
  OktaUnavailable: 502,
  InternalError: 500,
};

/** What Okta said, kept on every error that came from an Okta response. */
export interface OktaErrorDetails {
  oktaErrorCode?: string;
  oktaErrorId?: string;
  /** `errorCauses[].errorSummary`, in order. */
  causes?: string[];
  /** `X-Okta-Request-Id` of the failing response, to correlate with the System Log. */
  oktaRequestId?: string;
  /** HTTP status Okta answered with. */
  oktaStatus?: number;
}

export interface ConnectorErrorOptions extends ErrorOptions, OktaErrorDetails {
  retryAfterSeconds?: number;
}

/** The body of a failed call over HTTP: `{"error": {...}}` (docs/CONTRACT.md §2). */
export interface ErrorBody {
  error: {
    type: ErrorType;
    message: string;
    oktaErrorCode?: string;
    oktaErrorId?: string;
    causes?: string[];
    retryAfterSeconds?: number;
  };
}

/** Base of every error the connector reports to a caller. */
export abstract class ConnectorError extends Error {
  abstract override readonly name: ErrorType;
  readonly oktaErrorCode?: string;
  readonly oktaErrorId?: string;
  readonly causes?: string[];
  readonly oktaRequestId?: string;
  readonly oktaStatus?: number;
  readonly retryAfterSeconds?: number;

  constructor(message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.oktaErrorCode = options.oktaErrorCode;
    this.oktaErrorId = options.oktaErrorId;
    this.causes = options.causes;
    this.oktaRequestId = options.oktaRequestId;
    this.oktaStatus = options.oktaStatus;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get httpStatus(): number {
    return httpStatusOf[this.name];
  }

  /** The contract's error body; only fields that are set are included. */
  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { type: this.name, message: this.message };
    if (this.oktaErrorCode !== undefined) error.oktaErrorCode = this.oktaErrorCode;
    if (this.oktaErrorId !== undefined) error.oktaErrorId = this.oktaErrorId;
    if (this.causes !== undefined && this.causes.length > 0) error.causes = this.causes;
    if (this.retryAfterSeconds !== undefined) error.retryAfterSeconds = this.retryAfterSeconds;
    return { error };
  }
}

/** One invalid field of an input, named by its JSON path (e.g. `profile.email`). */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** The input fails validation; the message names each bad field. */
export class InvalidInput extends ConnectorError {
  override readonly name = 'InvalidInput' as const;
  readonly fields: FieldProblem[];
  constructor(fields: FieldProblem[] | string, options?: ConnectorErrorOptions) {
    const list = typeof fields === 'string' ? [{ field: '', problem: fields }] : fields;
    super(list.map((f) => (f.field ? `${f.field}: ${f.problem}` : f.problem)).join('; '), options);
    this.fields = list;
  }
}

/** No connection of that name (no such secret). A secret that exists but is malformed is an `InternalError` naming the bad field. */
export class UnknownConnection extends ConnectorError {
  override readonly name = 'UnknownConnection' as const;
}

/** Okta refused the request as invalid (E0000001 and the like). */
export class OktaValidationFailed extends ConnectorError {
  override readonly name = 'OktaValidationFailed' as const;
}

/** Okta refused the credentials (bad token, key, client, scopes). */
export class OktaAuthFailed extends ConnectorError {
  override readonly name = 'OktaAuthFailed' as const;
}

/** Okta answered 403: a missing scope or admin role, or a change Okta forbids (e.g. an APP_GROUP's members). */
export class OktaForbidden extends ConnectorError {
  override readonly name = 'OktaForbidden' as const;
}

/** No such user, group or app. */
export class OktaNotFound extends ConnectorError {
  override readonly name = 'OktaNotFound' as const;
}

/** A lifecycle change that Okta does not allow from the user's current status. */
export class InvalidUserState extends ConnectorError {
  override readonly name = 'InvalidUserState' as const;
  readonly currentStatus?: string;
  constructor(message: string, options: ConnectorErrorOptions & { currentStatus?: string } = {}) {
    super(message, options);
    this.currentStatus = options.currentStatus;
  }
}

/** Okta's rate limit was still exceeded when the retry budget ran out; `retryAfterSeconds` says when to try again. */
export class OktaRateLimited extends ConnectorError {
  override readonly name = 'OktaRateLimited' as const;
}

/** Okta failed (5xx, timeout, connection reset) after retries. */
export class OktaUnavailable extends ConnectorError {
  override readonly name = 'OktaUnavailable' as const;
}

/**
 * Anything else: a misconfiguration (e.g. a malformed connection secret, named by field, never by value) or an
 * unexpected failure, whose message is generic on purpose: the cause is logged, never returned.
 */
export class InternalError extends ConnectorError {
  override readonly name = 'InternalError' as const;
}

/** Whether a value is one of the connector's typed errors. */
export function isConnectorError(value: unknown): value is ConnectorError {
  return value instanceof ConnectorError;
}

/**
 * Turns anything thrown into a typed error a caller may see. Unknown errors become a generic
 * `InternalError` whose `cause` keeps the original for the logs only.
 */
export function toConnectorError(value: unknown): ConnectorError {
  if (isConnectorError(value)) return value;
  return new InternalError('The connector failed unexpectedly; see its logs for the request id.', { cause: value });
}
