/**
 * Lifecycle changes made safe to retry (docs/CONTRACT.md §2). The user is read first: already in the target status
 * (or on its way there) is a success with `changed: false`, so a Step Functions `Retry` after a timeout does no
 * harm. When Okta refuses the change with a status-related error code, a fresh read decides between "someone else
 * got there first" (`changed: false`) and `InvalidUserState` naming the current status. The decision rests on
 * `errorCode` and the user's status, never on Okta's summary text ("Only the errorCode property is supported for
 * runtime error flow control", CORE).
 */
import { InvalidUserState, isConnectorError, type ConnectorError } from '../errors.js';
import type { OktaClient } from '../okta/client.js';
import { userPath } from '../okta/paths.js';

export interface OktaUser {
  id: string;
  status: string;
  transitioningToStatus?: string;
  [field: string]: unknown;
}

/**
 * Error codes Okta answers when the user's status does not allow an operation: E0000001 (e.g. suspending a user
 * who is not active), E0000016 (already active), E0000017 (password reset failed), E0000038 (not allowed in the
 * current status), E0000112 (still being activated), E0000032 (unlock of a user who is not locked out, 403 in the
 * okta-sdk-python recording test_unlock_user). OKTA-API-FACTS §0 and §1b.
 */
const STATUS_ERROR_CODES = new Set(['E0000001', 'E0000016', 'E0000017', 'E0000032', 'E0000038', 'E0000112']);

/** Reads a user by id or login. */
export async function getUser(okta: OktaClient, userId: string, deadline: number): Promise<OktaUser> {
  const response = await okta.request<OktaUser>({ method: 'GET', path: userPath(userId) }, { deadline });
  return response.body;
}

export interface StatusCheckedCall<R> {
  okta: OktaClient;
  userId: string;
  deadline: number;
  /** The operation, for the error message: "Cannot <verb> a user whose status is X", e.g. "suspend". */
  verb: string;
  /** Makes the call for the user's Okta id. */
  change: (id: string) => Promise<R>;
}

export interface StatusChange<R> extends StatusCheckedCall<R> {
  /** Statuses in which the change has already happened. */
  targets: readonly string[];
}

export type StatusChangeResult<R> = { changed: false; user: OktaUser } | { changed: true; user: OktaUser; result: R };

/** Runs a lifecycle change idempotently; see the module comment. */
export async function changeStatus<R>(request: StatusChange<R>): Promise<StatusChangeResult<R>> {
  const { okta, deadline, targets } = request;
  const user = await getUser(okta, request.userId, deadline);
  if (isIn(user, targets)) return { changed: false, user };
  try {
    return { changed: true, user, result: await request.change(user.id) };
  } catch (error) {
    if (!isStatusError(error)) throw error;
    const fresh = await getUser(okta, user.id, deadline);
    if (isIn(fresh, targets)) return { changed: false, user: fresh };
    throw invalidUserState(request.verb, fresh, error);
  }
}

/**
 * A user operation with no target status (password reset, expiry): the user is read for its id, and a refusal
 * for the user's status becomes `InvalidUserState` naming it.
 */
export async function withStatusCheck<R>(request: StatusCheckedCall<R>): Promise<{ user: OktaUser; result: R }> {
  const { okta, deadline } = request;
  const user = await getUser(okta, request.userId, deadline);
  try {
    return { user, result: await request.change(user.id) };
  } catch (error) {
    if (!isStatusError(error)) throw error;
    throw invalidUserState(request.verb, await getUser(okta, user.id, deadline), error);
  }
}

/** Whether Okta refused the call for the user's status (see STATUS_ERROR_CODES). */
export function isStatusError(error: unknown): error is ConnectorError {
  return isConnectorError(error) && STATUS_ERROR_CODES.has(error.oktaErrorCode ?? '');
}

/** `InvalidUserState` naming the user's current status, keeping what Okta said. */
export function invalidUserState(verb: string, user: OktaUser, error: ConnectorError): InvalidUserState {
  return new InvalidUserState(`Cannot ${verb} a user whose status is ${user.status} (${error.message})`, {
    currentStatus: user.status,
    oktaErrorCode: error.oktaErrorCode,
    oktaErrorId: error.oktaErrorId,
    causes: error.causes,
    oktaRequestId: error.oktaRequestId,
    oktaStatus: error.oktaStatus,
    cause: error,
  });
}

function isIn(user: OktaUser, targets: readonly string[]): boolean {
  return (
    targets.includes(user.status) ||
    (user.transitioningToStatus !== undefined && targets.includes(user.transitioningToStatus))
  );
}
